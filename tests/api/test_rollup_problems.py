"""No report can stop a regency's figures: an open-ended partnership, and any bad stored item, leave
the rest of the tenant computed; what failed is listed for the district and the platform admin."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from tests.factories import Tenants, every_page, register_village, report
from tests.factories import post_reports as _post
from tests.factories import run_rollup_now as _run
from tests.http_client import ApiClient

V1, V2 = "33.15.01.2001", "33.15.01.2002"
PATI_V = "33.18.01.2001"
pytestmark = pytest.mark.usefixtures("settle_now")


@pytest.fixture
def world(tenants: Tenants, api: ApiClient) -> dict[str, Any]:
    grobogan, pati = tenants.create("33.15"), tenants.create("33.18")
    for code in (V1, V2):
        register_village(api, grobogan.admin, code)
    register_village(api, pati.admin, PATI_V)
    return {"grobogan": grobogan, "pati": pati, "admin": tenants.admin_key}


def _regency(api: ApiClient, key: str, period: str = "2026-11") -> dict[str, Any]:
    response = api.get(f"/v1/indicators?period={period}&level=regency", key=key)
    assert response.status == 200, response.text
    [item] = response.json["items"]
    return {name: block["value"] for name, block in item["indicators"].items()}


def _corrupt(submission_id: str, tenant_id: str, **fields: Any) -> None:
    """Overwrite stored fields of a report behind the service's back (a bad item in the table)."""
    from chalicelib.config import get_settings

    table = boto3.resource("dynamodb").Table(get_settings().table_name("reports"))
    item = table.get_item(Key={"tenant_id": tenant_id, "submission_id": submission_id})["Item"]
    stored = json.loads(str(item["fields"]))
    stored.update(fields)
    table.update_item(
        Key={"tenant_id": tenant_id, "submission_id": submission_id},
        UpdateExpression="SET #f = :f",
        ExpressionAttributeNames={"#f": "fields"},
        ExpressionAttributeValues={":f": json.dumps(stored)},
    )


def test_a_partnership_without_end_date_is_accepted_and_the_tenant_s_figures_still_come(
    world: dict[str, Any], api: ApiClient
) -> None:
    g = world["grobogan"]
    open_ended = report("partnership", village=V1, date="2026-11-03", ends_on="9999-12-31")
    _post(api, g.admin, open_ended, report("visits", village=V2, date="2026-11-04", visitors=9, women=0, children=0))

    summary = _run(api, world["admin"])

    assert summary["tenants_failed"] == []
    figures = _regency(api, g.viewer)
    assert figures["visits"] == 9
    assert figures["partnerships_new"] == 1
    assert figures["partnerships_active"] == 1
    assert _regency(api, g.viewer, "2099")["partnerships_active"] == 1  # it never ends
    stored = api.get(f"/v1/reports/{open_ended['submission_id']}", key=g.admin).json["report"]
    assert stored["partner_name"] == open_ended["partner_name"]
    assert "ends_on" not in stored  # "no end date", not a date 8,000 years away


@pytest.mark.parametrize("ends_on", ["9999-12-30", "2201-01-01", "10000-01-01"])
def test_an_end_date_beyond_the_bound_is_refused_naming_the_field(
    world: dict[str, Any], api: ApiClient, ends_on: str
) -> None:
    body = report("partnership", village=V1, date="2026-11-03", ends_on=ends_on)

    response = api.post("/v1/reports", key=world["grobogan"].admin, json=body)

    assert response.status == 422, response.text
    assert [d["field"] for d in response.json["error"]["details"]] == ["ends_on"]


def test_a_bad_stored_report_is_skipped_and_listed_while_the_rest_of_the_tenant_is_computed(
    world: dict[str, Any], api: ApiClient
) -> None:
    g = world["grobogan"]
    bad = report("visits", village=V1, date="2026-11-03", visitors=5, women=0, children=0)
    _post(
        api,
        g.admin,
        bad,
        report("visits", village=V1, date="2026-11-05", visitors=7, women=0, children=0),
        report("visits", village=V2, date="2026-11-04", visitors=11, women=0, children=0),
    )
    _corrupt(bad["submission_id"], g.tenant_id, visitors="many")

    summary = _run(api, world["admin"])

    assert summary["tenants_failed"] == []
    assert summary["reports_failed"] == 1
    assert _regency(api, g.viewer)["visits"] == 18  # the other two reports, in both villages
    problems = api.get("/v1/rollup/problems", key=g.admin)
    assert problems.status == 200, problems.text
    [problem] = problems.json["items"]
    assert problem["tenant_id"] == g.tenant_id
    assert problem["village_code"] == V1
    assert problem["submission_id"] == bad["submission_id"]
    assert problem["error"] == "TypeError"
    assert problem["message"]
    assert problem["first_seen_at"] and problem["last_seen_at"]


def test_a_problem_disappears_once_the_report_is_fixed(world: dict[str, Any], api: ApiClient) -> None:
    g = world["grobogan"]
    bad = report("visits", village=V1, date="2026-11-03", visitors=5, women=0, children=0)
    _post(api, g.admin, bad)
    _corrupt(bad["submission_id"], g.tenant_id, visitors="many")
    _run(api, world["admin"])
    assert len(api.get("/v1/rollup/problems", key=g.admin).json["items"]) == 1

    fixed = {k: v for k, v in bad.items() if k != "submission_id"} | {"visitors": 6, "expected_version": 1}
    assert api.put(f"/v1/reports/{bad['submission_id']}", key=g.admin, json=fixed).status == 200
    _run(api, world["admin"])

    assert api.get("/v1/rollup/problems", key=g.admin).json["items"] == []
    assert _regency(api, g.viewer)["visits"] == 6


def test_problems_are_seen_by_their_tenant_and_the_platform_admin_only(world: dict[str, Any], api: ApiClient) -> None:
    g, p = world["grobogan"], world["pati"]
    bad_g = report("visits", village=V1, date="2026-11-03", visitors=5, women=0, children=0)
    bad_p = report("visits", village=PATI_V, date="2026-11-03", visitors=5, women=0, children=0)
    _post(api, g.admin, bad_g)
    _post(api, p.admin, bad_p)
    _corrupt(bad_g["submission_id"], g.tenant_id, visitors=[1])
    _corrupt(bad_p["submission_id"], p.tenant_id, visitors={"n": 1})
    _run(api, world["admin"])

    def ids(key: str, query: str = "") -> list[str]:
        response = api.get(f"/v1/rollup/problems{query}", key=key)
        assert response.status == 200, response.text
        return sorted(item["submission_id"] for item in response.json["items"])

    assert ids(g.admin) == [bad_g["submission_id"]]
    assert ids(p.admin) == [bad_p["submission_id"]]
    assert ids(world["admin"]) == sorted([bad_g["submission_id"], bad_p["submission_id"]])
    assert ids(world["admin"], "?tenant_id=33.18") == [bad_p["submission_id"]]
    assert ids(g.admin, "?tenant_id=33.15") == [bad_g["submission_id"]]  # its own tenant, named


def test_a_district_admin_cannot_name_another_tenant_and_other_roles_are_refused(
    world: dict[str, Any], api: ApiClient
) -> None:
    g = world["grobogan"]

    assert api.get("/v1/rollup/problems?tenant_id=33.18", key=g.admin).status == 403
    assert api.get("/v1/rollup/problems", key=g.operator).status == 403
    assert api.get("/v1/rollup/problems", key=g.viewer).status == 403
    assert api.get("/v1/rollup/problems").status == 401
    assert api.get("/v1/rollup/problems?tenant_id=nope", key=world["admin"]).status == 422


def test_a_partnership_stored_with_the_no_end_value_before_the_bound_counts_as_open_ended(
    world: dict[str, Any], api: ApiClient
) -> None:
    g = world["grobogan"]
    old = report("partnership", village=V1, date="2026-11-03", ends_on="2027-01-31")
    _post(api, g.admin, old)
    _corrupt(old["submission_id"], g.tenant_id, ends_on="9999-12-31")  # as main stored it

    summary = _run(api, world["admin"])

    assert (summary["tenants_failed"], summary["reports_failed"]) == ([], 0)
    assert _regency(api, g.viewer, "2099")["partnerships_active"] == 1


@pytest.mark.parametrize("period", ["0000", "0001-01", "1999-Q4"])
def test_a_period_outside_the_years_2000_to_2999_is_refused_not_a_server_error(
    world: dict[str, Any], api: ApiClient, period: str
) -> None:
    for path, key in (("/v1/indicators", world["grobogan"].viewer), ("/v1/national/indicators", world["admin"])):
        response = api.get(f"{path}?period={period}", key=key)
        assert response.status == 422, response.text
        assert [d["field"] for d in response.json["error"]["details"]] == ["period"]


def test_problems_are_paged_and_a_cursor_of_another_tenant_s_listing_is_refused(
    world: dict[str, Any], api: ApiClient
) -> None:
    g, p = world["grobogan"], world["pati"]
    bad = [report("visits", village=V1, date=f"2026-11-0{d}", visitors=5, women=0, children=0) for d in (3, 4)]
    bad_p = report("visits", village=PATI_V, date="2026-11-03", visitors=5, women=0, children=0)
    _post(api, g.admin, *bad)
    _post(api, p.admin, bad_p)
    for sent, tenant in ((bad[0], g), (bad[1], g), (bad_p, p)):
        _corrupt(sent["submission_id"], tenant.tenant_id, visitors="many")
    _run(api, world["admin"])

    pages = every_page(api, "/v1/rollup/problems?limit=1", world["admin"])
    seen = [item["submission_id"] for page in pages for item in page]
    assert sorted(seen) == sorted(r["submission_id"] for r in (*bad, bad_p))

    first = api.get("/v1/rollup/problems?limit=1&tenant_id=33.18", key=world["admin"]).json
    assert [i["tenant_id"] for i in first["items"]] == ["33.18"]
    everyone = api.get("/v1/rollup/problems?limit=2", key=world["admin"]).json  # its cursor is in 33.15's part
    refused = api.get(f"/v1/rollup/problems?cursor={everyone['next_cursor']}", key=p.admin)
    assert (refused.status, refused.error_code) == (400, "invalid_cursor")
