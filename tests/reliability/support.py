"""Helpers of the reliability tests: what is stored, and what the indicators must be."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.rollup_oracle import RawReport, RawVillage, World, expected, shown_indicators


def stored_reports(tenant_id: str) -> dict[str, Any]:
    """Every stored report item of a tenant, by submission id (read straight from the table)."""
    from chalicelib.repositories.reports import ReportRecord

    found: dict[str, Any] = {}
    for record in ReportRecord.query(tenant_id, consistent_read=True):
        assert record.submission_id not in found
        found[record.submission_id] = record.to_domain()
    return found


def raw(posted: dict[str, dict[str, Any]]) -> list[RawReport]:
    """Reports as posted (body dicts), in the oracle's terms."""
    skip = {"submission_id", "village_code", "type", "date"}
    return [
        RawReport(
            b["village_code"],
            b["type"],
            dt.date.fromisoformat(b["date"]),
            {k: v for k, v in b.items() if k not in skip},
        )
        for b in posted.values()
    ]


def assert_indicators_match_oracle(
    reports: list[RawReport], registered: set[str], tenants: set[str], periods: list[str]
) -> int:
    """Every indicator the read side shows, at every level, equals the naive sums; returns how many
    (scope, period) pairs were compared."""
    from chalicelib.clock import utcnow

    shown = shown_indicators(periods, tenants)
    world = World({v: RawVillage() for v in registered}, now=utcnow())  # reports are received as they post
    for (level, code, period), values in shown.items():
        want = expected(reports, world, level, code, period)
        got = {k: values[k] for k in want}
        assert got == want, (level, code, period, got, want)
    return len(shown)
