"""Baselines: what a village did in a month when it joined TPBIS, the third comparison of DOMAIN.md.

A village's baseline of a report indicator is a monthly value: recorded from a baseline survey,
or, when none is recorded, the mean of its first three full calendar months from `joined_on`
(absent until those months are over). Kept in thousandths (domain/official_figures.py sums them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from chalicelib.domain.indicators import BASELINE_INDICATORS
from chalicelib.domain.periods import Period, PeriodKind, month_key, next_month_key

DERIVED_MONTHS = 3
MILLI = 1000


def first_full_months(joined_on: dt.date) -> list[str]:
    """The first three full calendar months from `joined_on` ("YYYY-MM"): a village joining on the
    1st counts that month, otherwise its first full month is the next one."""
    first = month_key(joined_on) if joined_on.day == 1 else next_month_key(month_key(joined_on))
    months = [first]
    while len(months) < DERIVED_MONTHS:
        months.append(next_month_key(months[-1]))
    return months


def matures_in(joined_on: dt.date) -> str:
    """The month from whose first day the derived baseline exists: the one after its three months."""
    return next_month_key(first_full_months(joined_on)[-1])


def derived_baseline(
    joined_on: dt.date | None, monthly_values: Mapping[str, Mapping[str, int]], *, today: dt.date
) -> dict[str, int] | None:
    """The mean of the first three full months' values in thousandths, once those months are over
    (`today` is the village's local date); None while they are not, or when `joined_on` is unknown.
    A month without reports counts as 0: the village was expected to report and did nothing measurable."""
    if joined_on is None or month_key(today) < matures_in(joined_on):
        return None
    months = first_full_months(joined_on)
    return {
        name: round(sum(monthly_values.get(month, {}).get(name, 0) for month in months) * MILLI / DERIVED_MONTHS)
        for name in BASELINE_INDICATORS
    }


def recorded_milli(monthly: Mapping[str, float]) -> dict[str, int]:
    """A recorded baseline (units a month) in thousandths."""
    return {name: round(value * MILLI) for name, value in monthly.items() if name in BASELINE_INDICATORS}


def months_in(period: Period) -> int:
    """The period's length in months (the multiplier of a monthly baseline)."""
    return {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.YEAR: 12}[period.kind]
