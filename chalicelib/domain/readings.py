"""What a scope shows for a period: every indicator's value next to the previous period, the same
period a year earlier and, for the report indicators, the baseline (DOMAIN.md's three comparisons)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chalicelib.domain.indicators import FLOWS, INDICATORS, Stock, compare
from chalicelib.domain.official_figures import baseline_values, completeness_values
from chalicelib.domain.periods import Period

Block = dict[str, float | int | None]


def indicator_values(flows: Mapping[str, Any], stock: Stock, period: Period) -> dict[str, float | int | None]:
    """Every indicator of a scope for a period."""
    values: dict[str, float | int | None] = {name: int(flows.get(name, 0) or 0) for name in FLOWS}
    values["partnerships_active"] = stock.partnerships_active(period)
    values["villages_registered"] = stock.villages_registered
    values.update(completeness_values(flows, stock, period))
    return values


def indicator_blocks(
    now: Mapping[str, Any],
    previous: Mapping[str, Any],
    last_year: Mapping[str, Any],
    baselines: Mapping[str, Block] | None = None,
) -> dict[str, Block]:
    """{name: {value, previous, change, change_pct, last_year, yoy_change_pct}} for every indicator;
    a report indicator also has {baseline, baseline_villages, vs_baseline_pct} (`baseline_values`)."""
    blocks = {}
    for name in INDICATORS:
        value, prev, ly = now.get(name), previous.get(name), last_year.get(name)
        change, change_pct = compare(value, prev)
        _, yoy = compare(value, ly)
        blocks[name] = {
            "value": value,
            "previous": prev,
            "change": change,
            "change_pct": change_pct,
            "last_year": ly,
            "yoy_change_pct": yoy,
            **(baselines or {}).get(name, {}),
        }
    return blocks


def scope_blocks(
    flows: Mapping[str, Any],
    before: Mapping[str, Any],
    year_ago: Mapping[str, Any],
    stock: Stock,
    period: Period,
) -> dict[str, Block]:
    """A scope's blocks from its stored flows for the period, the previous one and a year earlier."""
    previous, last_year = period.previous(), period.a_year_earlier()
    return indicator_blocks(
        indicator_values(flows, stock, period),
        indicator_values(before, stock, previous),
        indicator_values(year_ago, stock, last_year),
        baseline_values(flows, stock, period),
    )
