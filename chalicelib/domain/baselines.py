"""Baselines: what a village did in a month when it joined TPBIS, the third comparison of DOMAIN.md.

A village's baseline of a flow indicator is a monthly value: recorded from a baseline survey, or,
when none is recorded, the mean of its first three full calendar months from `joined_on` (absent
until those months are over). For a scope and a period of m months, `baseline` is the sum of the
monthly baselines of the scope's villages that have one, times m; `vs_baseline_pct` compares the
same villages' value with it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from chalicelib.domain.indicators import FLOWS
from chalicelib.domain.periods import Period, PeriodKind, month_key, next_month_key

# The flow indicators a village has a baseline of: what its reports measure (not coverage, not
# the regency's commitments).
_NOT_OF_REPORTS = frozenset(
    {"villages_reporting", "commitments_made", "commitments_fulfilled", "budget_committed_idr", "budget_realized_idr"}
)
BASELINE_INDICATORS = tuple(name for name in FLOWS if name not in _NOT_OF_REPORTS)
DERIVED_MONTHS = 3


def first_full_months(joined_on: dt.date) -> list[str]:
    """The first three full calendar months from `joined_on` ("YYYY-MM"): a village joining on the
    1st counts that month, otherwise its first full month is the next one."""
    first = month_key(joined_on) if joined_on.day == 1 else next_month_key(month_key(joined_on))
    months = [first]
    while len(months) < DERIVED_MONTHS:
        months.append(next_month_key(months[-1]))
    return months


def derived_baseline(
    joined_on: dt.date | None, monthly_values: Mapping[str, Mapping[str, int]], *, today: dt.date
) -> dict[str, float] | None:
    """The mean of the first three full months' values, once those months are over (`today` is the
    village's local date); None while they are not, or when `joined_on` is unknown. A month without
    reports counts as 0: the village was expected to report and did nothing measurable."""
    if joined_on is None:
        return None
    months = first_full_months(joined_on)
    if month_key(today) <= months[-1]:
        return None
    return {
        name: sum(monthly_values.get(month, {}).get(name, 0) for month in months) / DERIVED_MONTHS
        for name in BASELINE_INDICATORS
    }


def months_in(period: Period) -> int:
    """The period's length in months (the multiplier of a monthly baseline)."""
    return {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.YEAR: 12}[period.kind]


@dataclass(frozen=True)
class VillageBaseline:
    """One village's figures for a period next to its monthly baseline (None: it has none)."""

    monthly: Mapping[str, float] | None
    values: Mapping[str, int]


def _pct(value: float, base: float) -> float | None:
    return None if base == 0 else round((value - base) / base * 100, 1)


def scope_baseline(villages: Iterable[VillageBaseline], period: Period) -> dict[str, dict[str, float | int | None]]:
    """For each baseline indicator of a scope: `baseline` (the monthly baselines times m, summed over
    the villages with one), `baseline_villages` (how many) and `vs_baseline_pct` (those villages'
    value against it; null when the base is 0 or no village has one). A village's recorded baseline may name only some
    indicators: it counts for those."""
    m = months_in(period)
    base = dict.fromkeys(BASELINE_INDICATORS, 0.0)
    value = dict.fromkeys(BASELINE_INDICATORS, 0)
    count = dict.fromkeys(BASELINE_INDICATORS, 0)
    for village in villages:
        if village.monthly is None:
            continue
        for name, monthly in village.monthly.items():
            if name in base:
                base[name] += monthly * m
                value[name] += village.values.get(name, 0)
                count[name] += 1
    return {
        name: {
            "baseline": round(base[name], 2) if count[name] else None,
            "baseline_villages": count[name],
            "baseline_value": value[name] if count[name] else None,
            "vs_baseline_pct": _pct(value[name], base[name]) if count[name] else None,
        }
        for name in BASELINE_INDICATORS
    }
