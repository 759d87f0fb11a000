"""Approved periods of the caller's regency and its reporting settings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice.app import Blueprint

from chalicelib.api.http import endpoint
from chalicelib.domain.principal import Principal, Role
from chalicelib.lazy import lazy_import
from chalicelib.schemas.periods import (
    NotificationSettings,
    PeriodChanged,
    PeriodEventPublic,
    PeriodHistory,
    PeriodList,
    PeriodListQuery,
    PeriodPublic,
    ReopenRequest,
    ReportingSettings,
)

periods_bp = Blueprint(__name__)
if TYPE_CHECKING:
    from chalicelib.services import periods as service
else:
    service = lazy_import("chalicelib.services.periods")
READERS = (Role.DISTRICT_ADMIN, Role.OPERATOR, Role.VIEWER)


@endpoint(
    periods_bp,
    "/v1/periods",
    summary="The regency's months and their state",
    tag="periods",
    query=PeriodListQuery,
    responses={200: PeriodList},
    roles=READERS,
)
def list_periods(*, principal: Principal, query: PeriodListQuery) -> PeriodList:
    """Months from `from` to `to` (default: the last twelve), newest first."""
    views = service.listing(principal=principal, start=query.from_, end=query.to)
    return PeriodList(
        items=[
            PeriodPublic(
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


@endpoint(
    periods_bp,
    "/v1/periods/{month}/approve",
    "POST",
    summary="Approve a month",
    tag="periods",
    responses={200: PeriodChanged},
    roles=(Role.DISTRICT_ADMIN,),
    description="From now on reports dated in the month cannot be added, corrected or voided "
    "(409 `period_locked`) until it is reopened. 409 `already_approved` when it is.",
)
def approve_period(*, principal: Principal, month: str) -> PeriodChanged:
    """The month's figures are final."""
    return PeriodChanged.of(service.approve(principal=principal, month=month))


@endpoint(
    periods_bp,
    "/v1/periods/{month}/reopen",
    "POST",
    summary="Reopen an approved month",
    tag="periods",
    body=ReopenRequest,
    responses={200: PeriodChanged},
    roles=(Role.DISTRICT_ADMIN,),
)
def reopen_period(*, principal: Principal, month: str, body: ReopenRequest) -> PeriodChanged:
    """Reports dated in the month may change again; the reason is recorded."""
    return PeriodChanged.of(service.reopen(principal=principal, month=month, reason=body.reason))


@endpoint(
    periods_bp,
    "/v1/admin/tenants/{tenant_id}/periods/{month}/reopen",
    "POST",
    summary="Reopen a regency's approved month (platform admin)",
    tag="admin",
    body=ReopenRequest,
    responses={200: PeriodChanged},
    roles=(Role.PLATFORM_ADMIN,),
)
def admin_reopen_period(*, principal: Principal, tenant_id: str, month: str, body: ReopenRequest) -> PeriodChanged:
    """The national operator reopens a month for a regency; the reason is recorded."""
    return PeriodChanged.of(service.reopen(principal=principal, month=month, reason=body.reason, tenant_id=tenant_id))


@endpoint(
    periods_bp,
    "/v1/periods/{month}/history",
    summary="Approvals and reopenings of a month",
    tag="periods",
    responses={200: PeriodHistory},
    roles=READERS,
)
def period_history(*, principal: Principal, month: str) -> PeriodHistory:
    """Who approved or reopened the month, when and why, oldest first."""
    events = service.history(principal=principal, month=month)
    return PeriodHistory(month=month, items=[PeriodEventPublic.of(e) for e in events])


@endpoint(
    periods_bp,
    "/v1/settings/reporting",
    summary="The regency's reporting settings",
    tag="periods",
    responses={200: ReportingSettings},
    roles=READERS,
)
def get_reporting_settings(*, principal: Principal) -> ReportingSettings:
    """The on-time deadline and the automatic lock."""
    return ReportingSettings.of(service.settings(principal=principal))


@endpoint(
    periods_bp,
    "/v1/settings/notifications",
    summary="The regency's notification switch",
    tag="periods",
    responses={200: NotificationSettings},
    roles=READERS,
)
def get_notification_settings(*, principal: Principal) -> NotificationSettings:
    """Whether the office's contact gets reminder e-mails."""
    return NotificationSettings(reminder_emails=service.reminder_emails_on(principal=principal))


@endpoint(
    periods_bp,
    "/v1/settings/notifications",
    "PUT",
    summary="Switch the regency's reminder e-mails",
    tag="periods",
    body=NotificationSettings,
    responses={200: NotificationSettings},
    roles=(Role.DISTRICT_ADMIN,),
    description="On by default: CommitmentOverdue and CommitmentNextStepDue reach the tenant's contact e-mail.",
)
def put_notification_settings(*, principal: Principal, body: NotificationSettings) -> NotificationSettings:
    """Switch reminder e-mails on or off."""
    service.switch_reminder_emails(principal=principal, on=body.reminder_emails)
    return body


@endpoint(
    periods_bp,
    "/v1/settings/reporting",
    "PUT",
    summary="Change the regency's reporting settings",
    tag="periods",
    body=ReportingSettings,
    responses={200: ReportingSettings},
    roles=(Role.DISTRICT_ADMIN,),
)
def put_reporting_settings(*, principal: Principal, body: ReportingSettings) -> ReportingSettings:
    """Replace the on-time deadline day and the automatic lock (null: off)."""
    return ReportingSettings.of(service.update_settings(principal=principal, data=body.to_domain()))
