"""Run-now through the queue: `POST /v1/admin/jobs/rollup` answers 202 with the run and its Location;
the run's progress follows the workers, tenant by tenant, to its national step."""

from __future__ import annotations

from typing import Any

import pytest

from tests.factories import Tenants, register_village, report
from tests.factories import post_reports as _post
from tests.http_client import ApiClient
from tests.support.rollup_queue import drain_rollup_queue

V1 = "33.15.01.2001"
PATI_V = "33.18.01.2001"


def _two_dirty_tenants(api: ApiClient, tenants: Tenants) -> dict[str, Any]:
    grobogan, pati = tenants.create("33.15"), tenants.create("33.18")
    register_village(api, grobogan.admin, V1)
    register_village(api, pati.admin, PATI_V)
    _post(api, grobogan.operator, report(village=V1, visitors=4, women=1, children=1))
    return {"grobogan": grobogan, "pati": pati}


def test_run_now_answers_202_with_the_planned_run_and_its_progress_follows_the_workers(
    api: ApiClient, tenants: Tenants
) -> None:
    _two_dirty_tenants(api, tenants)

    started = api.post("/v1/admin/jobs/rollup", key=tenants.admin_key)

    assert started.status == 202, started.text
    run = started.json
    assert started.headers["location"] == f"/v1/admin/jobs/rollup/runs/{run['run_id']}"
    assert (run["tenants_total"], run["tenants_done"], run["national_done"]) == (2, 0, False)
    assert {t["tenant_id"]: t["state"] for t in run["tenants"]} == {"33.15": "pending", "33.18": "pending"}
    assert api.get(started.headers["location"], key=tenants.admin_key).json == run

    drain_rollup_queue()

    done = api.get(started.headers["location"], key=tenants.admin_key)
    assert done.status == 200
    assert (done.json["tenants_done"], done.json["tenants_failed"], done.json["national_done"]) == (2, 0, True)
    assert done.json["finished_at"] is not None and done.json["villages"] == 2
    assert {t["state"] for t in done.json["tenants"]} == {"done"}


def test_only_the_platform_admin_starts_or_follows_a_run(api: ApiClient, tenants: Tenants) -> None:
    world = _two_dirty_tenants(api, tenants)
    run_id = api.post("/v1/admin/jobs/rollup", key=tenants.admin_key).json["run_id"]
    for key in (world["grobogan"].admin, world["grobogan"].operator, world["pati"].viewer):
        started = api.post("/v1/admin/jobs/rollup", key=key)
        assert (started.status, started.error_code) == (403, "forbidden")
        progress = api.get(f"/v1/admin/jobs/rollup/runs/{run_id}", key=key)
        assert (progress.status, progress.error_code) == (403, "forbidden")


def test_an_unknown_run_is_404_in_the_error_shape(api: ApiClient, tenants: Tenants) -> None:
    missing = api.get("/v1/admin/jobs/rollup/runs/20261101T000000-00000000", key=tenants.admin_key)
    assert (missing.status, missing.error_code) == (404, "not_found")
    assert set(missing.json) >= {"error"}


def test_a_run_a_change_planned_shows_its_progress_as_such(api: ApiClient, tenants: Tenants) -> None:
    from chalicelib.services import rollup_runs

    _two_dirty_tenants(api, tenants)
    run = rollup_runs.handle(None, final_attempt=False)  # the plan a change asks for (fresh on change)
    assert run is not None

    progress = api.get(f"/v1/admin/jobs/rollup/runs/{run.run_id}", key=tenants.admin_key)

    assert progress.status == 200, progress.text
    assert (progress.json["kind"], progress.json["tenants_total"]) == ("change", 2)


@pytest.mark.parametrize("run_id", ["a" * 1100, "20261101T000000-0000000G", "20261101T000000-00000000x", "..%2F.."])
def test_what_is_no_run_id_is_404_without_a_lookup(api: ApiClient, tenants: Tenants, run_id: str) -> None:
    missing = api.get(f"/v1/admin/jobs/rollup/runs/{run_id}", key=tenants.admin_key)
    assert (missing.status, missing.error_code) == (404, "not_found")
