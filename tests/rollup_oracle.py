"""An independent, naive computation of the indicators from raw report states, for the truth tests.

Deliberately written without chalicelib's indicator code: plain loops over every report for every
scope and period, straight from the definitions in the rollups issue and the official-figures one
(expected villages, timeliness by the received time, baselines recorded or derived, cohorts).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# The flows a village has a baseline of, as the issue defines them: its visits and activities, the
# participants and each group the participants are broken down by, media and partnerships, ICT use.
PARTICIPANT_GROUPS = ("women", "youth", "entrepreneurs", "disabled")
BASELINE_NAMES = frozenset(
    {"visits", "activities", "participants", "media_mentions", "partnerships_new", "ict_sessions", "internet_users"}
    | {f"participants_{group}" for group in PARTICIPANT_GROUPS}
)


@dataclass
class RawReport:
    """A report's final state as the test remembers it."""

    village: str
    type: str
    date: dt.date
    fields: dict[str, Any]
    void: bool = False
    received: dt.datetime | None = None  # when the server first took it (None: at the World's `now`)


@dataclass
class RawVillage:
    """A registered village as the test remembers it."""

    joined_on: dt.date | None = None
    deactivated_on: dt.date | None = None
    baseline: dict[str, float] | None = None  # recorded, units a month
    cohort: str | None = None


@dataclass
class World:
    """What the figures depend on besides the reports: the registered villages, each tenant's deadline
    day (10 unless set) and the time the figures are computed at."""

    villages: dict[str, RawVillage]
    now: dt.datetime = dt.datetime(2026, 11, 20, 3, 0, tzinfo=dt.UTC)
    deadline_days: dict[str, int] = field(default_factory=dict)


def as_world(registered: set[str] | World) -> World:
    return registered if isinstance(registered, World) else World({v: RawVillage() for v in registered})


def period_bounds(period: str) -> tuple[dt.date, dt.date]:
    """First and last day of "2026", "2026-Q4" or "2026-11"."""
    year = int(period[:4])
    if len(period) == 4:
        first, last = 1, 12
    elif "Q" in period:
        q = int(period[-1])
        first, last = 3 * q - 2, 3 * q
    else:
        first = last = int(period[5:7])
    return dt.date(year, first, 1), dt.date(year, last, calendar.monthrange(year, last)[1])


def in_scope(village: str, level: str, code: str) -> bool:
    """Whether a village lies in the scope (level, code)."""
    if level == "national":
        return True
    depth = {"province": 2, "regency": 5, "kecamatan": 8, "village": 13}[level]
    return village[:depth] == code


def _month_start(day: dt.date, months: int = 0) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _tz(village: str) -> dt.tzinfo:
    from chalicelib import areas  # the time zone of a province: reference data, not indicator code

    return areas.timezone_of(village)


def _expected_in(village: RawVillage, start: dt.date, end: dt.date) -> bool:
    joined_ok = village.joined_on is None or village.joined_on <= end
    return joined_ok and (village.deactivated_on is None or village.deactivated_on >= start)


def _baseline_milli(code: str, village: RawVillage, reports: list[RawReport], world: World) -> dict[str, int] | None:
    """The village's monthly baseline in thousandths: recorded, or the mean of its first three full months
    once they are over (by its local date at `world.now`)."""
    if village.baseline is not None:
        return {name: round(value * 1000) for name, value in village.baseline.items()}
    if village.joined_on is None:
        return None
    joined = village.joined_on
    first = _month_start(joined) if joined.day == 1 else _month_start(joined, 1)
    if world.now.astimezone(_tz(code)).date() < _month_start(first, 3):
        return None
    last = _month_start(first, 3) - dt.timedelta(days=1)
    values = _flows([r for r in reports if r.village == code and first <= r.date <= last])
    return {name: round(values[name] * 1000 / 3) for name in BASELINE_NAMES}


def _flows(within: list[RawReport]) -> dict[str, int]:
    out = {
        "visits": sum(r.fields["visitors"] for r in within if r.type == "visits"),
        "activities": sum(1 for r in within if r.type == "activity"),
        "participants": sum(r.fields["participants"] for r in within if r.type == "activity"),
        "media_mentions": sum(1 for r in within if r.type == "media"),
        "partnerships_new": sum(1 for r in within if r.type == "partnership"),
        "ict_sessions": sum(r.fields["computer_sessions"] for r in within if r.type == "ict"),
        "internet_users": sum(r.fields["internet_users"] for r in within if r.type == "ict"),
    }
    for group in PARTICIPANT_GROUPS:
        out[f"participants_{group}"] = sum(r.fields.get(group, 0) for r in within if r.type == "activity")
    return out


def _pct(part: float, whole: float) -> float | None:
    return round(part / whole * 100, 2) if whole else None


def expected(
    reports: list[RawReport],
    registered: set[str] | World,
    level: str,
    code: str,
    period: str,
    cohort: str | None = None,
) -> dict[str, Any]:
    """Every report-based indicator of a scope for a period, by the definitions (with a cohort: of its
    villages only); baselines as "<indicator>.baseline", ".baseline_villages" and ".vs_baseline_pct"."""
    world = as_world(registered)
    start, end = period_bounds(period)
    villages = {
        v: info
        for v, info in world.villages.items()
        if in_scope(v, level, code) and (cohort is None or info.cohort == cohort)
    }
    live = [
        r
        for r in reports
        if not r.void and in_scope(r.village, level, code) and (cohort is None or r.village in villages)
    ]
    within = [r for r in live if start <= r.date <= end]
    out: dict[str, Any] = _flows(within)
    out["partnerships_active"] = sum(
        1
        for r in live
        if r.type == "partnership"
        and r.date <= end
        and (r.fields.get("ends_on") is None or dt.date.fromisoformat(r.fields["ends_on"]) >= end)
    )
    out["villages_registered"] = sum(1 for info in villages.values() if info.deactivated_on is None)
    reporting = {r.village for r in within} & set(villages)
    out["villages_reporting"] = len(reporting)
    expected_villages = {v for v, info in villages.items() if _expected_in(info, start, end)}
    out["villages_expected"] = len(expected_villages)
    out["reporting_rate_pct"] = _pct(len(reporting & expected_villages), len(expected_villages))
    on_time = set()
    for village in reporting & expected_villages:
        first = min(r.received or world.now for r in within if r.village == village)
        day = world.deadline_days.get(village[:5], 10)
        due_day = _month_start(end, 1).replace(day=day)
        due = dt.datetime.combine(due_day + dt.timedelta(days=1), dt.time(), tzinfo=_tz(village))
        if first < due:
            on_time.add(village)
    out["villages_reporting_on_time"] = len(on_time)
    out["timeliness_pct"] = _pct(len(on_time), len(expected_villages))
    months = 12 if len(period) == 4 else 3 if "Q" in period else 1
    baselines = {v: _baseline_milli(v, villages[v], reports_live(reports), world) for v in expected_villages}
    for name in BASELINE_NAMES:
        base_milli, count, value = 0, 0, 0
        for village in expected_villages:
            baseline = baselines[village]
            if baseline is None or name not in baseline:
                continue
            base_milli += baseline[name]
            count += 1
            value += _flows([r for r in within if r.village == village])[name]
        base = base_milli * months / 1000
        out[f"{name}.baseline"] = round(base, 2) if count else None
        out[f"{name}.baseline_villages"] = count
        out[f"{name}.vs_baseline_pct"] = _pct(value - base, base) if count else None
    return out


def reports_live(reports: list[RawReport]) -> list[RawReport]:
    return [r for r in reports if not r.void]


def shown_indicators(
    periods: list[str], tenants: set[str], cohort: str | None = None
) -> dict[tuple[str, str, str], dict[str, Any]]:
    """Every indicator value the read side shows, at every level (the nation, provinces and regencies;
    each tenant's kecamatan and villages; with a cohort, the national levels only), for these periods,
    by (level, code, period); a report indicator's baseline figures as "<name>.<figure>"."""
    from chalicelib.domain.periods import Period
    from chalicelib.repositories.aggregates import national_figures, tenant_figures
    from chalicelib.services.indicators import assemble

    seen: dict[tuple[str, str, str], dict[str, Any]] = {}
    for period_text in periods:
        period = Period.parse(period_text)
        items = [
            i
            for level in ("national", "province", "regency")
            for i in assemble(national_figures(), level=level, period=period, cohort=cohort)
        ]
        for tenant in sorted(tenants) if cohort is None else ():
            items += [
                i
                for level in ("kecamatan", "village")
                for i in assemble(tenant_figures(tenant), level=level, period=period)
            ]
        for item in items:
            seen[(item.level, item.code, period_text)] = _flat(item.indicators)
    return seen


def _flat(indicators: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    flat = {name: block["value"] for name, block in indicators.items()}
    for name, block in indicators.items():
        for figure in ("baseline", "baseline_villages", "vs_baseline_pct"):
            if figure in block:
                flat[f"{name}.{figure}"] = block[figure]
    return flat


def stored_aggregates() -> dict[tuple[str, str], dict[str, Any]]:
    """Every stored aggregate item's figures, by key."""
    from chalicelib.repositories.aggregates import AggregateRecord

    return {(r.pk, r.sk): dict(r.values) for r in AggregateRecord.scan(consistent_read=True)}
