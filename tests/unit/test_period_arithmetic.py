"""Reporting periods: parsing, bounds, neighbours and the month keys the rollup stores by."""

from __future__ import annotations

import datetime as dt

import pytest

from chalicelib.domain.periods import Period, PeriodKind, month_key, next_month_key


@pytest.mark.parametrize(
    ("text", "kind", "start", "end"),
    [
        ("2026-11", PeriodKind.MONTH, dt.date(2026, 11, 1), dt.date(2026, 11, 30)),
        ("2024-02", PeriodKind.MONTH, dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
        ("2026-Q4", PeriodKind.QUARTER, dt.date(2026, 10, 1), dt.date(2026, 12, 31)),
        ("2026-Q1", PeriodKind.QUARTER, dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
        ("2026", PeriodKind.YEAR, dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
    ],
)
def test_a_period_parses_to_its_kind_and_first_and_last_day(
    text: str, kind: PeriodKind, start: dt.date, end: dt.date
) -> None:
    period = Period.parse(text)
    assert (period.kind, period.start, period.end) == (kind, start, end)
    assert str(period) == text


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "2026-Q5", "2026-Q0", "26-11", "2026-1", "2026/11", ""])
def test_text_that_is_not_a_period_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="not a period"):
        Period.parse(text)


def test_a_quarter_and_a_year_list_their_months_in_order() -> None:
    assert [str(m) for m in Period.parse("2026-Q3").months()] == ["2026-07", "2026-08", "2026-09"]
    assert len(Period.parse("2025").months()) == 12
    assert [str(m) for m in Period.parse("2026-05").months()] == ["2026-05"]


@pytest.mark.parametrize(
    ("text", "previous", "a_year_earlier"),
    [
        ("2026-01", "2025-12", "2025-01"),
        ("2026-11", "2026-10", "2025-11"),
        ("2026-Q1", "2025-Q4", "2025-Q1"),
        ("2026-Q3", "2026-Q2", "2025-Q3"),
        ("2026", "2025", "2025"),
    ],
)
def test_the_previous_period_and_a_year_earlier_cross_year_boundaries(
    text: str, previous: str, a_year_earlier: str
) -> None:
    period = Period.parse(text)
    assert str(period.previous()) == previous
    assert str(period.a_year_earlier()) == a_year_earlier


def test_a_day_belongs_to_one_month_one_quarter_and_one_year() -> None:
    month, quarter, year = Period.all_of(dt.date(2026, 8, 31))
    assert (str(month), str(quarter), str(year)) == ("2026-08", "2026-Q3", "2026")
    assert Period.month_of(dt.date(2026, 8, 31)) == month


def test_a_period_contains_its_first_and_last_day_and_nothing_outside() -> None:
    quarter = Period.parse("2026-Q2")
    assert quarter.contains(dt.date(2026, 4, 1))
    assert quarter.contains(dt.date(2026, 6, 30))
    assert not quarter.contains(dt.date(2026, 3, 31))
    assert not quarter.contains(dt.date(2026, 7, 1))


def test_the_last_month_key_of_a_period_is_its_closing_month() -> None:
    assert Period.parse("2026-Q4").last_month_key == "2026-12"
    assert Period.parse("2026").last_month_key == "2026-12"
    assert Period.parse("2026-02").last_month_key == "2026-02"


def test_month_keys_are_zero_padded_and_the_next_month_rolls_over_the_year() -> None:
    assert month_key(dt.date(2026, 3, 9)) == "2026-03"
    assert next_month_key("2026-03") == "2026-04"
    assert next_month_key("2026-12") == "2027-01"


def test_periods_order_by_year_first() -> None:
    assert Period.parse("2025-12") < Period.parse("2026-01")
    assert sorted([Period.parse("2026-03"), Period.parse("2025-11")]) == [
        Period.parse("2025-11"),
        Period.parse("2026-03"),
    ]
