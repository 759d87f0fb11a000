"""Registering and reading village libraries."""

from __future__ import annotations

from tests.factories import GROBOGAN, GROBOGAN_VILLAGES, PATI, PATI_VILLAGE, Tenants, every_page
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
    seen = [v["village_code"] for page in every_page(api, "/v1/villages?limit=2", grobogan.admin) for v in page]
    assert seen == codes
    in_kecamatan = api.get("/v1/villages?kecamatan_code=33.15.02", key=grobogan.admin).json["items"]
    assert [v["village_code"] for v in in_kecamatan] == codes[3:]


def test_joined_on_is_kept_and_a_joined_year_alone_reads_as_its_first_of_january(
    tenants: Tenants, api: ApiClient
) -> None:
    grobogan = tenants.create(GROBOGAN)
    first, second = GROBOGAN_VILLAGES
    dated = api.put(
        f"/v1/villages/{first}",
        key=grobogan.admin,
        json={"library_name": "a", "joined_on": "2019-03-15", "cohort": "replikasi-2019"},
    )
    assert dated.status == 201
    assert (dated.json["joined_on"], dated.json["joined_year"], dated.json["cohort"]) == (
        "2019-03-15",
        2019,
        "replikasi-2019",
    )
    by_year = api.put(f"/v1/villages/{second}", key=grobogan.admin, json={"library_name": "b", "joined_year": 2016})
    assert (by_year.json["joined_on"], by_year.json["joined_year"]) == ("2016-01-01", 2016)
    unknown = api.put(f"/v1/villages/{second}", key=grobogan.admin, json={"library_name": "b"})
    assert (unknown.json["joined_on"], unknown.json["joined_year"]) == (None, None)


def test_joined_on_in_the_future_or_disagreeing_with_joined_year_is_refused(tenants: Tenants, api: ApiClient) -> None:
    grobogan = tenants.create(GROBOGAN)
    for body in (
        {"library_name": "x", "joined_on": "2099-01-01"},
        {"library_name": "x", "joined_on": "2019-03-15", "joined_year": 2018},
        {"library_name": "x", "joined_on": "2009-12-31"},
        {"library_name": "x", "joined_on": "15/03/2019"},
    ):
        response = api.put(f"/v1/villages/{GROBOGAN_VILLAGES[0]}", key=grobogan.admin, json=body)
        assert response.status == 422, body
        if body["joined_on"] == "2099-01-01":
            assert [(d["field"], d["code"]) for d in response.json["error"]["details"]] == [("joined_on", "in_future")]
    assert api.get("/v1/villages", key=grobogan.admin).json["items"] == []


def test_a_deactivated_village_keeps_its_history_and_a_second_deactivation_changes_nothing(
    tenants: Tenants, api: ApiClient
) -> None:
    grobogan = tenants.create(GROBOGAN)
    code = GROBOGAN_VILLAGES[0]
    api.put(f"/v1/villages/{code}", key=grobogan.admin, json={"library_name": "a", "joined_on": "2019-03-15"})
    assert api.delete(f"/v1/villages/{code}", key=grobogan.operator).status == 403
    gone = api.delete(f"/v1/villages/{code}", key=grobogan.admin)
    assert gone.status == 200, gone.text
    assert gone.json["active"] is False
    assert gone.json["deactivated_on"] is not None
    again = api.delete(f"/v1/villages/{code}", key=grobogan.admin)
    assert again.json["deactivated_on"] == gone.json["deactivated_on"]
    assert again.json["updated_at"] == gone.json["updated_at"]
    # An update of its details keeps it deactivated.
    renamed = api.put(f"/v1/villages/{code}", key=grobogan.admin, json={"library_name": "b", "joined_on": "2019-03-15"})
    assert (renamed.json["active"], renamed.json["library_name"]) == (False, "b")
    assert api.delete(f"/v1/villages/{GROBOGAN_VILLAGES[1]}", key=grobogan.admin).status == 404


def test_a_district_admin_records_a_baseline_and_removes_it(tenants: Tenants, api: ApiClient) -> None:
    grobogan = tenants.create(GROBOGAN)
    code = GROBOGAN_VILLAGES[0]
    api.put(f"/v1/villages/{code}", key=grobogan.admin, json={"library_name": "a"})
    body = {"monthly": {"visits": 120, "participants": 30.5}, "source": "survei awal 2019"}
    assert api.put(f"/v1/villages/{code}/baseline", key=grobogan.operator, json=body).status == 403
    recorded = api.put(f"/v1/villages/{code}/baseline", key=grobogan.admin, json=body)
    assert recorded.status == 200, recorded.text
    baseline = recorded.json["baseline"]
    assert baseline["monthly"] == {"visits": 120.0, "participants": 30.5}
    assert (baseline["source"], baseline["recorded_by"]) == ("survei awal 2019", grobogan.key_ids["admin"])
    assert api.get(f"/v1/villages/{code}", key=grobogan.viewer).json["baseline"] == baseline
    kept = api.put(f"/v1/villages/{code}", key=grobogan.admin, json={"library_name": "renamed"})
    assert kept.json["baseline"] == baseline
    removed = api.delete(f"/v1/villages/{code}/baseline", key=grobogan.admin)
    assert removed.status == 200 and removed.json["baseline"] is None


def test_bad_baselines_are_refused_and_nothing_is_stored(tenants: Tenants, api: ApiClient) -> None:
    grobogan = tenants.create(GROBOGAN)
    code = GROBOGAN_VILLAGES[0]
    api.put(f"/v1/villages/{code}", key=grobogan.admin, json={"library_name": "a"})
    for body in (
        {"monthly": {}, "source": "s"},
        {"monthly": {"visits": -1}, "source": "s"},
        {"monthly": {"visits": "120"}, "source": "s"},
        {"monthly": {"villages_registered": 3}, "source": "s"},
        {"monthly": {"visits": 1}},
        {"monthly": {"visits": 1}, "source": "s", "extra": True},
    ):
        response = api.put(f"/v1/villages/{code}/baseline", key=grobogan.admin, json=body)
        assert response.status == 422, body
    assert api.get(f"/v1/villages/{code}", key=grobogan.admin).json["baseline"] is None
    good = {"monthly": {"visits": 1}, "source": "s"}
    assert api.put(f"/v1/villages/{GROBOGAN_VILLAGES[1]}/baseline", key=grobogan.admin, json=good).status == 404


def test_another_tenant_cannot_deactivate_or_set_a_baseline_of_a_village(tenants: Tenants, api: ApiClient) -> None:
    grobogan = tenants.create(GROBOGAN)
    pati = tenants.create(PATI)
    code = GROBOGAN_VILLAGES[0]
    api.put(f"/v1/villages/{code}", key=grobogan.admin, json={"library_name": "a"})
    good = {"monthly": {"visits": 1}, "source": "s"}
    assert api.put(f"/v1/villages/{code}/baseline", key=pati.admin, json=good).status == 404
    assert api.delete(f"/v1/villages/{code}", key=pati.admin).status == 404
    village = api.get(f"/v1/villages/{code}", key=grobogan.admin).json
    assert (village["active"], village["baseline"]) == (True, None)
