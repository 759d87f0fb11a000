"""Approved periods: a regency's month whose figures are final (DHIS2's approved, locked periods).

A district admin approves a month; from then on no report dated in it may be added, corrected or
voided until a district or platform admin reopens it with a reason. A tenant setting may also lock
a month automatically some days after its end (DHIS2's expiry days); a month reopened explicitly
stays open until it is approved again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from enum import StrEnum

from chalicelib.domain.periods import Period
from chalicelib.errors import ConflictError


class PeriodState(StrEnum):
    """Whether a month's figures are final."""

    PROVISIONAL = "provisional"
    APPROVED = "approved"


class PeriodAction(StrEnum):
    """What was done to a month."""

    APPROVED = "approved"
    REOPENED = "reopened"


@dataclass(frozen=True)
class PeriodEvent:
    """One approval or reopening: who, when, why."""

    month: str
    action: PeriodAction
    by: str
    at: dt.datetime
    reason: str | None = None


@dataclass(frozen=True)
class MonthApproval:
    """The stored state of one month of a tenant (a month never touched has none)."""

    month: str
    state: PeriodState
    version: int
    changed_at: dt.datetime
    changed_by: str
    reopened: bool = False  # reopened explicitly at least once since its last approval

    def approved(self, *, by: str, at: dt.datetime) -> MonthApproval:
        """This month approved; approving an approved month is a conflict."""
        if self.state is PeriodState.APPROVED:
            raise ConflictError(f"{self.month} is already approved", code="already_approved")
        return replace(
            self, state=PeriodState.APPROVED, version=self.version + 1, changed_at=at, changed_by=by, reopened=False
        )

    def reopened_by(self, *, by: str, at: dt.datetime) -> MonthApproval:
        """This month open again for reports."""
        return replace(
            self, state=PeriodState.PROVISIONAL, version=self.version + 1, changed_at=at, changed_by=by, reopened=True
        )


@dataclass(frozen=True)
class PeriodSettings:
    """A tenant's reporting rules: the on-time deadline and the automatic lock."""

    deadline_day: int = 10  # reports received by the end of this day of the next month are on time
    auto_lock_days: int | None = None  # lock a month this many days after its end; None: never


def auto_locked(month: str, settings: PeriodSettings, *, today: dt.date) -> bool:
    """Whether the automatic lock has closed `month` by `today` (the tenant's local date)."""
    if settings.auto_lock_days is None:
        return False
    return today > Period.parse(month).end + dt.timedelta(days=settings.auto_lock_days)


def is_locked(month: str, stored: MonthApproval | None, settings: PeriodSettings, *, today: dt.date) -> bool:
    """Whether reports dated in `month` may no longer change."""
    if stored is not None and stored.state is PeriodState.APPROVED:
        return True
    if stored is not None and stored.reopened:
        return False
    return auto_locked(month, settings, today=today)


def effective_state(stored: MonthApproval | None) -> PeriodState:
    """`approved` when the month's figures were approved (and not reopened since), else `provisional`.
    A month closed only by the automatic lock is locked but not approved: nobody signed it off."""
    return stored.state if stored is not None else PeriodState.PROVISIONAL
