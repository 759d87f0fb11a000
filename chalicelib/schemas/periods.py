"""Approved periods and reporting settings: requests and responses."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from chalicelib.domain.approvals import MonthApproval, PeriodEvent, PeriodSettings
from chalicelib.schemas.common import PublicModel, QueryModel, RequestModel, Shows, described

MONTH_PATTERN = described(r"^\d{4}-(0[1-9]|1[0-2])$", "a month as YYYY-MM, such as 2026-11", "month")


class ReopenRequest(RequestModel):
    """Why an approved month is opened again."""

    reason: str = Field(min_length=3, max_length=500, examples=["koreksi laporan kunjungan Desa Karanglangu"])


class PeriodListQuery(QueryModel):
    """A range of months (default: the last twelve)."""

    from_: str | None = Field(default=None, alias="from", pattern=MONTH_PATTERN, examples=["2026-01"])
    to: str | None = Field(default=None, pattern=MONTH_PATTERN, examples=["2026-12"])


class PeriodPublic(PublicModel):
    """A month of the regency: `approved` or `provisional`, whether reports may still change, and the
    deadline its reports must be received by to count as on time."""

    month: str
    state: str
    locked: bool = Field(description="no report dated in the month may be added, corrected or voided")
    auto_locked: bool = Field(description="closed by the tenant's automatic lock (auto_lock_days)")
    on_time_deadline: dt.datetime
    version: int = 0
    changed_at: dt.datetime | None = None
    changed_by: str | None = None


class PeriodList(PublicModel):
    """Months, newest first."""

    items: list[PeriodPublic]


class PeriodChanged(Shows[MonthApproval]):
    """A month's state after an approval or a reopening."""

    month: str
    state: str
    version: int
    changed_at: dt.datetime
    changed_by: str


class PeriodEventPublic(Shows[PeriodEvent]):
    """One approval or reopening."""

    action: str
    by: str
    at: dt.datetime
    reason: str | None = None


class PeriodHistory(PublicModel):
    """Every approval and reopening of a month, oldest first."""

    month: str
    items: list[PeriodEventPublic]


class NotificationSettings(RequestModel):
    """Whether reminder e-mails reach the office's contact."""

    reminder_emails: bool


class ReportingSettings(RequestModel):
    """A tenant's reporting rules."""

    deadline_day: int = Field(
        default=10, ge=1, le=28, description="reports received by the end of this day of the next month are on time"
    )
    auto_lock_days: int | None = Field(
        default=None, ge=0, le=366, description="lock each month this many days after its end; null: never"
    )

    @classmethod
    def of(cls, settings: PeriodSettings) -> ReportingSettings:
        return cls.model_validate(settings, from_attributes=True)

    def to_domain(self) -> PeriodSettings:
        return PeriodSettings(deadline_day=self.deadline_day, auto_lock_days=self.auto_lock_days)
