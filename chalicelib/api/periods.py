"""Approved periods of the caller's regency and its reporting settings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice.app import Blueprint

from chalicelib.api.http import Routes
from chalicelib.domain.principal import Principal, Role
from chalicelib.lazy import lazy_import

periods_bp = Blueprint(__name__)
if TYPE_CHECKING:
    from chalicelib.schemas import periods as periods_schema
    from chalicelib.services import periods as service
else:
    periods_schema = lazy_import("chalicelib.schemas.periods")
    service = lazy_import("chalicelib.services.periods")
READERS = (Role.DISTRICT_ADMIN, Role.OPERATOR, Role.VIEWER)
ADMIN = (Role.DISTRICT_ADMIN,)
routes = Routes(periods_bp, "periods")


@routes.get("/v1/periods", "The regency's months and their state", roles=READERS)
def list_periods(*, principal: Principal, query: periods_schema.PeriodListQuery) -> periods_schema.PeriodList:
    """Months from `from` to `to` (default: the last twelve), newest first."""
    views = service.listing(principal=principal, start=query.from_, end=query.to)
    return periods_schema.PeriodList(
        items=[
            periods_schema.PeriodPublic(
                month=v.month,
                state=v.state.value,
                locked=v.locked,
                auto_locked=v.auto_locked,
                on_time_deadline=v.deadline,
                version=v.stored.version if v.stored else 0,
                changed_at=v.stored.changed_at if v.stored else None,
                changed_by=v.stored.changed_by if v.stored else None,
            )
            for v in views
        ]
    )


@routes.post("/v1/periods/{month}/approve", "Approve a month", roles=ADMIN)
def approve_period(*, principal: Principal, month: str) -> periods_schema.PeriodChanged:
    """The month's figures are final.

    From now on reports dated in the month cannot be added, corrected or voided (409 `period_locked`) until it is
    reopened. 409 `already_approved` when it is.
    """
    return periods_schema.PeriodChanged.of(service.approve(principal=principal, month=month))


@routes.post("/v1/periods/{month}/reopen", "Reopen an approved month", roles=ADMIN)
def reopen_period(
    *, principal: Principal, month: str, body: periods_schema.ReopenRequest
) -> periods_schema.PeriodChanged:
    """Reports dated in the month may change again; the reason is recorded."""
    return periods_schema.PeriodChanged.of(service.reopen(principal=principal, month=month, reason=body.reason))


@Routes(periods_bp, "admin").post(
    "/v1/admin/tenants/{tenant_id}/periods/{month}/reopen",
    "Reopen a regency's approved month (platform admin)",
    roles=(Role.PLATFORM_ADMIN,),
)
def admin_reopen_period(
    *, principal: Principal, tenant_id: str, month: str, body: periods_schema.ReopenRequest
) -> periods_schema.PeriodChanged:
    """The national operator reopens a month for a regency; the reason is recorded."""
    return periods_schema.PeriodChanged.of(
        service.reopen(principal=principal, month=month, reason=body.reason, tenant_id=tenant_id)
    )


@routes.get("/v1/periods/{month}/history", "Approvals and reopenings of a month", roles=READERS)
def period_history(*, principal: Principal, month: str) -> periods_schema.PeriodHistory:
    """Who approved or reopened the month, when and why, oldest first."""
    events = service.history(principal=principal, month=month)
    return periods_schema.PeriodHistory(month=month, items=[periods_schema.PeriodEventPublic.of(e) for e in events])


@routes.get("/v1/settings/reporting", "The regency's reporting settings", roles=READERS)
def get_reporting_settings(*, principal: Principal) -> periods_schema.ReportingSettings:
    """The on-time deadline and the automatic lock."""
    return periods_schema.ReportingSettings.of(service.settings(principal=principal))


@routes.get("/v1/settings/notifications", "The regency's notification switch", roles=READERS)
def get_notification_settings(*, principal: Principal) -> periods_schema.NotificationSettings:
    """Whether the office's contact gets reminder e-mails."""
    return periods_schema.NotificationSettings(reminder_emails=service.reminder_emails_on(principal=principal))


@routes.put("/v1/settings/notifications", "Switch the regency's reminder e-mails", roles=ADMIN)
def put_notification_settings(
    *, principal: Principal, body: periods_schema.NotificationSettings
) -> periods_schema.NotificationSettings:
    """Switch reminder e-mails on or off.

    On by default: CommitmentOverdue and CommitmentNextStepDue reach the tenant's contact e-mail.
    """
    service.switch_reminder_emails(principal=principal, on=body.reminder_emails)
    return body


@routes.put("/v1/settings/reporting", "Change the regency's reporting settings", roles=ADMIN)
def put_reporting_settings(
    *, principal: Principal, body: periods_schema.ReportingSettings
) -> periods_schema.ReportingSettings:
    """Replace the on-time deadline day and the automatic lock (null: off)."""
    return periods_schema.ReportingSettings.of(service.update_settings(principal=principal, data=body.to_domain()))
