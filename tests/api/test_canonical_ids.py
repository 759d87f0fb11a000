"""One UUID, one report: identifiers are lower case before every comparison and every write (issue 17, item 4)."""

from __future__ import annotations

from tests.advocacy import new_commitment, new_stakeholder
from tests.factories import GROBOGAN, GROBOGAN_VILLAGES, Tenants, register_village, report
from tests.http_client import ApiClient

SID = "6b6f7a52-3c1e-4b8e-9a57-0d4a1f1c2eab"


def _ready(tenants: Tenants, api: ApiClient) -> str:
    grobogan = tenants.create(GROBOGAN)
    register_village(api, grobogan.admin, GROBOGAN_VILLAGES[0])
    return grobogan.admin


def test_the_upper_case_twin_of_a_stored_id_is_a_duplicate(tenants: Tenants, api: ApiClient) -> None:
    key = _ready(tenants, api)
    first = api.post("/v1/reports", json=report(submission_id=SID), key=key)
    assert first.status == 201
    twin = api.post("/v1/reports", json=report(submission_id=SID.upper()), key=key)
    assert twin.status == 200 and twin.json["status"] == "duplicate"
    assert twin.json["submission_id"] == SID
    assert [r["submission_id"] for r in api.get("/v1/reports", key=key).json["items"]] == [SID]


def test_an_upper_case_id_is_stored_in_lower_case(tenants: Tenants, api: ApiClient) -> None:
    key = _ready(tenants, api)
    created = api.post("/v1/reports", json=report(submission_id=SID.upper()), key=key)
    assert created.status == 201 and created.json["submission_id"] == SID
    assert api.get(f"/v1/reports/{SID}", key=key).json["report"]["submission_id"] == SID


def test_the_twins_in_one_batch_store_one_report(tenants: Tenants, api: ApiClient) -> None:
    key = _ready(tenants, api)
    batch = {"reports": [report(submission_id=SID), report(submission_id=SID.upper())]}
    answer = api.post("/v1/reports", json=batch, key=key).json
    assert [r["status"] for r in answer["results"]] == ["accepted", "duplicate"]
    assert len(api.get("/v1/reports", key=key).json["items"]) == 1


def test_the_twin_with_other_content_is_a_conflict(tenants: Tenants, api: ApiClient) -> None:
    key = _ready(tenants, api)
    api.post("/v1/reports", json=report(submission_id=SID, visitors=12), key=key)
    twin = api.post("/v1/reports", json=report(submission_id=SID.upper(), visitors=13), key=key)
    assert twin.status == 409 and twin.error_code == "conflict"


def test_a_report_is_read_corrected_and_voided_by_its_id_in_any_case(tenants: Tenants, api: ApiClient) -> None:
    key = _ready(tenants, api)
    api.post("/v1/reports", json=report(submission_id=SID), key=key)
    upper = SID.upper()
    assert api.get(f"/v1/reports/{upper}", key=key).status == 200
    body = report(submission_id=SID, visitors=20)
    del body["submission_id"]
    corrected = api.put(f"/v1/reports/{upper}", json={**body, "expected_version": 1}, key=key)
    assert corrected.status == 200 and corrected.json["report"]["version"] == 2
    assert api.delete(f"/v1/reports/{upper}", key=key).json["report"]["status"] == "void"
    assert api.get(f"/v1/reports/{SID}", key=key).json["report"]["version"] == 3


def test_commitments_and_stakeholders_are_found_by_their_id_in_any_case(tenants: Tenants, api: ApiClient) -> None:
    grobogan = tenants.create(GROBOGAN)
    stakeholder = new_stakeholder(api, grobogan)
    commitment = new_commitment(api, grobogan, stakeholder["stakeholder_id"].upper())
    assert commitment["stakeholder_id"] == stakeholder["stakeholder_id"]
    upper = commitment["commitment_id"].upper()
    assert api.get(f"/v1/commitments/{upper}", key=grobogan.admin).status == 200
    assert api.get(f"/v1/stakeholders/{stakeholder['stakeholder_id'].upper()}", key=grobogan.admin).status == 200
    listed = api.get(f"/v1/commitments?stakeholder_id={stakeholder['stakeholder_id'].upper()}", key=grobogan.admin)
    assert [c["commitment_id"] for c in listed.json["items"]] == [commitment["commitment_id"]]
