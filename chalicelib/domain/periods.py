"""Reporting periods: month `2026-11`, quarter `2026-Q4`, year `2026`."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

# Years 2000-2999: every period, its predecessors and its year-earlier twin are real dates.
PERIOD_PATTERN = r"^2\d{3}(-(0[1-9]|1[0-2])|-Q[1-4])?$"
# The latest date any stored date may carry (an end date); NO_END_DATE is the usual "no end" value of
# forms and spreadsheets, accepted and stored as no date at all. Bounded, no date arithmetic can overflow.
LATEST_DATE = dt.date(2200, 12, 31)
NO_END_DATE = dt.date(9999, 12, 31)
_MONTH = re.compile(r"(2\d{3})-(\d{2})")
_QUARTER = re.compile(r"(2\d{3})-Q([1-4])")
_YEAR = re.compile(r"(2\d{3})")


class PeriodKind(StrEnum):
    """The three kinds of period the indicators are read over."""

    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


@dataclass(frozen=True, order=True)
class Period:
    """A month, quarter or year."""

    year: int
    kind: PeriodKind
    index: int  # month 1-12, quarter 1-4, or 1 for a year

    @classmethod
    def parse(cls, text: str) -> Period:
        """`2026-11`, `2026-Q4` or `2026`; ValueError otherwise."""
        if m := _MONTH.fullmatch(text):
            month = int(m.group(2))
            if 1 <= month <= 12:
                return cls(int(m.group(1)), PeriodKind.MONTH, month)
        elif m := _QUARTER.fullmatch(text):
            return cls(int(m.group(1)), PeriodKind.QUARTER, int(m.group(2)))
        elif m := _YEAR.fullmatch(text):
            return cls(int(m.group(1)), PeriodKind.YEAR, 1)
        raise ValueError(f"not a period: {text!r} (use 2026-11, 2026-Q4 or 2026, years 2000-2999)")

    @classmethod
    def month_of(cls, day: dt.date) -> Period:
        """The month containing `day`."""
        return cls(day.year, PeriodKind.MONTH, day.month)

    @classmethod
    def all_of(cls, day: dt.date) -> tuple[Period, Period, Period]:
        """The month, quarter and year containing `day`."""
        return (
            cls(day.year, PeriodKind.MONTH, day.month),
            cls(day.year, PeriodKind.QUARTER, (day.month - 1) // 3 + 1),
            cls(day.year, PeriodKind.YEAR, 1),
        )

    def __str__(self) -> str:
        if self.kind is PeriodKind.MONTH:
            return f"{self.year:04d}-{self.index:02d}"
        if self.kind is PeriodKind.QUARTER:
            return f"{self.year:04d}-Q{self.index}"
        return f"{self.year:04d}"

    @property
    def first_month(self) -> int:
        return {PeriodKind.MONTH: self.index, PeriodKind.QUARTER: 3 * self.index - 2, PeriodKind.YEAR: 1}[self.kind]

    @property
    def last_month(self) -> int:
        return {PeriodKind.MONTH: self.index, PeriodKind.QUARTER: 3 * self.index, PeriodKind.YEAR: 12}[self.kind]

    @property
    def start(self) -> dt.date:
        """The period's first day."""
        return dt.date(self.year, self.first_month, 1)

    @property
    def end(self) -> dt.date:
        """The period's last day."""
        return dt.date(self.year, self.last_month, calendar.monthrange(self.year, self.last_month)[1])

    @property
    def last_month_key(self) -> str:
        """ "YYYY-MM" of the period's last month."""
        return f"{self.year:04d}-{self.last_month:02d}"

    def months(self) -> list[Period]:
        """The months of the period."""
        return [Period(self.year, PeriodKind.MONTH, m) for m in range(self.first_month, self.last_month + 1)]

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def previous(self) -> Period:
        """The preceding period of the same kind."""
        if self.kind is PeriodKind.YEAR:
            return Period(self.year - 1, self.kind, 1)
        last = 12 if self.kind is PeriodKind.MONTH else 4
        if self.index == 1:
            return Period(self.year - 1, self.kind, last)
        return Period(self.year, self.kind, self.index - 1)

    def a_year_earlier(self) -> Period:
        """The same period a year earlier."""
        return Period(self.year - 1, self.kind, self.index)


def month_key(day: dt.date) -> str:
    """ "YYYY-MM" of a date."""
    return f"{day.year:04d}-{day.month:02d}"


def next_month_key(key: str) -> str:
    """The month after "YYYY-MM"."""
    year, month = int(key[:4]), int(key[5:7])
    return f"{year + month // 12:04d}-{month % 12 + 1:02d}"
