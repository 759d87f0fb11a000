"""The DHIS2 mapping and the national export as a DHIS2 dataValueSets payload."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.domain.dhis2 import conforms
from chalicelib.services.dhis2 import as_mapping
from tests.factories import Tenants, register_village, report
from tests.http_client import ApiClient

V1 = "33.15.01.2001"
MAPPING = {
    "data_elements": {
        "visits": {"data_element": "fbfJHSPpUQD"},
        "participants": {"data_element": "cYeuwXTCPkU", "category_option_combo": "HllvX50cXC0"},
        "reporting_rate_pct": {"data_element": "RepRateUID1"},
    },
    "org_units": {"ID": "ImspTQPwCqd", "33": "O6uvpzGd5pu", "33.15": "DiszpKrYNg8"},
    "attribute_option_combo": "HllvX50cXC0",
}

pytestmark = pytest.mark.usefixtures("settle_now")  # a rollup counts what was written just before it


@pytest.fixture
def national(tenants: Tenants, api: ApiClient) -> dict[str, Any]:
    grobogan = tenants.create("33.15")
    pati = tenants.create("33.18")
    register_village(api, grobogan.admin, V1)
    register_village(api, pati.admin, "33.18.01.2001")
    visits = report("visits", village=V1, date="2026-11-03", visitors=40, women=0, children=0)
    activity = report("activity", village=V1, date="2026-11-04", participants=12, women=0, youth=0, entrepreneurs=0)
    assert api.post("/v1/reports", key=grobogan.admin, json={"reports": [visits, activity]}).json["accepted"] == 2
    assert api.post("/v1/admin/jobs/rollup/run", key=tenants.admin_key).status == 200
    return {"viewer": tenants.national_viewer(), "admin": tenants.admin_key, "district": grobogan.admin}


def test_the_dhis2_export_carries_the_mapped_figures_in_dhis2_notation(
    national: dict[str, Any], api: ApiClient
) -> None:
    assert api.get("/v1/national/export?period=2026-11&format=dhis2", key=national["viewer"]).status == 404
    uploaded = api.put("/v1/admin/dhis2-mapping", key=national["admin"], json=MAPPING)
    assert uploaded.status == 200, uploaded.text
    assert api.get("/v1/admin/dhis2-mapping", key=national["viewer"]).json["org_units"] == MAPPING["org_units"]

    answer = api.get("/v1/national/export?period=2026-11&format=dhis2", key=national["viewer"])
    assert answer.status == 200, answer.text
    values = answer.json["dataValues"]
    assert conforms(answer.json, as_mapping(uploaded.json)) == []
    by_key = {(v["dataElement"], v["orgUnit"]): v for v in values}
    for unit in ("ImspTQPwCqd", "O6uvpzGd5pu", "DiszpKrYNg8"):  # nation, Central Java, Grobogan
        assert by_key[("fbfJHSPpUQD", unit)]["value"] == "40"
        assert by_key[("cYeuwXTCPkU", unit)] == {
            "dataElement": "cYeuwXTCPkU",
            "period": "202611",
            "orgUnit": unit,
            "value": "12",
            "categoryOptionCombo": "HllvX50cXC0",
            "attributeOptionCombo": "HllvX50cXC0",
        }
    # Pati (33.18) has no organisation unit in the mapping: left out and counted, not guessed.
    assert answer.headers["x-unmapped-areas"] == "1"
    assert {v["orgUnit"] for v in values} == {"ImspTQPwCqd", "O6uvpzGd5pu", "DiszpKrYNg8"}
    quarter = api.get("/v1/national/export?period=2026-Q4&format=dhis2", key=national["viewer"])
    assert {v["period"] for v in quarter.json["dataValues"]} == {"2026Q4"}


@pytest.mark.parametrize(
    "change",
    [
        {"data_elements": {"visits": {"data_element": "short"}}},
        {"data_elements": {"not_an_indicator": {"data_element": "fbfJHSPpUQD"}}},
        {"data_elements": {}},
        {"org_units": {"99.99": "DiszpKrYNg8"}},
        {"org_units": {"33.15.01": "DiszpKrYNg8"}},
        {"org_units": {"33.15": "1iszpKrYNg8"}},
        {"attribute_option_combo": "x"},
        {"extra": 1},
    ],
)
def test_a_bad_mapping_is_refused_and_the_previous_one_stays(
    national: dict[str, Any], api: ApiClient, change: dict[str, Any]
) -> None:
    assert api.put("/v1/admin/dhis2-mapping", key=national["admin"], json=MAPPING).status == 200
    refused = api.put("/v1/admin/dhis2-mapping", key=national["admin"], json={**MAPPING, **change})
    assert refused.status == 422, change
    assert api.get("/v1/admin/dhis2-mapping", key=national["admin"]).json["org_units"] == MAPPING["org_units"]


def test_only_the_platform_admin_uploads_the_mapping(national: dict[str, Any], api: ApiClient) -> None:
    for key in (national["viewer"], national["district"]):
        assert api.put("/v1/admin/dhis2-mapping", key=key, json=MAPPING).status == 403
    assert api.get("/v1/admin/dhis2-mapping", key=national["district"]).status == 403
    assert api.get("/v1/national/export?period=2026-11&format=dhis2", key=national["district"]).status == 403
