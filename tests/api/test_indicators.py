"""Indicators over the API: the definitions at every level, after corrections, voids and late data."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest

from tests.factories import TenantKeys, Tenants, register_village, report, run_scheduled
from tests.factories import post_reports as _post
from tests.factories import run_rollup_now as _run
from tests.http_client import ApiClient
from tests.support.rollup_queue import drain_rollup_queue, fail_tenant

V1, V2, V3 = "33.15.01.2001", "33.15.01.2002", "33.15.02.2001"  # Grobogan: two in kecamatan 01, one in 02
PATI_V = "33.18.01.2001"


pytestmark = pytest.mark.usefixtures("settle_now")


@pytest.fixture
def world(tenants: Tenants, api: ApiClient) -> dict[str, Any]:
    grobogan = tenants.create("33.15")
    pati = tenants.create("33.18")
    for code in (V1, V2, V3):
        register_village(api, grobogan.admin, code)
    register_village(api, pati.admin, PATI_V)
    return {"grobogan": grobogan, "pati": pati, "national": tenants.national_viewer(), "admin": tenants.admin_key}


def _by_code(api: ApiClient, path: str, key: str) -> dict[str, dict[str, Any]]:
    response = api.get(path, key=key)
    assert response.status == 200, response.text
    return {item["scope"]["code"]: item["indicators"] for item in response.json["items"]}


def _value(items: dict[str, dict[str, Any]], code: str, name: str) -> Any:
    return items[code][name]["value"]


def test_indicators_follow_the_definitions_at_every_level(world: dict[str, Any], api: ApiClient) -> None:
    g: TenantKeys = world["grobogan"]
    _post(
        api,
        g.admin,
        report("visits", village=V1, date="2026-11-03", visitors=10, women=4, children=0),
        report("visits", village=V2, date="2026-11-04", visitors=5, women=1, children=0),
        report("activity", village=V1, date="2026-11-05", participants=8, women=5, youth=2, entrepreneurs=3),
        report("media", village=V3, date="2026-11-06"),
        report("partnership", village=V3, date="2026-02-01", ends_on="2026-11-30"),
        report("partnership", village=V3, date="2026-03-01", ends_on="2026-11-29"),
        report("ict", village=V2, date="2026-11-07", computer_sessions=9, internet_users=6),
        report("visits", village=V1, date="2026-10-03", visitors=4, women=0, children=0),
        report("visits", village=V1, date="2025-11-03", visitors=20, women=0, children=0),
    )
    _post(
        api, world["pati"].admin, report("visits", village=PATI_V, date="2026-11-10", visitors=7, women=0, children=0)
    )
    _run(api, world["admin"])

    villages = _by_code(api, "/v1/indicators?period=2026-11&level=village", g.viewer)
    assert set(villages) == {V1, V2, V3}
    assert _value(villages, V1, "visits") == 10
    assert villages[V1]["visits"] == {
        "value": 10,
        "previous": 4,
        "change": 6,
        "change_pct": 150.0,
        "last_year": 20,
        "yoy_change_pct": -50.0,
        # joined in an unknown year, no baseline recorded: nothing to compare with
        "baseline": None,
        "baseline_villages": 0,
        "vs_baseline_pct": None,
    }
    assert _value(villages, V1, "participants_entrepreneurs") == 3
    assert _value(villages, V3, "media_mentions") == 1
    # Active on 30 November: the one ending on the 30th, not the one ending on the 29th.
    assert _value(villages, V3, "partnerships_active") == 1
    assert _value(villages, V3, "partnerships_new") == 0
    assert _value(villages, V2, "ict_sessions") == 9 and _value(villages, V2, "internet_users") == 6

    kecamatan = _by_code(api, "/v1/indicators?period=2026-11&level=kecamatan", g.viewer)
    assert set(kecamatan) == {"33.15.01", "33.15.02"}
    assert _value(kecamatan, "33.15.01", "visits") == 15
    assert _value(kecamatan, "33.15.01", "villages_registered") == 2
    assert _value(kecamatan, "33.15.01", "reporting_rate_pct") == 100.0

    regency = _by_code(api, "/v1/indicators?period=2026-11&level=regency", g.viewer)["33.15"]
    assert regency["visits"]["value"] == 15
    assert regency["villages_registered"]["value"] == 3 and regency["villages_reporting"]["value"] == 3
    assert regency["partnerships_active"]["value"] == 1
    quarter = _by_code(api, "/v1/indicators?period=2026-Q4&level=regency", g.viewer)["33.15"]
    assert quarter["visits"]["value"] == 19
    year = _by_code(api, "/v1/indicators?period=2026&level=regency", g.viewer)["33.15"]
    assert year["partnerships_new"]["value"] == 2
    assert year["partnerships_active"]["value"] == 0  # both ended before 31 December

    national = _by_code(api, "/v1/national/indicators?period=2026-11&level=national", world["national"])
    assert _value(national, "ID", "visits") == 22
    provinces = _by_code(api, "/v1/national/indicators?period=2026-11&level=province", world["national"])
    assert _value(provinces, "33", "visits") == 22
    regencies = _by_code(api, "/v1/national/indicators?period=2026-11&level=regency", world["national"])
    assert {code: _value(regencies, code, "visits") for code in regencies} == {"33.15": 15, "33.18": 7}


def test_corrections_voids_and_late_reports_show_after_the_next_rollup(world: dict[str, Any], api: ApiClient) -> None:
    g: TenantKeys = world["grobogan"]
    first = report("visits", village=V1, date="2026-11-03", visitors=10, women=0, children=0)
    second = report("visits", village=V2, date="2026-11-04", visitors=5, women=0, children=0)
    _post(api, g.admin, first, second)
    _run(api, world["admin"])
    content = {k: v for k, v in first.items() if k != "submission_id"}
    assert (
        api.put(
            f"/v1/reports/{first['submission_id']}",
            key=g.admin,
            json={**content, "visitors": 12, "expected_version": 1},
        ).status
        == 200
    )
    assert api.delete(f"/v1/reports/{second['submission_id']}", key=g.admin).status == 200
    _post(api, g.admin, report("visits", village=V3, date="2025-06-15", visitors=30, women=0, children=0))
    summary = _run(api, world["admin"])
    assert "2025-06" in summary["national_periods"]

    regency = _by_code(api, "/v1/indicators?period=2026-11&level=regency", g.viewer)["33.15"]
    assert regency["visits"]["value"] == 12
    assert regency["villages_reporting"]["value"] == 1
    past = _by_code(api, "/v1/indicators?period=2025-06&level=village", g.viewer)
    assert _value(past, V3, "visits") == 30
    national = _by_code(api, "/v1/national/indicators?period=2025&level=national", world["national"])
    assert _value(national, "ID", "visits") == 30
    moved = {k: v for k, v in first.items() if k != "submission_id"} | {"date": "2026-10-31", "visitors": 12}
    assert (
        api.put(f"/v1/reports/{first['submission_id']}", key=g.admin, json={**moved, "expected_version": 2}).status
        == 200
    )
    _run(api, world["admin"])
    assert _by_code(api, "/v1/indicators?period=2026-11&level=regency", g.viewer)["33.15"]["visits"]["value"] == 0
    assert _by_code(api, "/v1/indicators?period=2026-10&level=regency", g.viewer)["33.15"]["visits"]["value"] == 12


def test_a_period_without_reports_still_lists_every_registered_village(world: dict[str, Any], api: ApiClient) -> None:
    g: TenantKeys = world["grobogan"]
    _post(api, g.admin, report("partnership", village=V1, date="2024-05-01"))
    _run(api, world["admin"])
    villages = _by_code(api, "/v1/indicators?period=2026-11&level=village", g.viewer)
    assert set(villages) == {V1, V2, V3}
    assert _value(villages, V1, "partnerships_active") == 1  # a partnership without end stays active
    assert _value(villages, V1, "visits") == 0
    assert villages[V1]["visits"]["change_pct"] is None  # base 0
    assert _value(villages, V1, "reporting_rate_pct") == 0.0


def test_who_reads_which_indicators(world: dict[str, Any], api: ApiClient) -> None:
    g: TenantKeys = world["grobogan"]
    _post(
        api, g.admin, report("visits", village=V1, date="2026-11-03"), report("visits", village=V2, date="2026-11-03")
    )
    _run(api, world["admin"])
    own = _by_code(api, "/v1/indicators?period=2026-11&level=village", g.operator)
    assert set(own) == set(g.operator_villages)
    assert api.get("/v1/indicators?period=2026-11&level=regency", key=g.operator).status == 403
    for key in (g.admin, g.operator, g.viewer):
        assert api.get("/v1/national/indicators?period=2026-11", key=key).status == 403
        assert api.get("/v1/national/export?period=2026-11", key=key).status == 403
        assert api.post("/v1/admin/jobs/rollup/run", key=key).status == 403
    assert api.get("/v1/indicators?period=2026-11", key=world["national"]).status == 403
    assert api.get("/v1/national/indicators?period=2026-11", key=world["admin"]).status == 200
    pati = _by_code(api, "/v1/indicators?period=2026-11&level=regency", world["pati"].viewer)
    assert set(pati) == {"33.18"}


@pytest.mark.parametrize(
    "query",
    [
        "period=2026-13",
        "period=26-11",
        "period=2026-Q5",
        "period=2026&level=nation",
        "level=regency",
        "period=2026&extra=1",
    ],
)
def test_bad_indicator_queries_are_refused(world: dict[str, Any], api: ApiClient, query: str) -> None:
    assert api.get(f"/v1/indicators?{query}", key=world["grobogan"].viewer).status == 422


def test_the_export_is_written_by_the_rollup_and_served(world: dict[str, Any], api: ApiClient) -> None:
    g: TenantKeys = world["grobogan"]
    _post(api, g.admin, report("visits", village=V1, date="2026-11-03", visitors=10, women=0, children=0))
    _run(api, world["admin"])
    exported = api.get("/v1/national/export?period=2026-11&format=json", key=world["national"])
    assert exported.status == 200 and exported.headers["content-type"].startswith("application/json")
    served = api.get("/v1/national/indicators?period=2026-11&level=regency", key=world["national"]).json["items"]
    in_file = [i for i in exported.json["items"] if i["scope"]["level"] == "regency"]
    assert [i["indicators"] for i in in_file] == [i["indicators"] for i in served]
    as_csv = api.get("/v1/national/export?period=2026-11&format=csv", key=world["national"])
    assert as_csv.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    national = next(r for r in rows if r["level"] == "national")
    assert national["visits"] == "10" and national["name"] == "Indonesia"
    assert {r["level"] for r in rows} == {"national", "province", "regency"}


def test_a_period_no_rollup_wrote_an_export_for_is_exported_as_the_dashboard_reads_it(
    world: dict[str, Any], api: ApiClient
) -> None:
    g: TenantKeys = world["grobogan"]
    _post(api, g.admin, report("visits", village=V1, date="2026-11-03", visitors=10, women=0, children=0))
    _run(api, world["admin"])  # November is rolled up and exported; September, which no change touched, is not

    for period in ("2026-09", "2026-11"):
        exported = api.get(f"/v1/national/export?period={period}&format=json", key=world["national"])
        assert exported.status == 200, exported.text
        for level in ("national", "province", "regency"):
            served = api.get(f"/v1/national/indicators?period={period}&level={level}", key=world["national"])
            in_file = [i for i in exported.json["items"] if i["scope"]["level"] == level]
            assert [(i["scope"], i["indicators"], i["computed_at"]) for i in in_file] == [
                (i["scope"], i["indicators"], i["computed_at"]) for i in served.json["items"]
            ], (period, level)
    september = api.get("/v1/national/export?period=2026-09&format=csv", key=world["national"])
    assert september.status == 200 and september.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(september.text)))
    assert {r["level"] for r in rows} >= {"national"} and all(r["period"] == "2026-09" for r in rows)


def test_the_scheduled_function_runs_the_rollup(world: dict[str, Any], api: ApiClient) -> None:

    _post(
        api, world["grobogan"].admin, report("visits", village=V1, date="2026-11-03", visitors=3, women=0, children=0)
    )
    planned = run_scheduled("run_rollup")
    assert planned["tenants"] == 2  # both tenants registered villages, which the rollup counts
    assert _by_code(api, "/v1/national/indicators?period=2026-11", world["national"]) == {}  # only planned
    drain_rollup_queue()  # the queue's workers
    national = _by_code(api, "/v1/national/indicators?period=2026-11", world["national"])
    assert _value(national, "ID", "visits") == 3


def test_commitments_feed_the_stakeholder_figures(world: dict[str, Any], api: ApiClient) -> None:
    g: TenantKeys = world["grobogan"]
    head = api.post(
        "/v1/stakeholders", key=g.admin, json={"name": "Kepala Desa", "kind": "village_head", "village_code": V1}
    ).json["stakeholder_id"]
    regent = api.post("/v1/stakeholders", key=g.admin, json={"name": "Bupati", "kind": "regent"}).json["stakeholder_id"]

    def commit(stakeholder: str, amount: int, **extra: Any) -> str:
        body = {"stakeholder_id": stakeholder, "kind": "budget", "description": "Dana untuk perpustakaan"}
        created = api.post(
            "/v1/commitments", key=g.admin, json={**body, "amount_idr": amount, "due_date": "2026-12-31", **extra}
        )
        assert created.status == 201, created.text
        cid = created.json["commitment_id"]
        moved = api.post(
            f"/v1/commitments/{cid}/transitions", key=g.admin, json={"to": "committed", "expected_version": 1}
        )
        assert moved.status == 201, moved.text
        return str(cid)

    village_commitment = commit(head, 5_000_000)
    commit(regent, 20_000_000, village_code=None)
    done = api.post(
        f"/v1/commitments/{village_commitment}/transitions",
        key=g.admin,
        json={"to": "fulfilled", "expected_version": 2, "realized_amount_idr": 4_500_000},
    )
    assert done.status == 201, done.text
    _run(api, world["admin"])

    from chalicelib.clock import local_today

    month = local_today("33.15").strftime("%Y-%m")
    villages = _by_code(api, f"/v1/indicators?period={month}&level=village", g.viewer)
    assert _value(villages, V1, "commitments_made") == 1
    assert _value(villages, V1, "commitments_fulfilled") == 1
    assert _value(villages, V1, "budget_committed_idr") == 5_000_000
    assert _value(villages, V1, "budget_realized_idr") == 4_500_000
    kecamatan = _by_code(api, f"/v1/indicators?period={month}&level=kecamatan", g.viewer)
    assert _value(kecamatan, "33.15.01", "commitments_made") == 1  # the regent's counts in no kecamatan
    regency = _by_code(api, f"/v1/indicators?period={month}&level=regency", g.viewer)["33.15"]
    assert regency["commitments_made"]["value"] == 2
    assert regency["budget_committed_idr"]["value"] == 25_000_000
    national = _by_code(api, f"/v1/national/indicators?period={month}&level=national", world["national"])
    assert _value(national, "ID", "budget_realized_idr") == 4_500_000


def test_run_now_stops_starting_tenants_when_its_budget_is_spent_and_the_schedule_plans_them_all(
    world: dict[str, Any], api: ApiClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.api import indicators

    def two_dirty_tenants() -> None:
        _post(api, world["grobogan"].operator, report(village=V1))
        _post(api, world["pati"].operator, report(village=PATI_V))

    _run(api, world["admin"])  # the registrations: from here each tenant has one dirty village
    monkeypatch.setattr(indicators, "RUN_NOW_BUDGET_SECONDS", 0)
    two_dirty_tenants()
    summary = _run(api, world["admin"])
    assert (summary["tenants"], summary["tenants_deferred"]) == (1, 1)
    assert _run(api, world["admin"])["tenants_deferred"] == 0

    two_dirty_tenants()
    assert run_scheduled("run_rollup")["tenants"] == 2  # no budget: one message per tenant
    drain_rollup_queue()
    assert _run(api, world["admin"])["tenants"] == 0


def test_a_scheduled_run_with_a_failing_tenant_rolls_the_others_and_keeps_its_markers(
    world: dict[str, Any], api: ApiClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    _post(api, world["grobogan"].operator, report(village=V1, visitors=4, women=1, children=1))
    _post(api, world["pati"].operator, report(village=PATI_V, visitors=6, women=1, children=1))
    with monkeypatch.context() as failing:
        fail_tenant(failing, "33.15")
        run_scheduled("run_rollup")
        drain_rollup_queue()  # Grobogan's message is retried, then parked in the dead-letter queue
        national = _by_code(api, "/v1/national/indicators?period=2026-11&level=regency", world["national"])
        assert _value(national, "33.18", "visits") == 6 and "33.15" not in national
    assert run_scheduled("run_rollup")["tenants"] == 1  # its markers were kept
    drain_rollup_queue()
    national = _by_code(api, "/v1/national/indicators?period=2026-11&level=regency", world["national"])
    assert _value(national, "33.15", "visits") == 4


def test_while_a_run_holds_the_lease_run_now_answers_409_and_the_schedule_still_plans(
    world: dict[str, Any], api: ApiClient
) -> None:
    from chalicelib.clock import utcnow
    from chalicelib.repositories import jobs

    _post(api, world["grobogan"].operator, report(village=V1))
    assert jobs.acquire_lease("rollup", holder="scheduled", now=utcnow(), seconds=900)
    response = api.post("/v1/admin/jobs/rollup/run", key=world["admin"])
    assert (response.status, response.error_code) == (409, "rollup_running")
    assert run_scheduled("run_rollup")["tenants"] == 2  # planning needs no lease: the national step does
    jobs.release_lease("rollup", holder="scheduled")
    drain_rollup_queue()
    assert _run(api, world["admin"])["tenants"] == 0  # nothing was lost meanwhile


def test_run_now_leases_the_rollup_for_no_longer_than_the_api_function_lives(
    world: dict[str, Any], api: ApiClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.clock import utcnow
    from chalicelib.repositories import jobs

    monkeypatch.setattr(jobs, "release_lease", lambda name, holder: None)  # killed before it gives it back
    before = utcnow()
    _run(api, world["admin"])
    lease = jobs.JobLease.get("lease", "rollup", consistent_read=True)
    assert lease.expires_at <= before + dt.timedelta(seconds=31)  # the API function's 30 s, not 900


def test_national_reads_compare_cohorts_and_list_them(tenants: Tenants, api: ApiClient) -> None:
    grobogan, pati = tenants.create("33.15"), tenants.create("33.18")
    for key, code, cohort in ((grobogan.admin, V1, "perpuseru-2016"), (grobogan.admin, V2, "replikasi-2019")):
        body = {"library_name": "Perpustakaan", "cohort": cohort}
        assert api.put(f"/v1/villages/{code}", key=key, json=body).status == 201
    register_village(api, pati.admin, PATI_V)  # no cohort
    _post(
        api,
        grobogan.admin,
        report("visits", village=V1, visitors=30),
        report("visits", village=V2, visitors=4, women=0, children=0),
    )
    _post(api, pati.admin, report("visits", village=PATI_V, visitors=5, women=0, children=0))
    _run(api, tenants.admin_key)
    viewer = tenants.national_viewer()

    listed = api.get("/v1/national/cohorts", key=viewer)
    assert listed.status == 200
    assert listed.json["items"] == [
        {"cohort": "perpuseru-2016", "villages_registered": 1},
        {"cohort": "replikasi-2019", "villages_registered": 1},
    ]
    whole = _by_code(api, "/v1/national/indicators?period=2026-11&level=regency", viewer)
    replication = _by_code(api, "/v1/national/indicators?period=2026-11&level=regency&cohort=replikasi-2019", viewer)
    assert (whole["33.15"]["visits"]["value"], whole["33.18"]["visits"]["value"]) == (34, 5)
    assert set(replication) == {"33.15"} and replication["33.15"]["visits"]["value"] == 4
    assert replication["33.15"]["villages_registered"]["value"] == 1
    csv_rows = api.get("/v1/national/export?period=2026-11&format=csv&cohort=perpuseru-2016", key=viewer)
    assert csv_rows.status == 200
    rows = {r["code"]: r for r in csv.DictReader(io.StringIO(csv_rows.text))}
    assert rows["ID"]["visits"] == "30" and "33.18" not in rows
    refused = api.get("/v1/national/export?period=2026-11&format=dhis2&cohort=perpuseru-2016", key=viewer)
    assert (refused.status, refused.error_code) == (422, "validation_error")
    assert api.get("/v1/national/cohorts", key=grobogan.admin).status == 403
    long = "x" * 51
    too_long = api.get(f"/v1/national/indicators?period=2026-11&cohort={long}", key=viewer)
    assert (too_long.status, too_long.error_code) == (422, "validation_error")
