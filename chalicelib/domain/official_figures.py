"""The official figures: which villages were expected to report, which reported on time, and the
baseline of every report indicator, as DHIS2 and DOMAIN.md's third comparison define them.

A village is *expected* in a period when it joined on or before the period's last day (unknown:
always) and was not deactivated before its first day; at month granularity that is its months
from `joined` up to the one before `left`. Each village contributes to its stock a *reach* entry
keyed "<joined>|<left>" ("" for unknown / never): one village and its monthly baseline per
indicator in thousandths (integers, so that any order of summing gives the same figure), with
the count of villages having one. Entries are summed like the rest of a stock, so a scope's
expected villages and baseline for any period are read from its stock, whether or not its
villages reported.

Its flows for a period gain the *official flows*: `villages_reporting_expected`,
`villages_reporting_on_time` (its first report dated in the period was received by the
deadline, the server's time) and `baseline_value_<indicator>` (its value, counted only while it
is expected and has a baseline for the indicator). The rates are derived when read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from chalicelib.domain.baselines import MILLI, months_in
from chalicelib.domain.completeness import deadline
from chalicelib.domain.indicators import BASELINE_INDICATORS, Stock
from chalicelib.domain.periods import Period, month_key, next_month_key
from chalicelib.domain.reports import Report, ReportStatus


@dataclass(frozen=True)
class VillageBasis:
    """What a village's official figures depend on besides its reports. Its `key` is stored with the
    village's stock: when it changes, every month of the village is recomputed."""

    joined: str  # "YYYY-MM" of joining TPBIS; "" when unknown (expected in every period)
    left: str  # the first month it is no longer expected (after its deactivation); "" for never
    baseline: Mapping[str, int] | None  # monthly baseline per indicator, in thousandths; None: none
    cohort: str | None
    deadline_day: int
    tz: dt.tzinfo

    @classmethod
    def of(
        cls,
        *,
        joined: dt.date | None,
        deactivated_on: dt.date | None,
        baseline: Mapping[str, int] | None,
        cohort: str | None,
        deadline_day: int,
        tz: dt.tzinfo,
    ) -> VillageBasis:
        left = next_month_key(month_key(deactivated_on)) if deactivated_on else ""
        return cls(month_key(joined) if joined else "", left, baseline, cohort, deadline_day, tz)

    def expected_in(self, period: Period) -> bool:
        return _overlaps(self.joined, self.left, period)

    def key(self) -> dict[str, Any]:
        """What the stored figures were computed with (the baseline by its indicators, not its values:
        those live in the stock alone)."""
        return {
            "joined": self.joined,
            "left": self.left,
            "baseline": sorted(self.baseline or {}),
            "cohort": self.cohort or "",
            "deadline_day": self.deadline_day,
        }

    def reach(self) -> dict[str, dict[str, int]]:
        """The village's reach entry, for its stock."""
        entry = {"villages": 1}
        for name, monthly in (self.baseline or {}).items():
            entry[f"b.{name}"] = monthly
            entry[f"n.{name}"] = 1
        return {f"{self.joined}|{self.left}": entry}


def _overlaps(joined: str, left: str, period: Period) -> bool:
    return (not joined or joined <= period.last_month_key) and (not left or left > month_key(period.start))


def first_received(reports: Iterable[Report], period: Period) -> dt.datetime | None:
    """When the first active report dated in `period` reached the server (its `created_at`)."""
    times = [r.created_at for r in reports if r.status is ReportStatus.ACTIVE and period.contains(r.content.date)]
    return min(times) if times else None


def official_flows(
    basis: VillageBasis, flows: Mapping[str, int], received: dt.datetime | None, period: Period
) -> dict[str, int]:
    """A village's official flows for `period`, from its flows and the received time of its first
    report dated in it."""
    expected = basis.expected_in(period)
    due = deadline(period, day=basis.deadline_day, tz=basis.tz)
    figures = {
        "villages_reporting_expected": int(expected and received is not None),
        "villages_reporting_on_time": int(expected and received is not None and received <= due),
    }
    for name in BASELINE_INDICATORS:
        counted = expected and basis.baseline is not None and name in basis.baseline
        figures[f"baseline_value_{name}"] = int(flows.get(name, 0)) if counted else 0
    return figures


def _pct(part: float, whole: float) -> float | None:
    return None if whole == 0 else round(part / whole * 100, 2)


def expected_villages(stock: Stock, period: Period) -> int:
    """How many of a scope's villages were expected to report in `period`."""
    return sum(entry.get("villages", 0) for key, entry in _reaching(stock, period))


def _reaching(stock: Stock, period: Period) -> Iterable[tuple[str, Mapping[str, int]]]:
    for key, entry in stock.reach.items():
        joined, _, left = key.partition("|")
        if _overlaps(joined, left, period):
            yield key, entry


def completeness_values(flows: Mapping[str, Any], stock: Stock, period: Period) -> dict[str, float | int | None]:
    """`villages_expected`, `reporting_rate_pct` (expected villages that reported / expected),
    `villages_reporting_on_time` and `timeliness_pct` (on time / expected)."""
    expected = expected_villages(stock, period)
    on_time = int(flows.get("villages_reporting_on_time", 0) or 0)
    return {
        "villages_expected": expected,
        "reporting_rate_pct": _pct(int(flows.get("villages_reporting_expected", 0) or 0), expected),
        "villages_reporting_on_time": on_time,
        "timeliness_pct": _pct(on_time, expected),
    }


def baseline_values(flows: Mapping[str, Any], stock: Stock, period: Period) -> dict[str, dict[str, float | int | None]]:
    """Per baseline indicator: `baseline` (the monthly baselines times the period's months, over the
    expected villages that have one), `baseline_villages` (how many) and `vs_baseline_pct` (those
    villages' value against it; null when the base is 0 or no village has one)."""
    base_milli = dict.fromkeys(BASELINE_INDICATORS, 0)
    count = dict.fromkeys(BASELINE_INDICATORS, 0)
    for _, entry in _reaching(stock, period):
        for name in BASELINE_INDICATORS:
            base_milli[name] += entry.get(f"b.{name}", 0)
            count[name] += entry.get(f"n.{name}", 0)
    m = months_in(period)
    blocks: dict[str, dict[str, float | int | None]] = {}
    for name in BASELINE_INDICATORS:
        base = base_milli[name] * m / MILLI
        value = int(flows.get(f"baseline_value_{name}", 0) or 0)
        blocks[name] = {
            "baseline": round(base, 2) if count[name] else None,
            "baseline_villages": count[name],
            "vs_baseline_pct": _pct(value - base, base) if count[name] else None,
        }
    return blocks
