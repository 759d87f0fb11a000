"""An independent, naive computation of the indicators from raw report states, for the truth tests.

Deliberately written without chalicelib's indicator code: plain loops over every report for every
scope and period, straight from the definitions in the rollups issue.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Any


@dataclass
class RawReport:
    """A report's final state as the test remembers it."""

    village: str
    type: str
    date: dt.date
    fields: dict[str, Any]
    void: bool = False


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


def expected(reports: list[RawReport], registered: set[str], level: str, code: str, period: str) -> dict[str, Any]:
    """Every report-based indicator of a scope for a period, by the definitions."""
    start, end = period_bounds(period)
    live = [r for r in reports if not r.void and in_scope(r.village, level, code)]
    within = [r for r in live if start <= r.date <= end]
    out: dict[str, Any] = {
        "visits": sum(r.fields["visitors"] for r in within if r.type == "visits"),
        "activities": sum(1 for r in within if r.type == "activity"),
        "participants": sum(r.fields["participants"] for r in within if r.type == "activity"),
        "media_mentions": sum(1 for r in within if r.type == "media"),
        "partnerships_new": sum(1 for r in within if r.type == "partnership"),
        "ict_sessions": sum(r.fields["computer_sessions"] for r in within if r.type == "ict"),
        "internet_users": sum(r.fields["internet_users"] for r in within if r.type == "ict"),
    }
    for group in ("women", "youth", "entrepreneurs", "disabled"):
        out[f"participants_{group}"] = sum(r.fields.get(group, 0) for r in within if r.type == "activity")
    out["partnerships_active"] = sum(
        1
        for r in live
        if r.type == "partnership"
        and r.date <= end
        and (r.fields.get("ends_on") is None or dt.date.fromisoformat(r.fields["ends_on"]) >= end)
    )
    scope_villages = {v for v in registered if in_scope(v, level, code)}
    out["villages_registered"] = len(scope_villages)
    reporting = {r.village for r in within} & scope_villages
    out["villages_reporting"] = len(reporting)
    out["reporting_rate_pct"] = round(len(reporting) / len(scope_villages) * 100, 2) if scope_villages else None
    return out


def shown_indicators(periods: list[str], tenants: set[str]) -> dict[tuple[str, str, str], dict[str, Any]]:
    """Every indicator value the read side shows, at every level (the nation, provinces and regencies;
    each tenant's kecamatan and villages), for these periods, by (level, code, period)."""
    from chalicelib.domain.periods import Period
    from chalicelib.repositories.aggregates import NATIONAL
    from chalicelib.services.indicators import assemble

    seen: dict[tuple[str, str, str], dict[str, Any]] = {}
    for period_text in periods:
        period = Period.parse(period_text)
        items = [
            i
            for level in ("national", "province", "regency")
            for i in assemble(owner=NATIONAL, level=level, period=period)
        ]
        for tenant in sorted(tenants):
            items += [
                i for level in ("kecamatan", "village") for i in assemble(owner=tenant, level=level, period=period)
            ]
        for item in items:
            seen[(item.level, item.code, period_text)] = {k: v["value"] for k, v in item.indicators.items()}
    return seen


def stored_aggregates() -> dict[tuple[str, str], dict[str, Any]]:
    """Every stored aggregate item's figures, by key."""
    from chalicelib.repositories.aggregates import AggregateRecord

    return {(r.pk, r.sk): dict(r.values) for r in AggregateRecord.scan(consistent_read=True)}
