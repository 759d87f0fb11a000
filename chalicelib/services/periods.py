"""Approving and reopening a tenant's months, its reporting settings, and the lock reports obey."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from chalicelib import areas
from chalicelib.clock import local_today, utcnow
from chalicelib.domain.approvals import (
    MonthApproval,
    PeriodAction,
    PeriodEvent,
    PeriodSettings,
    PeriodState,
    auto_locked,
    is_locked,
)
from chalicelib.domain.completeness import deadline
from chalicelib.domain.periods import Period, PeriodKind
from chalicelib.domain.principal import Principal, Role
from chalicelib.domain.rollup_plan import REGENCY_SCOPE
from chalicelib.errors import ConflictError, FieldProblem, InvalidInputError, PeriodLockedError
from chalicelib.stores import for_tenant

READERS = (Role.DISTRICT_ADMIN, Role.OPERATOR, Role.VIEWER)
MAX_LISTED_MONTHS = 60


@dataclass(frozen=True)
class MonthView:
    """A month of a tenant as listed: its state, whether reports may still change, its on-time deadline."""

    month: str
    state: PeriodState
    locked: bool
    auto_locked: bool
    deadline: dt.datetime
    stored: MonthApproval | None


def _month(text: str, field: str = "month") -> Period:
    try:
        period = Period.parse(text)
    except ValueError:
        period = None
    if period is None or period.kind is not PeriodKind.MONTH:
        detail = FieldProblem(field, "use YYYY-MM with a year from 2000 to 2999, e.g. 2026-11")
        raise InvalidInputError(f"{text[:16]!r} is not a month", details=[detail])
    return period


def require_open(*, tenant_id: str, months: Iterable[str], now: dt.datetime | None = None) -> None:
    """Refuse (409 period_locked) a change to reports dated in any approved or locked month."""
    closed = locked_months(tenant_id=tenant_id, months=months, now=now)
    if closed:
        raise PeriodLockedError(sorted(closed))


def locked_months(*, tenant_id: str, months: Iterable[str], now: dt.datetime | None = None) -> set[str]:
    """Which of these months ("YYYY-MM") no report may change in: one batch read, plus the
    settings when the tenant locks months automatically."""
    wanted = set(months)
    if not wanted:
        return set()
    repo = for_tenant(tenant_id).periods
    stored = repo.months(wanted)
    today = local_today(tenant_id, now=now or utcnow())
    settings = (
        repo.settings()
        if any(m not in stored or stored[m].state is not PeriodState.APPROVED for m in wanted)
        else PeriodSettings()
    )
    return {m for m in wanted if is_locked(m, stored.get(m), settings, today=today)}


def _change(
    principal: Principal,
    tenant_id: str,
    month: str,
    action: PeriodAction,
    reason: str | None,
    now: dt.datetime | None,
) -> tuple[MonthApproval, PeriodEvent]:
    period = _month(month)
    repo = for_tenant(tenant_id).periods
    now = now or utcnow()
    before = repo.months([month]).get(month)
    current = before or MonthApproval(month, PeriodState.PROVISIONAL, 0, now, principal.key_id)
    if action is PeriodAction.APPROVED:
        if period.end >= local_today(tenant_id, now=now):
            raise InvalidInputError(
                f"{month} is not over yet; a month can be approved from the day after its last day",
                details=[FieldProblem("month", "not over yet")],
            )
        after = current.approved(by=principal.key_id, at=now)
    else:
        if not is_locked(month, before, repo.settings(), today=local_today(tenant_id, now=now)):
            raise ConflictError(f"{month} is not approved; there is nothing to reopen", code="not_approved")
        after = current.reopened_by(by=principal.key_id, at=now)
    event = PeriodEvent(month, action, principal.key_id, now, reason)
    # The national export carries the state: the next rollup writes the month's export again.
    for_tenant(tenant_id).changes.mark([(month, REGENCY_SCOPE)], now=now)
    repo.change(before, after, event)
    return after, event


def approve(*, principal: Principal, month: str, now: dt.datetime | None = None) -> MonthApproval:
    """Approve a month of the caller's regency (district admin): its reports are final from now on."""
    principal.require(Role.DISTRICT_ADMIN)
    return _change(principal, principal.tenant, month, PeriodAction.APPROVED, None, now)[0]


def reopen(
    *,
    principal: Principal,
    month: str,
    reason: str,
    tenant_id: str | None = None,
    now: dt.datetime | None = None,
) -> MonthApproval:
    """Reopen an approved (or automatically locked) month, with a reason: the district admin for its
    regency, the platform admin for the tenant it names."""
    principal.require(Role.DISTRICT_ADMIN, Role.PLATFORM_ADMIN)
    tenant = principal.tenant if principal.role is Role.DISTRICT_ADMIN else tenant_id
    if not tenant:
        raise InvalidInputError("name the tenant whose month is reopened")
    return _change(principal, tenant, month, PeriodAction.REOPENED, reason, now)[0]


def history(*, principal: Principal, month: str) -> list[PeriodEvent]:
    """Every approval and reopening of a month of the caller's regency, oldest first."""
    principal.require(*READERS)
    _month(month)
    return for_tenant(principal.tenant).periods.events(month)


def listing(
    *,
    principal: Principal,
    start: str | None,
    end: str | None,
    now: dt.datetime | None = None,
) -> list[MonthView]:
    """The tenant's months from `start` to `end` (default: the last twelve up to the current one),
    newest first, each with its state."""
    principal.require(*READERS)
    tenant = principal.tenant
    repo = for_tenant(tenant).periods
    today = local_today(tenant, now=now or utcnow())
    last = _month(end, "to") if end else Period.month_of(today)
    first = _month(start, "from") if start else last
    if not start:
        for _ in range(11):
            first = first.previous()
    months: list[Period] = []
    cursor = last
    while cursor >= first and len(months) < MAX_LISTED_MONTHS:
        months.append(cursor)
        cursor = cursor.previous()
    if first > last or cursor >= first:
        raise InvalidInputError(
            f"list from one month to a later one, at most {MAX_LISTED_MONTHS} months",
            details=[FieldProblem("from", "after `to`, or too far before it")],
        )
    stored = repo.months(str(m) for m in months)
    settings = repo.settings()
    tz = areas.timezone_of(tenant)
    return [
        MonthView(
            month=str(m),
            state=stored[str(m)].state if str(m) in stored else PeriodState.PROVISIONAL,
            locked=is_locked(str(m), stored.get(str(m)), settings, today=today),
            auto_locked=auto_locked(str(m), settings, today=today),
            deadline=deadline(m, day=settings.deadline_day, tz=tz),
            stored=stored.get(str(m)),
        )
        for m in months
    ]


def settings(*, principal: Principal) -> PeriodSettings:
    """The tenant's reporting settings."""
    principal.require(*READERS)
    return for_tenant(principal.tenant).periods.settings()


def reminder_emails_on(*, principal: Principal) -> bool:
    """Whether the tenant's office gets reminder e-mails."""
    principal.require(*READERS)
    return for_tenant(principal.tenant).periods.reminder_emails()


def switch_reminder_emails(*, principal: Principal, on: bool) -> None:
    """Switch the tenant's reminder e-mails (district admin)."""
    principal.require(Role.DISTRICT_ADMIN)
    for_tenant(principal.tenant).periods.set_reminder_emails(on)


def update_settings(*, principal: Principal, data: PeriodSettings) -> PeriodSettings:
    """Replace the tenant's reporting settings (district admin)."""
    principal.require(Role.DISTRICT_ADMIN)
    stores = for_tenant(principal.tenant)
    repo = stores.periods
    before = repo.settings()
    if before.deadline_day != data.deadline_day:  # every village's on-time figures: the rollup recomputes
        now = utcnow()
        month = local_today(principal.tenant, now=now).strftime("%Y-%m")
        codes = stores.villages.all_codes()
        stores.changes.mark([(month, code) for code in codes], now=now)
    repo.save_settings(data)
    return data
