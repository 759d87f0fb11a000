"""The TPBIS indicators: how village reports become figures, and how figures are compared.

*Flows* are sums or counts over what happened in a period; they are stored per scope and period
and a parent's flow is the sum of its children's. *Stocks* do not belong to one period: the
number of registered villages, a partnership series (+1 in the month a partnership starts,
-1 in the first month whose last day it no longer covers) from which `partnerships_active` at
the end of any period is a prefix sum, and the villages' *reach* (domain/official_figures.py):
which months each is expected to report in, and its monthly baseline. Rates and comparisons are
derived when read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from chalicelib.domain.periods import LATEST_DATE, Period, month_key, next_month_key
from chalicelib.domain.reports import Report, ReportStatus, ReportType

# The flows a village has a baseline of: what its reports measure (not coverage, not commitments).
BASELINE_INDICATORS = (
    "visits",
    "activities",
    "participants",
    "participants_women",
    "participants_youth",
    "participants_entrepreneurs",
    "participants_disabled",
    "media_mentions",
    "partnerships_new",
    "ict_sessions",
    "internet_users",
)
FLOWS = (
    *BASELINE_INDICATORS,
    "villages_reporting",
    "commitments_made",
    "commitments_fulfilled",
    "budget_committed_idr",
    "budget_realized_idr",
)
# Summed like flows but read only through the official figures: expected villages that reported
# (at all, and on time), and each baseline indicator's value over the villages that have a baseline.
OFFICIAL_FLOWS = (
    "villages_reporting_expected",
    "villages_reporting_on_time",
    *(f"baseline_value_{name}" for name in BASELINE_INDICATORS),
)
SUMMED = (*FLOWS, *OFFICIAL_FLOWS)
INDICATORS = (
    *FLOWS,
    "partnerships_active",
    "villages_registered",
    "villages_expected",
    "reporting_rate_pct",
    "villages_reporting_on_time",
    "timeliness_pct",
)

Figures = dict[str, int]


@dataclass(frozen=True)
class TransitionFact:
    """A commitment becoming committed or fulfilled, for the stakeholder figures."""

    commitment_id: str
    to_status: str  # "committed" or "fulfilled"
    on: dt.date
    amount_idr: int | None


@dataclass(frozen=True)
class Stock:
    """What a scope has regardless of period."""

    villages_registered: int
    partnership_series: dict[str, int]  # "YYYY-MM" -> net change
    # "<joined>|<left>" -> summed reach entries (see domain/official_figures.py)
    reach: dict[str, dict[str, int]] = field(default_factory=dict)

    def partnerships_active(self, period: Period) -> int:
        """Partnerships active on the period's last day."""
        last = period.last_month_key
        return sum(delta for month, delta in self.partnership_series.items() if month <= last)

    def as_values(self) -> dict[str, Any]:
        return {
            "villages_registered": self.villages_registered,
            "partnership_series": {k: v for k, v in sorted(self.partnership_series.items()) if v},
            "reach": {k: dict(sorted(v.items())) for k, v in sorted(self.reach.items())},
        }

    @classmethod
    def from_values(cls, values: Mapping[str, Any] | None) -> Stock:
        values = values or {}
        return cls(
            int(values.get("villages_registered", 0)),
            {str(k): int(v) for k, v in (values.get("partnership_series") or {}).items()},
            {str(k): {str(n): int(x) for n, x in v.items()} for k, v in (values.get("reach") or {}).items()},
        )


EMPTY_STOCK = Stock(0, {})


def zero() -> Figures:
    """Every flow (and official flow) at zero."""
    return dict.fromkeys(SUMMED, 0)


def add(total: Figures, more: Mapping[str, Any]) -> Figures:
    """`total` plus `more`, flow by flow (in place; returned for convenience)."""
    for name in SUMMED:
        total[name] += int(more.get(name, 0) or 0)
    return total


def sum_figures(parts: Iterable[Mapping[str, Any]]) -> Figures:
    """The sum of many figures."""
    total = zero()
    for part in parts:
        add(total, part)
    return total


def sum_stocks(parts: Iterable[Stock]) -> Stock:
    """A parent's stock: registered villages, partnership series and reach added up."""
    registered, series, reach = 0, dict[str, int](), dict[str, dict[str, int]]()
    for part in parts:
        registered += part.villages_registered
        for month, delta in part.partnership_series.items():
            series[month] = series.get(month, 0) + delta
        for key, entry in part.reach.items():
            summed = reach.setdefault(key, {})
            for name, amount in entry.items():
                summed[name] = summed.get(name, 0) + amount
    return Stock(registered, {k: v for k, v in series.items() if v}, reach)


def village_figures(reports: Iterable[Report], facts: Iterable[TransitionFact], period: Period) -> Figures:
    """A village's flows over a period, from its reports (void ones count nowhere) and commitment facts."""
    figures = zero()
    reported = False
    for report in reports:
        c = report.content
        if report.status is not ReportStatus.ACTIVE or not period.contains(c.date):
            continue
        reported = True
        f = c.fields
        if c.type is ReportType.VISITS:
            figures["visits"] += f.get("visitors", 0)
        elif c.type is ReportType.ACTIVITY:
            figures["activities"] += 1
            figures["participants"] += f.get("participants", 0)
            for group in ("women", "youth", "entrepreneurs", "disabled"):
                figures[f"participants_{group}"] += f.get(group, 0)
        elif c.type is ReportType.MEDIA:
            figures["media_mentions"] += 1
        elif c.type is ReportType.PARTNERSHIP:
            figures["partnerships_new"] += 1
        elif c.type is ReportType.ICT:
            figures["ict_sessions"] += f.get("computer_sessions", 0)
            figures["internet_users"] += f.get("internet_users", 0)
    figures["villages_reporting"] = 1 if reported else 0
    add(figures, commitment_figures(facts, period))
    return figures


def commitment_figures(facts: Iterable[TransitionFact], period: Period) -> Figures:
    """The stakeholder flows of a period."""
    figures = zero()
    for fact in facts:
        if not period.contains(fact.on):
            continue
        if fact.to_status == "committed":
            figures["commitments_made"] += 1
            figures["budget_committed_idr"] += fact.amount_idr or 0
        elif fact.to_status == "fulfilled":
            figures["commitments_fulfilled"] += 1
            figures["budget_realized_idr"] += fact.amount_idr or 0
    return figures


def first_inactive_month(ends_on: dt.date) -> str | None:
    """The first month whose last day a partnership ending on `ends_on` no longer covers; None when
    it never ends (NO_END_DATE, or any date past LATEST_DATE, as reports stored before that bound
    may carry)."""
    if ends_on > LATEST_DATE:
        return None
    following = ends_on + dt.timedelta(days=1)
    return next_month_key(month_key(ends_on)) if following.day == 1 else month_key(ends_on)


def partnership_series(reports: Iterable[Report]) -> dict[str, int]:
    """The +1/-1 series of a village's active partnership reports."""
    series: dict[str, int] = {}
    for report in reports:
        if report.status is not ReportStatus.ACTIVE or report.content.type is not ReportType.PARTNERSHIP:
            continue
        start = month_key(report.content.date)
        series[start] = series.get(start, 0) + 1
        ends_on = report.content.fields.get("ends_on")
        stop = first_inactive_month(dt.date.fromisoformat(ends_on)) if ends_on else None
        if stop:
            series[stop] = series.get(stop, 0) - 1
    return {k: v for k, v in series.items() if v}


def compare(value: float | None, base: float | None) -> tuple[float | None, float | None]:
    """(change, change in percent); the percentage is null when the base is 0 or absent."""
    if value is None or base is None:
        return None, None
    change = value - base
    return change, (round(change / base * 100, 2) if base else None)
