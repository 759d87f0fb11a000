"""Baselines, expected villages, completeness and timeliness, and the period lock: pure rules."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from chalicelib.domain.approvals import MonthApproval, PeriodSettings, PeriodState, auto_locked, is_locked
from chalicelib.domain.baselines import VillageBaseline, derived_baseline, first_full_months, scope_baseline
from chalicelib.domain.completeness import VillageReporting, completeness, deadline
from chalicelib.domain.official_figures import official_blocks, village_official
from chalicelib.domain.periods import Period
from chalicelib.domain.reports import Report, ReportContent, ReportType
from chalicelib.domain.villages import Village
from chalicelib.errors import ConflictError

WIB = ZoneInfo("Asia/Jakarta")
T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def _village(joined_on: dt.date | None = None, joined_year: int | None = None, deactivated_on: dt.date | None = None):
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


def test_a_derived_baseline_is_the_mean_of_the_first_three_full_months_once_they_are_over() -> None:
    values = {"2026-04": {"visits": 30}, "2026-05": {"visits": 60, "participants": 9}, "2026-07": {"visits": 999}}
    joined = dt.date(2026, 3, 20)
    assert derived_baseline(joined, values, today=dt.date(2026, 6, 30)) is None
    baseline = derived_baseline(joined, values, today=dt.date(2026, 7, 1))
    assert baseline is not None
    assert (baseline["visits"], baseline["participants"], baseline["media_mentions"]) == (30.0, 3.0, 0.0)
    assert derived_baseline(None, values, today=dt.date(2030, 1, 1)) is None


def test_a_scope_baseline_sums_the_villages_that_have_one_times_the_months_of_the_period() -> None:
    quarter = Period.parse("2026-Q4")
    villages = [
        VillageBaseline({"visits": 100.0, "participants": 10.0}, {"visits": 330, "participants": 27}),
        VillageBaseline({"visits": 20.0}, {"visits": 75, "participants": 50}),
        VillageBaseline(None, {"visits": 1000}),  # no baseline: not counted at all
    ]
    figures = scope_baseline(villages, quarter)
    assert figures["visits"] == {
        "baseline": 360.0,
        "baseline_villages": 2,
        "baseline_value": 405,
        "vs_baseline_pct": 12.5,
    }
    assert figures["participants"] == {
        "baseline": 30.0,
        "baseline_villages": 1,
        "baseline_value": 27,
        "vs_baseline_pct": -10.0,
    }
    assert figures["media_mentions"] == {
        "baseline": None,
        "baseline_villages": 0,
        "baseline_value": None,
        "vs_baseline_pct": None,
    }


def test_a_zero_baseline_gives_no_percentage() -> None:
    figures = scope_baseline([VillageBaseline({"visits": 0.0}, {"visits": 5})], Period.parse("2026-11"))
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
    due = deadline(Period.parse("2026-11"), tz=WIB)
    late = due + dt.timedelta(microseconds=1)
    villages = [
        VillageReporting(expected=True, first_received=due),  # on time, at the last instant
        VillageReporting(expected=True, first_received=late),  # late: reporting, not on time
        VillageReporting(expected=True, first_received=None),  # silent
        VillageReporting(expected=False, first_received=late),  # reports, but not expected
    ]
    assert completeness(villages, due=due) == {
        "villages_expected": 3,
        "villages_reporting": 3,
        "villages_reporting_expected": 2,
        "reporting_rate_pct": 66.7,
        "villages_reporting_on_time": 1,
        "timeliness_pct": 33.3,
    }
    assert completeness([], due=due)["reporting_rate_pct"] is None


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
    b_joined = dt.date(2026, 3, 20)
    b_months = {"2026-04": {"visits": 30}, "2026-05": {"visits": 60}}
    b_baseline = derived_baseline(b_joined, b_months, today=dt.date(2026, 12, 3))
    c_baseline = derived_baseline(dt.date(2026, 11, 4), {}, today=dt.date(2026, 12, 3))
    assert b_baseline is not None and b_baseline["visits"] == 30.0 and c_baseline is None
    figures = scope_baseline(
        [
            VillageBaseline({"visits": 120.0, "participants": 30.0}, {"visits": 405}),
            VillageBaseline(b_baseline, {"visits": 75}),
            VillageBaseline(c_baseline, {"visits": 40}),
        ],
        Period.parse("2026-Q4"),
    )
    assert (figures["visits"]["baseline"], figures["visits"]["baseline_villages"]) == (450.0, 2)
    assert figures["visits"]["vs_baseline_pct"] == 6.7
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
    village = _village(joined_on=dt.date(2020, 1, 1))
    common = {"values": {"visits": 5}, "deadline_day": 10, "tz": WIB}
    prompt = village_official(village, [_report("2026-11-03", on_time)], november, baseline_monthly=None, **common)
    tardy = village_official(
        village,
        [_report("2026-11-03", late), _report("2026-11-04", on_time, void=True), _report("2026-10-30", on_time)],
        november,
        baseline_monthly={"visits": 4.0},
        **common,
    )
    assert (prompt["villages_reporting_on_time"], tardy["villages_reporting_on_time"]) == (1, 0)
    assert (prompt["villages_reporting_expected"], tardy["villages_reporting_expected"]) == (1, 1)
    silent = village_official(_village(), [], november, baseline_monthly=None, **common)
    summed = {k: prompt[k] + tardy[k] + silent[k] for k in prompt}
    blocks = official_blocks(summed)
    assert blocks["completeness"] == {
        "villages_expected": 3,
        "reporting_rate_pct": 66.7,
        "villages_reporting_on_time": 1,
        "timeliness_pct": 33.3,
    }
    assert blocks["visits"] == {"baseline": 4.0, "baseline_villages": 1, "vs_baseline_pct": 25.0}
    assert blocks["participants"]["baseline"] is None


def test_a_village_not_yet_joined_or_deactivated_is_not_expected_and_counts_for_nothing() -> None:
    figures = village_official(
        _village(joined_on=dt.date(2026, 12, 1)),
        [_report("2026-11-03", dt.datetime(2026, 11, 4, tzinfo=dt.UTC))],
        Period.parse("2026-11"),
        values={"visits": 5},
        baseline_monthly=None,
        deadline_day=10,
        tz=WIB,
    )
    assert (figures["villages_expected"], figures["villages_reporting_expected"]) == (0, 0)
    assert figures["villages_reporting_on_time"] == 0
