"""Text is text: control and bidirectional characters are refused, and no field carries a personal ID
number (issue 17, item 7)."""

from __future__ import annotations

import pytest

from tests.advocacy import commitment_payload, new_commitment, new_stakeholder, stakeholder_payload
from tests.factories import GROBOGAN, GROBOGAN_VILLAGES, Tenants, register_village, report, signup_payload
from tests.http_client import ApiClient

NOT_TEXT = ["\x00", "\x1b[31m", "\x07", "\x7f", "\u202e", "\u2066", "\u2028", "\x85", "\t"]


@pytest.mark.parametrize("bad", NOT_TEXT)
def test_a_report_text_with_a_control_or_bidi_character_is_refused_and_not_stored(
    tenants: Tenants, api: ApiClient, bad: str
) -> None:
    grobogan = tenants.create(GROBOGAN)
    register_village(api, grobogan.admin, GROBOGAN_VILLAGES[0])
    response = api.post("/v1/reports", json=report("activity", title=f"Pelatihan{bad}daring"), key=grobogan.admin)
    assert response.status == 422
    assert [d["field"] for d in response.json["error"]["details"]] == ["title"]
    assert f"U+{ord(bad[0]):04X}" in response.json["error"]["details"][0]["message"]
    assert api.get("/v1/reports", key=grobogan.admin).json["items"] == []


@pytest.mark.parametrize("bad", NOT_TEXT)
def test_stakeholder_names_sign_up_fields_and_key_labels_refuse_them_too(
    tenants: Tenants, api: ApiClient, bad: str
) -> None:
    grobogan = tenants.create(GROBOGAN)
    refused = [
        api.post("/v1/stakeholders", key=grobogan.admin, json=stakeholder_payload(name=f"H.{bad}Sutrisno")),
        api.post("/v1/signup", json=signup_payload("33.18", office_name=f"Dinas{bad}Pati")),
        api.post("/v1/keys", key=grobogan.admin, json={"role": "viewer", "label": f"dash{bad}board"}),
    ]
    for response in refused:
        assert response.status == 422, response.text
        assert response.error_code == "validation_error"


def test_line_breaks_are_text_in_long_descriptions_only(tenants: Tenants, api: ApiClient) -> None:
    grobogan = tenants.create(GROBOGAN)
    commitment = new_commitment(api, grobogan, description="Dana Desa 2027:\r\n- buku\n- rak")
    assert commitment["description"] == "Dana Desa 2027:\r\n- buku\n- rak"
    action = api.post(
        f"/v1/commitments/{commitment['commitment_id']}/actions",
        key=grobogan.admin,
        json={"date": "2026-11-02", "kind": "meeting", "note": "Rapat desa\nsepakat", "next_step": "Surat\nresmi"},
    )
    assert action.status == 201, action.text
    escaped = api.post(
        f"/v1/commitments/{commitment['commitment_id']}/actions",
        key=grobogan.admin,
        json={"date": "2026-11-02", "kind": "meeting", "note": "Rapat\x1b[2Jdesa"},
    )
    assert escaped.status == 422
    one_line = api.post("/v1/stakeholders", key=grobogan.admin, json=stakeholder_payload(name="H.\nSutrisno"))
    assert one_line.status == 422


@pytest.mark.parametrize("field", ["name", "contact", "organization", "position"])
def test_a_personal_id_number_in_any_stakeholder_text_is_refused(tenants: Tenants, api: ApiClient, field: str) -> None:
    grobogan = tenants.create(GROBOGAN)
    nik = "3315 0112 3456 0001"
    created = api.post("/v1/stakeholders", key=grobogan.admin, json=stakeholder_payload(**{field: f"x {nik}"}))
    assert created.status == 422
    assert [d["field"] for d in created.json["error"]["details"]] == [field]
    stakeholder = new_stakeholder(api, grobogan)
    patched = api.patch(f"/v1/stakeholders/{stakeholder['stakeholder_id']}", key=grobogan.admin, json={field: nik})
    assert patched.status == 422


@pytest.mark.parametrize(
    ("route", "field"),
    [
        ("create", "description"),
        ("edit", "description"),
        ("edit", "next_step"),
        ("transition", "note"),
        ("action", "note"),
        ("action", "next_step"),
    ],
)
def test_a_personal_id_number_in_a_commitment_text_is_refused(
    tenants: Tenants, api: ApiClient, route: str, field: str
) -> None:
    grobogan = tenants.create(GROBOGAN)
    commitment = new_commitment(api, grobogan)
    cid = commitment["commitment_id"]
    method, path, body = {
        "create": ("POST", "/v1/commitments", commitment_payload(commitment["stakeholder_id"])),
        "edit": ("PATCH", f"/v1/commitments/{cid}", {"expected_version": 1}),
        "transition": ("POST", f"/v1/commitments/{cid}/transitions", {"to": "committed", "expected_version": 1}),
        "action": ("POST", f"/v1/commitments/{cid}/actions", {"date": "2026-11-02", "kind": "visit", "note": "x"}),
    }[route]
    response = api.request(method, path, key=grobogan.admin, json={**body, field: "Pak Budi, NIK 3315-0112-3456-0001"})
    assert (response.status, response.error_code) == (422, "validation_error"), response.text
    assert response.json["error"]["details"] == [
        {"field": field, "message": "must not contain personal ID numbers", "code": "personal_id_number"}
    ]
    detail = api.get(f"/v1/commitments/{cid}", key=grobogan.admin).json
    assert (detail["version"], detail["transitions"], detail["actions"]) == (1, [], [])
    assert len(api.get("/v1/commitments", key=grobogan.admin).json["items"]) == 1


def test_an_ordinary_phone_number_is_a_contact(tenants: Tenants, api: ApiClient) -> None:
    grobogan = tenants.create(GROBOGAN)
    created = api.post("/v1/stakeholders", key=grobogan.admin, json=stakeholder_payload(contact="+62 812-3456-7890"))
    assert created.status == 201
