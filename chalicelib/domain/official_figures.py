"""A village's official figures for a period: whether it was expected, reported on time, and its
baseline next to its value; additive, so a kecamatan, regency, province or the nation is the sum
of its villages and the ratios are derived when read (`official_blocks`).

Kept apart from the flows of domain/indicators.py: the rollup adds these to a village's figures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from chalicelib.domain.baselines import BASELINE_INDICATORS, months_in
from chalicelib.domain.completeness import deadline
from chalicelib.domain.periods import Period
from chalicelib.domain.reports import Report, ReportStatus
from chalicelib.domain.villages import Village


def first_received(reports: Iterable[Report], period: Period) -> dt.datetime | None:
    """When the first active report dated in `period` reached the server (its `created_at`)."""
    times = [r.created_at for r in reports if r.status is ReportStatus.ACTIVE and period.contains(r.content.date)]
    return min(times) if times else None


def village_official(
    village: Village,
    reports: Iterable[Report],
    period: Period,
    *,
    values: Mapping[str, int],
    baseline_monthly: Mapping[str, float] | None,
    deadline_day: int,
    tz: dt.tzinfo,
) -> dict[str, float]:
    """The additive official figures of one village for `period` (`values`: its flows for the period;
    `baseline_monthly`: its recorded or derived monthly baseline, None when it has none)."""
    expected = village.expected_in(period)
    received = first_received(reports, period)
    due = deadline(period, day=deadline_day, tz=tz)
    figures: dict[str, float] = {
        "villages_expected": int(expected),
        "villages_reporting_expected": int(expected and received is not None),
        "villages_reporting_on_time": int(expected and received is not None and received <= due),
    }
    m = months_in(period)
    for name in BASELINE_INDICATORS:
        has = baseline_monthly is not None and name in baseline_monthly
        figures[f"baseline_{name}"] = baseline_monthly[name] * m if has and baseline_monthly else 0
        figures[f"baseline_villages_{name}"] = int(has)
        figures[f"baseline_value_{name}"] = values.get(name, 0) if has else 0
    return figures


def _pct(part: float, whole: float) -> float | None:
    return None if whole == 0 else round(part / whole * 100, 1)


def official_blocks(summed: Mapping[str, float]) -> dict[str, dict[str, float | int | None]]:
    """From a scope's summed official figures: per baseline indicator `baseline`,
    `baseline_villages`, `vs_baseline_pct`; and the completeness figures with their rates."""
    blocks: dict[str, dict[str, float | int | None]] = {}
    for name in BASELINE_INDICATORS:
        count = int(summed.get(f"baseline_villages_{name}", 0))
        base = float(summed.get(f"baseline_{name}", 0))
        value = float(summed.get(f"baseline_value_{name}", 0))
        blocks[name] = {
            "baseline": round(base, 2) if count else None,
            "baseline_villages": count,
            "vs_baseline_pct": _pct(value - base, base) if count else None,
        }
    expected = int(summed.get("villages_expected", 0))
    blocks["completeness"] = {
        "villages_expected": expected,
        "reporting_rate_pct": _pct(summed.get("villages_reporting_expected", 0), expected),
        "villages_reporting_on_time": int(summed.get("villages_reporting_on_time", 0)),
        "timeliness_pct": _pct(summed.get("villages_reporting_on_time", 0), expected),
    }
    return blocks
