"""Official figures through the rollup at fixed times (moto): what a change of a village's basis, the
tenant's deadline or the calendar does to figures already computed."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from chalicelib.domain.periods import Period
from chalicelib.domain.principal import Principal, Role
from chalicelib.domain.reports import Incoming, ReportContent, ReportType
from chalicelib.domain.rollup_plan import NATION
from chalicelib.repositories.aggregates import national_figures, tenant_figures
from tests.support.villages import VillageBody

TENANT, V1, V2 = "33.15", "33.15.01.2001", "33.15.01.2002"
WIB = dt.timezone(dt.timedelta(hours=7))
ADMIN = Principal(key_id="k-admin", role=Role.DISTRICT_ADMIN, tenant_id=TENANT)


@pytest.fixture
def world(aws: None) -> Iterator[None]:
    from chalicelib.domain.tenants import Tenant, TenantStatus
    from chalicelib.repositories.tenants import TenantRepository

    TenantRepository().add(Tenant(TENANT, TENANT, "Dinas", "Sri", "s@x.id", TenantStatus.ACTIVE, _at("2026-01-01")))
    yield


def _at(day: str, hour: int = 9) -> dt.datetime:
    """A time on a day in Jakarta."""
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=WIB)


def _register(code: str, *, joined_on: str | None = None, cohort: str | None = None, now: dt.datetime) -> None:
    from chalicelib.services.villages import register

    joined = dt.date.fromisoformat(joined_on) if joined_on else None
    register(
        principal=ADMIN, village_code=code, data=VillageBody("Perpustakaan", joined_on=joined, cohort=cohort), now=now
    )


def _visits(code: str, day: str, visitors: int, *, received: dt.datetime) -> Any:
    from chalicelib.services import reports

    content = ReportContent(
        village_code=code, type=ReportType.VISITS, date=dt.date.fromisoformat(day), fields={"visitors": visitors}
    )
    [result] = reports.submit(principal=ADMIN, items=[Incoming(str(uuid.uuid4()), content)], now=received)
    return result


def _roll(now: dt.datetime) -> None:
    from chalicelib.services import rollup

    rollup.run(now=now, settle_seconds=0)


def _indicators(level: str, code: str, period: str, cohort: str | None = None) -> dict[str, Any]:
    from chalicelib.services.indicators import assemble

    store = national_figures() if level in ("regency", "province", "national") else tenant_figures(TENANT)
    items = assemble(store, level=level, period=Period.parse(period), cohort=cohort)
    return next(i.indicators for i in items if i.code == code)


def _value(level: str, code: str, period: str, name: str) -> Any:
    return _indicators(level, code, period)[name]["value"]


def test_a_later_deadline_makes_a_late_report_on_time_and_an_earlier_one_makes_it_late(world: None) -> None:
    from chalicelib.domain.approvals import PeriodSettings
    from chalicelib.services.periods import update_settings

    _register(V1, joined_on="2026-01-01", now=_at("2026-10-01"))
    _visits(V1, "2026-10-20", 5, received=_at("2026-11-12"))  # after the 10th: late by default
    _roll(_at("2026-11-12", 10))
    assert _value("regency", TENANT, "2026-10", "villages_reporting_on_time") == 0
    assert _value("regency", TENANT, "2026-10", "villages_reporting") == 1

    update_settings(principal=ADMIN, data=PeriodSettings(deadline_day=15))
    _roll(_at("2026-11-12", 11))
    assert _value("regency", TENANT, "2026-10", "villages_reporting_on_time") == 1
    assert _value("village", V1, "2026-Q4", "timeliness_pct") == 100.0  # the quarter's deadline: 15 January

    update_settings(principal=ADMIN, data=PeriodSettings(deadline_day=5))
    _roll(_at("2026-11-12", 12))
    assert _value("regency", TENANT, "2026-10", "villages_reporting_on_time") == 0


def test_a_derived_baseline_counts_from_the_first_run_of_the_month_after_its_three_months(world: None) -> None:
    _register(V1, joined_on="2026-07-10", now=_at("2026-07-10"))  # first full months: August to October
    for day, visitors in (("2026-08-05", 30), ("2026-09-05", 60), ("2026-10-05", 90)):
        _visits(V1, day, visitors, received=_at(day))
    _roll(_at("2026-10-20"))
    assert _indicators("village", V1, "2026-09")["visits"]["baseline"] is None  # its months are not over

    _roll(_at("2026-11-01", 8))  # the first run of November, with no report since: the baseline appears
    for period, base, pct in (("2026-09", 60.0, 0.0), ("2026-08", 60.0, -50.0), ("2026-Q3", 180.0, -50.0)):
        block = _indicators("village", V1, period)["visits"]
        assert (block["baseline"], block["baseline_villages"], block["vs_baseline_pct"]) == (base, 1, pct), period
    assert _indicators("national", NATION, "2026-10")["visits"]["vs_baseline_pct"] == 50.0


def test_a_baseline_recorded_later_changes_every_month_of_the_village(world: None) -> None:
    from chalicelib.services.villages import record_baseline

    _register(V1, now=_at("2026-03-01"))
    _visits(V1, "2026-03-05", 40, received=_at("2026-03-05"))
    _visits(V1, "2026-11-05", 10, received=_at("2026-11-05"))
    _roll(_at("2026-11-06"))
    assert _indicators("regency", TENANT, "2026-03")["visits"]["baseline_villages"] == 0

    record_baseline(principal=ADMIN, village_code=V1, monthly={"visits": 20}, source="survei", now=_at("2026-11-07"))
    _roll(_at("2026-11-07", 10))
    march = _indicators("regency", TENANT, "2026-03")["visits"]
    assert (march["baseline"], march["baseline_villages"], march["vs_baseline_pct"]) == (20.0, 1, 100.0)
    assert _indicators("regency", TENANT, "2026")["visits"]["baseline"] == 240.0

    record_baseline(principal=ADMIN, village_code=V1, monthly=None, source=None, now=_at("2026-11-08"))
    _roll(_at("2026-11-08", 10))
    assert _indicators("regency", TENANT, "2026-03")["visits"]["baseline"] is None


def test_a_new_cohort_moves_the_village_s_past_figures_to_it(world: None) -> None:
    _register(V1, cohort="perpuseru-2016", now=_at("2026-02-01"))
    _register(V2, cohort="replikasi-2019", now=_at("2026-02-01"))
    _visits(V1, "2026-02-05", 40, received=_at("2026-02-05"))
    _visits(V2, "2026-02-05", 7, received=_at("2026-02-05"))
    _roll(_at("2026-11-01"))
    assert _indicators("national", NATION, "2026-02", cohort="replikasi-2019")["visits"]["value"] == 7

    _register(V1, cohort="replikasi-2019", now=_at("2026-11-02"))
    _roll(_at("2026-11-02", 10))
    assert _indicators("national", NATION, "2026-02", cohort="replikasi-2019")["visits"]["value"] == 47
    assert _indicators("province", "33", "2026", cohort="replikasi-2019")["villages_registered"]["value"] == 2
    from chalicelib.services.indicators import assemble

    assert assemble(national_figures(), level="national", period=Period.parse("2026-02"), cohort="perpuseru-2016") == []


def test_a_deactivated_village_takes_late_reports_of_its_active_days_only(world: None) -> None:
    from chalicelib.services.villages import deactivate

    _register(V1, joined_on="2025-01-01", now=_at("2026-10-01"))
    deactivate(principal=ADMIN, village_code=V1, now=_at("2026-10-20"))
    kept = _visits(V1, "2026-10-20", 5, received=_at("2026-11-03"))
    refused = _visits(V1, "2026-10-21", 5, received=_at("2026-11-03"))
    assert kept.status.value == "accepted"
    assert (refused.status.value, refused.error.code) == ("rejected", "village_deactivated")
    assert refused.error.details[0].field == "date"
    _roll(_at("2026-11-04"))
    assert _value("regency", TENANT, "2026-10", "villages_expected") == 1
    assert _value("regency", TENANT, "2026-11", "villages_expected") == 0
    assert _value("regency", TENANT, "2026-10", "villages_registered") == 0  # no longer in the program
