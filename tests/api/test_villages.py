"""Registering and reading village libraries."""

from __future__ import annotations

from tests.factories import GROBOGAN, GROBOGAN_VILLAGES, PATI_VILLAGE, Tenants
from tests.http_client import ApiClient


def test_a_district_admin_registers_a_village_then_updates_it(tenants: Tenants, api: ApiClient) -> None:
    grobogan = tenants.create(GROBOGAN)
    code = GROBOGAN_VILLAGES[0]
    created = api.put(
        f"/v1/villages/{code}",
        key=grobogan.admin,
        json={"library_name": "Perpusdes Karanglangu", "joined_year": 2019, "cohort": "replication"},
    )
    assert created.status == 201
    assert created.json["village_name"] == "Karanglangu"
    assert created.json["kecamatan_code"] == "33.15.01"
    assert created.json["kecamatan_name"] == "Kedungjati"
    updated = api.put(f"/v1/villages/{code}", key=grobogan.admin, json={"library_name": "Perpusdes Maju"})
    assert updated.status == 200
    assert updated.json["library_name"] == "Perpusdes Maju"
    assert updated.json["joined_year"] is None
    assert updated.json["created_at"] == created.json["created_at"]
    assert api.get(f"/v1/villages/{code}", key=grobogan.viewer).json["library_name"] == "Perpusdes Maju"


def test_a_code_outside_the_regency_or_unknown_is_refused(tenants: Tenants, api: ApiClient) -> None:
    grobogan = tenants.create(GROBOGAN)
    for code in (PATI_VILLAGE, "33.15.01.9999", "33.15.01", "abc"):
        response = api.put(f"/v1/villages/{code}", key=grobogan.admin, json={"library_name": "x"})
        assert response.status == 422, code
        assert response.json["error"]["details"][0]["field"] == "village_code"
    assert api.get("/v1/villages", key=grobogan.admin).json["items"] == []


def test_only_a_district_admin_registers_villages(tenants: Tenants, api: ApiClient) -> None:
    grobogan = tenants.create(GROBOGAN)
    for secret in (grobogan.operator, grobogan.viewer):
        response = api.put(f"/v1/villages/{GROBOGAN_VILLAGES[0]}", key=secret, json={"library_name": "x"})
        assert response.status == 403


def test_bad_village_bodies_are_refused(tenants: Tenants, api: ApiClient) -> None:
    grobogan = tenants.create(GROBOGAN)
    for body in (
        {},
        {"library_name": ""},
        {"library_name": "x", "joined_year": 1990},
        {"library_name": "x", "joined_year": "2019"},
        {"library_name": "x", "extra": 1},
    ):
        response = api.put(f"/v1/villages/{GROBOGAN_VILLAGES[0]}", key=grobogan.admin, json=body)
        assert response.status == 422, body


def test_an_operator_lists_and_reads_only_its_own_villages(tenants: Tenants, api: ApiClient) -> None:
    grobogan = tenants.create(GROBOGAN)
    for code in GROBOGAN_VILLAGES:
        api.put(f"/v1/villages/{code}", key=grobogan.admin, json={"library_name": code})
    own = api.get("/v1/villages", key=grobogan.operator).json["items"]
    assert [v["village_code"] for v in own] == list(grobogan.operator_villages)
    everyone = api.get("/v1/villages", key=grobogan.viewer).json["items"]
    assert [v["village_code"] for v in everyone] == sorted(GROBOGAN_VILLAGES)
    other = next(c for c in GROBOGAN_VILLAGES if c not in grobogan.operator_villages)
    assert api.get(f"/v1/villages/{other}", key=grobogan.operator).status == 404


def test_an_unregistered_village_is_not_found(tenants: Tenants, api: ApiClient) -> None:
    grobogan = tenants.create(GROBOGAN)
    assert api.get(f"/v1/villages/{GROBOGAN_VILLAGES[1]}", key=grobogan.admin).status == 404


def test_villages_page_in_code_order_and_filter_by_kecamatan(tenants: Tenants, api: ApiClient) -> None:
    grobogan = tenants.create(GROBOGAN)
    codes = ["33.15.01.2001", "33.15.01.2002", "33.15.01.2003", "33.15.02.2001", "33.15.02.2002"]
    for code in codes:
        api.put(f"/v1/villages/{code}", key=grobogan.admin, json={"library_name": code})
    seen, cursor = [], None
    for _ in range(10):
        page = api.get("/v1/villages?limit=2" + (f"&cursor={cursor}" if cursor else ""), key=grobogan.admin).json
        seen += [v["village_code"] for v in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == codes
    in_kecamatan = api.get("/v1/villages?kecamatan_code=33.15.02", key=grobogan.admin).json["items"]
    assert [v["village_code"] for v in in_kecamatan] == codes[3:]
