"""How reports and commitment facts become the TPBIS indicators, and how figures are compared."""

from __future__ import annotations

import datetime as dt
from itertools import count
from typing import Any

import pytest

from chalicelib.domain.indicators import (
    FLOWS,
    INDICATORS,
    Stock,
    TransitionFact,
    commitment_figures,
    compare,
    first_inactive_month,
    partnership_series,
    sum_figures,
    sum_stocks,
    village_figures,
    zero,
)
from chalicelib.domain.periods import Period
from chalicelib.domain.readings import indicator_blocks, indicator_values
from chalicelib.domain.reports import Report, ReportContent, ReportType

AT = dt.datetime(2026, 11, 20, 3, 0, tzinfo=dt.UTC)
VILLAGE = "33.15.01.2001"
_ids = count(1)


def report(kind: ReportType, on: str, **fields: Any) -> Report:
    content = ReportContent(village_code=VILLAGE, type=kind, date=dt.date.fromisoformat(on), fields=fields)
    return Report.new(tenant_id="33.15", submission_id=f"id-{next(_ids)}", content=content, by="k", at=AT)


NOVEMBER = Period.parse("2026-11")


def test_each_report_type_feeds_its_own_indicators() -> None:
    reports = [
        report(ReportType.VISITS, "2026-11-02", visitors=42, women=25),
        report(ReportType.VISITS, "2026-11-03", visitors=8),
        report(ReportType.ACTIVITY, "2026-11-05", participants=20, women=14, youth=6, entrepreneurs=9, disabled=1),
        report(ReportType.MEDIA, "2026-11-07"),
        report(ReportType.PARTNERSHIP, "2026-11-10"),
        report(ReportType.ICT, "2026-11-12", computer_sessions=30, internet_users=25),
    ]
    figures = village_figures(reports, [], NOVEMBER)
    assert figures["visits"] == 50
    assert (figures["activities"], figures["participants"]) == (1, 20)
    assert figures["participants_women"] == 14  # visitors' women are not participants
    assert (figures["participants_youth"], figures["participants_entrepreneurs"]) == (6, 9)
    assert figures["participants_disabled"] == 1
    assert (figures["media_mentions"], figures["partnerships_new"]) == (1, 1)
    assert (figures["ict_sessions"], figures["internet_users"]) == (30, 25)
    assert figures["villages_reporting"] == 1


def test_void_reports_and_reports_outside_the_period_count_nowhere() -> None:
    void = report(ReportType.VISITS, "2026-11-02", visitors=42).voided(by="k", at=AT)
    october = report(ReportType.VISITS, "2026-10-31", visitors=7)
    figures = village_figures([void, october], [], NOVEMBER)
    assert figures == zero()
    assert figures["villages_reporting"] == 0


def test_a_corrected_report_counts_with_its_current_content() -> None:
    original = report(ReportType.VISITS, "2026-11-02", visitors=42)
    corrected = original.corrected(
        ReportContent(village_code=VILLAGE, type=ReportType.VISITS, date=dt.date(2026, 11, 2), fields={"visitors": 40}),
        by="k",
        at=AT,
    )
    assert village_figures([corrected], [], NOVEMBER)["visits"] == 40


def test_commitment_facts_count_in_the_period_they_happened() -> None:
    facts = [
        TransitionFact("c1", "committed", dt.date(2026, 11, 3), 25_000_000),
        TransitionFact("c1", "fulfilled", dt.date(2026, 12, 1), 20_000_000),
        TransitionFact("c2", "committed", dt.date(2026, 11, 30), None),
    ]
    november = commitment_figures(facts, NOVEMBER)
    assert (november["commitments_made"], november["budget_committed_idr"]) == (2, 25_000_000)
    assert (november["commitments_fulfilled"], november["budget_realized_idr"]) == (0, 0)
    q4 = commitment_figures(facts, Period.parse("2026-Q4"))
    assert (q4["commitments_fulfilled"], q4["budget_realized_idr"]) == (1, 20_000_000)


def test_commitments_alone_do_not_make_a_village_a_reporting_one() -> None:
    facts = [TransitionFact("c1", "committed", dt.date(2026, 11, 3), 1)]
    figures = village_figures([], facts, NOVEMBER)
    assert figures["commitments_made"] == 1
    assert figures["villages_reporting"] == 0


@pytest.mark.parametrize(
    ("ends_on", "first_inactive"),
    [
        ("2027-11-30", "2027-12"),  # covers November's last day: inactive from December
        ("2027-11-29", "2027-11"),  # does not cover November's last day
        ("2026-12-31", "2027-01"),
    ],
)
def test_a_partnership_is_active_in_every_month_whose_last_day_it_covers(ends_on: str, first_inactive: str) -> None:
    assert first_inactive_month(dt.date.fromisoformat(ends_on)) == first_inactive


def test_the_partnership_series_nets_starts_and_ends_and_gives_active_counts() -> None:
    reports = [
        report(ReportType.PARTNERSHIP, "2026-01-10", ends_on="2026-03-15"),
        report(ReportType.PARTNERSHIP, "2026-02-01"),
        report(ReportType.PARTNERSHIP, "2026-03-01").voided(by="k", at=AT),
    ]
    series = partnership_series(reports)
    assert series == {"2026-01": 1, "2026-02": 1, "2026-03": -1}
    stock = Stock(villages_registered=1, partnership_series=series)
    assert stock.partnerships_active(Period.parse("2026-01")) == 1
    assert stock.partnerships_active(Period.parse("2026-02")) == 2
    assert stock.partnerships_active(Period.parse("2026-Q1")) == 1  # at the quarter's last day
    assert stock.partnerships_active(Period.parse("2025")) == 0


def test_a_parent_sums_its_childrens_flows_and_stocks() -> None:
    a = zero() | {"visits": 10, "villages_reporting": 1}
    b = zero() | {"visits": 5, "villages_reporting": 1}
    assert sum_figures([a, b])["visits"] == 15
    assert sum_figures([a, b])["villages_reporting"] == 2
    stock = sum_stocks([Stock(1, {"2026-01": 1}), Stock(2, {"2026-01": -1, "2026-02": 1})])
    assert stock == Stock(3, {"2026-02": 1})  # months that net to zero are dropped


def test_a_stock_survives_its_stored_form() -> None:
    stock = Stock(4, {"2026-02": 1, "2026-01": 2, "2026-05": 0})
    stored = stock.as_values()
    assert list(stored["partnership_series"]) == ["2026-01", "2026-02"]
    assert Stock.from_values(stored) == Stock(4, {"2026-01": 2, "2026-02": 1})
    assert Stock.from_values(None) == Stock(0, {})


def test_comparisons_are_null_on_a_zero_or_missing_base() -> None:
    assert compare(12, 10) == (2, 20.0)
    assert compare(5, 0) == (5, None)
    assert compare(None, 3) == (None, None)
    assert compare(1, 3) == (-2, -66.67)


def test_indicator_values_and_blocks_cover_every_indicator() -> None:
    flows = zero() | {"visits": 30, "villages_reporting": 1, "villages_reporting_expected": 1}
    reach = {"|": {"villages": 2}, "2026-12|": {"villages": 1}}  # two always expected, one from December
    values = indicator_values(flows, Stock(3, {"2026-01": 1}, reach), NOVEMBER)
    assert set(values) == set(INDICATORS)
    assert (values["partnerships_active"], values["villages_registered"]) == (1, 3)
    assert (values["villages_expected"], values["reporting_rate_pct"]) == (2, 50.0)
    blocks = indicator_blocks(values, values | {"visits": 20}, values | {"visits": 0})
    assert blocks["visits"] == {
        "value": 30,
        "previous": 20,
        "change": 10,
        "change_pct": 50.0,
        "last_year": 0,
        "yoy_change_pct": None,
    }
    assert set(FLOWS) <= set(blocks)
