"""Helpers of the reliability tests: what is stored, and what the indicators must be."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.rollup_oracle import RawReport, expected


def stored_reports(tenant_id: str) -> dict[str, Any]:
    """Every stored report item of a tenant, by submission id (read straight from the table)."""
    from chalicelib.repositories.reports import ReportRecord

    found: dict[str, Any] = {}
    for record in ReportRecord.query(tenant_id, consistent_read=True):
        assert record.submission_id not in found
        found[record.submission_id] = record.to_domain()
    return found


def aggregates() -> dict[tuple[str, str], dict[str, Any]]:
    """Every stored aggregate item's figures."""
    from chalicelib.repositories.aggregates import AggregateRecord

    return {(r.pk, r.sk): dict(r.values) for r in AggregateRecord.scan(consistent_read=True)}


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
    from chalicelib.domain.periods import Period
    from chalicelib.repositories.aggregates import NATIONAL
    from chalicelib.services.indicators import assemble

    compared = 0
    for text in periods:
        period = Period.parse(text)
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
            want = expected(reports, registered, item.level, item.code, text)
            got = {k: item.indicators[k]["value"] for k in want}
            assert got == want, (item.level, item.code, text, got, want)
            compared += 1
    return compared
