"""Baselines, expected villages, completeness and timeliness, and the period lock: pure rules."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from chalicelib.domain.approvals import MonthApproval, PeriodSettings, PeriodState, auto_locked, is_locked
from chalicelib.domain.baselines import derived_baseline, first_full_months, recorded_milli
from chalicelib.domain.completeness import deadline
from chalicelib.domain.indicators import Stock, sum_figures, sum_stocks
from chalicelib.domain.official_figures import (
    VillageBasis,
    baseline_values,
    completeness_values,
    first_received,
    official_flows,
)
from chalicelib.domain.periods import Period
from chalicelib.domain.reports import Report, ReportContent, ReportType
from chalicelib.domain.villages import Village
from chalicelib.errors import ConflictError

WIB = ZoneInfo("Asia/Jakarta")
T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def _village(
    joined_on: dt.date | None = None, joined_year: int | None = None, deactivated_on: dt.date | None = None
) -> Village:
    return Village("33.15", "33.15.01.2001", "p", joined_year, None, T0, T0, joined_on, deactivated_on)


@pytest.mark.parametrize(
    ("joined", "months"),
    [
        (dt.date(2026, 3, 1), ["2026-03", "2026-04", "2026-05"]),
        (dt.date(2026, 3, 2), ["2026-04", "2026-05", "2026-06"]),
        (dt.date(2026, 11, 15), ["2026-12", "2027-01", "2027-02"]),
    ],
)
def test_the_first_three_full_months_start_with_the_joining_month_only_when_joined_on_its_first(
    joined: dt.date, months: list[str]
) -> None:
    assert first_full_months(joined) == months


def _basis(
    joined: dt.date | None = None,
    *,
    left: dt.date | None = None,
    baseline: dict[str, int] | None = None,
    cohort: str | None = None,
) -> VillageBasis:
    return VillageBasis.of(
        joined=joined, deactivated_on=left, baseline=baseline, cohort=cohort, deadline_day=10, tz=WIB
    )


def _stock(*bases: VillageBasis) -> Stock:
    return sum_stocks(Stock(1, {}, b.reach()) for b in bases)


def test_a_derived_baseline_is_the_mean_of_the_first_three_full_months_once_they_are_over() -> None:
    values = {"2026-04": {"visits": 30}, "2026-05": {"visits": 60, "participants": 10}, "2026-07": {"visits": 999}}
    joined = dt.date(2026, 3, 20)
    assert derived_baseline(joined, values, today=dt.date(2026, 6, 30)) is None
    baseline = derived_baseline(joined, values, today=dt.date(2026, 7, 1))
    assert baseline is not None
    # in thousandths: 30 visits, 3.333 participants, no media mentions a month
    assert (baseline["visits"], baseline["participants"], baseline["media_mentions"]) == (30_000, 3_333, 0)
    assert derived_baseline(None, values, today=dt.date(2030, 1, 1)) is None


def test_a_scope_baseline_sums_the_expected_villages_that_have_one_times_the_months_of_the_period() -> None:
    quarter = Period.parse("2026-Q4")
    with_two = _basis(baseline=recorded_milli({"visits": 100.0, "participants": 10.0}))
    with_one = _basis(dt.date(2026, 12, 31), baseline=recorded_milli({"visits": 20.0}))  # joined in the quarter
    not_yet = _basis(dt.date(2027, 1, 1), baseline=recorded_milli({"visits": 500.0}))  # not expected: not counted
    without = _basis()  # no baseline: not counted at all
    flows = sum_figures(
        {**official_flows(b, {"visits": v, "participants": p}, None, quarter), "visits": v}
        for b, v, p in [(with_two, 330, 27), (with_one, 75, 50), (not_yet, 0, 0), (without, 1000, 0)]
    )
    figures = baseline_values(flows, _stock(with_two, with_one, not_yet, without), quarter)
    assert figures["visits"] == {"baseline": 360.0, "baseline_villages": 2, "vs_baseline_pct": 12.5}
    assert figures["participants"] == {"baseline": 30.0, "baseline_villages": 1, "vs_baseline_pct": -10.0}
    assert figures["media_mentions"] == {"baseline": None, "baseline_villages": 0, "vs_baseline_pct": None}


def test_a_zero_baseline_gives_no_percentage() -> None:
    november = Period.parse("2026-11")
    basis = _basis(baseline={"visits": 0})
    figures = baseline_values(official_flows(basis, {"visits": 5}, None, november), _stock(basis), november)
    assert (figures["visits"]["baseline"], figures["visits"]["vs_baseline_pct"]) == (0.0, None)


def test_a_village_is_expected_from_the_period_it_joined_until_the_period_after_its_deactivation() -> None:
    november, december, january = Period.parse("2026-11"), Period.parse("2026-12"), Period.parse("2027-01")
    joined_late = _village(joined_on=dt.date(2026, 11, 30))
    assert not joined_late.expected_in(Period.parse("2026-10"))
    assert joined_late.expected_in(november) and joined_late.expected_in(Period.parse("2026-Q4"))
    leaving = _village(joined_on=dt.date(2020, 1, 1), deactivated_on=dt.date(2026, 12, 15))
    assert leaving.expected_in(december)
    assert not leaving.expected_in(january)
    assert _village().expected_in(Period.parse("2011-01"))  # joined_on unknown: always
    assert not _village(joined_year=2027).expected_in(december)  # a year alone counts as its 1 January
    assert _village(joined_year=2027).expected_in(january)


def test_the_deadline_is_the_end_of_the_tenth_of_the_next_month_in_the_local_time_zone() -> None:
    due = deadline(Period.parse("2026-12"), tz=WIB)
    assert due == dt.datetime(2027, 1, 10, 23, 59, 59, 999999, tzinfo=WIB)
    assert deadline(Period.parse("2026-Q3"), day=5, tz=WIB).date() == dt.date(2026, 10, 5)


def test_completeness_counts_expected_reporting_and_on_time_villages() -> None:
    november = Period.parse("2026-11")
    due = deadline(november, tz=WIB)
    late = due + dt.timedelta(microseconds=1)
    expected, not_yet = _basis(), _basis(dt.date(2026, 12, 1))
    villages = [
        (expected, due),  # on time, at the last instant
        (expected, late),  # late: reporting, not on time
        (expected, None),  # silent
        (not_yet, late),  # reports, but not expected
    ]
    flows = sum_figures(official_flows(b, {}, received, november) for b, received in villages)
    stock = _stock(*(b for b, _ in villages))
    assert completeness_values(flows, stock, november) == {
        "villages_expected": 3,
        "reporting_rate_pct": 66.67,
        "villages_reporting_on_time": 1,
        "timeliness_pct": 33.33,
    }
    assert completeness_values({}, _stock(), november)["reporting_rate_pct"] is None


def test_an_approved_month_is_locked_and_a_reopened_one_escapes_the_automatic_lock() -> None:
    at = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    settings = PeriodSettings(auto_lock_days=10)
    today = dt.date(2026, 12, 20)
    approved = MonthApproval("2026-11", PeriodState.PROVISIONAL, 0, at, "k").approved(by="k", at=at)
    assert is_locked("2026-11", approved, PeriodSettings(), today=today)
    with pytest.raises(ConflictError):
        approved.approved(by="k", at=at)
    reopened = approved.reopened_by(by="k", at=at)
    assert (reopened.state, reopened.version) == (PeriodState.PROVISIONAL, 2)
    assert auto_locked("2026-11", settings, today=today)
    assert not is_locked("2026-11", reopened, settings, today=today)
    assert is_locked("2026-11", None, settings, today=today)
    assert not is_locked("2026-11", None, settings, today=dt.date(2026, 12, 10))
    assert not is_locked("2026-11", None, PeriodSettings(), today=dt.date(2030, 1, 1))


def test_the_worked_example_of_the_readme_holds() -> None:
    quarter = Period.parse("2026-Q4")
    b_joined = dt.date(2026, 3, 20)
    b_months = {"2026-04": {"visits": 30}, "2026-05": {"visits": 60}}
    b_baseline = derived_baseline(b_joined, b_months, today=dt.date(2026, 12, 3))
    c_baseline = derived_baseline(dt.date(2026, 11, 4), {}, today=dt.date(2026, 12, 3))
    assert b_baseline is not None and b_baseline["visits"] == 30_000 and c_baseline is None
    a = _basis(dt.date(2019, 1, 1), baseline=recorded_milli({"visits": 120.0, "participants": 30.0}))
    b = _basis(b_joined, baseline=b_baseline)
    c = _basis(dt.date(2026, 11, 4), baseline=c_baseline)
    flows = sum_figures(official_flows(v, {"visits": n}, None, quarter) for v, n in [(a, 405), (b, 75), (c, 40)])
    figures = baseline_values(flows, _stock(a, b, c), quarter)
    assert (figures["visits"]["baseline"], figures["visits"]["baseline_villages"]) == (450.0, 2)
    assert figures["visits"]["vs_baseline_pct"] == 6.67
    assert (figures["participants"]["baseline"], figures["participants"]["baseline_villages"]) == (90.0, 2)


def _report(day: str, received: dt.datetime, *, void: bool = False) -> Report:
    content = ReportContent(
        village_code="33.15.01.2001", type=ReportType.VISITS, date=dt.date.fromisoformat(day), fields={"visitors": 5}
    )
    report = Report.new(
        tenant_id="33.15", submission_id=str(received.timestamp()), content=content, by="k", at=received
    )
    return report.voided(by="k", at=received) if void else report


def test_a_late_report_counts_as_reporting_but_not_on_time_and_the_sums_give_the_rates() -> None:
    november = Period.parse("2026-11")
    on_time = dt.datetime(2026, 12, 10, 16, 59, tzinfo=dt.UTC)  # 23:59 WIB on the 10th
    late = dt.datetime(2026, 12, 10, 17, 0, tzinfo=dt.UTC)  # 00:00 WIB on the 11th
    village = _basis(dt.date(2020, 1, 1))
    with_baseline = _basis(dt.date(2020, 1, 1), baseline=recorded_milli({"visits": 4.0}))
    tardy_reports = [_report("2026-11-03", late), _report("2026-11-04", on_time, void=True)]
    tardy_reports.append(_report("2026-10-30", on_time))  # another period's
    assert first_received(tardy_reports, november) == late
    prompt = official_flows(
        village, {"visits": 5}, first_received([_report("2026-11-03", on_time)], november), november
    )
    tardy = official_flows(with_baseline, {"visits": 5}, first_received(tardy_reports, november), november)
    assert (prompt["villages_reporting_on_time"], tardy["villages_reporting_on_time"]) == (1, 0)
    assert (prompt["villages_reporting_expected"], tardy["villages_reporting_expected"]) == (1, 1)
    silent_basis = _basis()
    silent = official_flows(silent_basis, {}, None, november)
    flows = sum_figures([prompt, tardy, silent])
    stock = _stock(village, with_baseline, silent_basis)
    assert completeness_values(flows, stock, november) == {
        "villages_expected": 3,
        "reporting_rate_pct": 66.67,
        "villages_reporting_on_time": 1,
        "timeliness_pct": 33.33,
    }
    blocks = baseline_values(flows, stock, november)
    assert blocks["visits"] == {"baseline": 4.0, "baseline_villages": 1, "vs_baseline_pct": 25.0}
    assert blocks["participants"]["baseline"] is None


def test_a_village_not_yet_joined_or_deactivated_is_not_expected_and_counts_for_nothing() -> None:
    november = Period.parse("2026-11")
    for basis in (_basis(dt.date(2026, 12, 1)), _basis(dt.date(2020, 1, 1), left=dt.date(2026, 10, 31))):
        received = dt.datetime(2026, 11, 4, tzinfo=dt.UTC)
        figures = official_flows(basis, {"visits": 5}, received, november)
        assert (figures["villages_reporting_expected"], figures["villages_reporting_on_time"]) == (0, 0)
        assert completeness_values(figures, _stock(basis), november)["villages_expected"] == 0
    assert _basis(dt.date(2020, 1, 1), left=dt.date(2026, 11, 1)).expected_in(november)
