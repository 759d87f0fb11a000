"""Whatever a client sends, the answer is a clear 4xx in the one error shape, and nothing is stored."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.factories import GROBOGAN, Tenants, signup_payload
from tests.http_client import ApiClient

SIGNUP = {"regency_code": "33.15", "office_name": "x", "contact_name": "x", "contact_email": "a@b.id"}


def assert_error_shape(body: Any) -> None:
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert isinstance(body["error"]["code"], str) and body["error"]["message"]
    for detail in body["error"]["details"]:
        assert {"field", "message"} <= set(detail) <= {"field", "message", "code", "params"}
        assert isinstance(detail["field"], str) and detail["message"]
        assert isinstance(detail.get("code", ""), str) and isinstance(detail.get("params", {}), dict)


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (b"{not json", 400, "malformed_json"),
        (b"[1, 2]", 422, "validation_error"),
        (b'"text"', 422, "validation_error"),
        (json.dumps({**SIGNUP, "regency_code": 3315}).encode(), 422, "validation_error"),
        (json.dumps({**SIGNUP, "tenant": 1}).encode(), 422, "validation_error"),
        (b"", 400, "empty_body"),
        (b"\xff\xfe", 400, "malformed_json"),
    ],
)
def test_bad_bodies_are_refused_and_nothing_is_stored(
    api: ApiClient, admin_key: str, body: bytes, status: int, code: str
) -> None:
    response = api.post("/v1/signup", body=body)
    assert response.status == status
    assert response.error_code == code
    assert_error_shape(response.json)
    assert api.get("/v1/admin/tenants", key=admin_key).json["items"] == []


def test_an_oversized_body_is_refused(api: ApiClient, admin_key: str) -> None:
    payload = signup_payload(GROBOGAN, office_name="x" * 2_000_000)
    response = api.post("/v1/signup", json=payload)
    assert response.status == 413
    assert response.error_code == "payload_too_large"
    assert_error_shape(response.json)
    assert api.get("/v1/admin/tenants", key=admin_key).json["items"] == []


def test_a_non_json_content_type_is_refused(api: ApiClient) -> None:
    response = api.post("/v1/signup", body=b"regency_code=33.15", headers={"content-type": "text/plain"})
    assert response.status == 415
    assert response.error_code == "unsupported_media_type"
    assert_error_shape(response.json)


@pytest.mark.parametrize("header", [None, "", "Bearer", "Bearer nope", "Basic abc", "Bearer " + "x" * 2000])
def test_missing_or_bad_credentials_answer_401(api: ApiClient, header: str | None) -> None:
    headers = {} if header is None else {"authorization": header}
    response = api.get("/v1/tenant", headers=headers)
    assert response.status == 401
    assert response.error_code == "unauthenticated"
    assert_error_shape(response.json)


def test_an_unknown_route_and_a_wrong_method_answer_in_the_error_shape(api: ApiClient) -> None:
    missing = api.get("/v1/nothing-here")
    assert missing.status == 404
    assert_error_shape(missing.json)
    wrong_method = api.request("PATCH", "/v1/signup", json={})
    assert wrong_method.status == 405
    assert_error_shape(wrong_method.json)


def test_bad_query_parameters_are_refused(tenants: Tenants, api: ApiClient) -> None:
    tenants.create(GROBOGAN)
    for query in ["status=unknown", "limit=0", "limit=1000", "limit=abc", "cursor=%25%25", "foo=bar"]:
        response = api.get(f"/v1/admin/tenants?{query}", key=tenants.admin_key)
        assert response.status in (400, 422), query
        assert_error_shape(response.json)


def test_a_cursor_from_another_listing_is_refused(tenants: Tenants, api: ApiClient) -> None:
    from chalicelib.repositories.base import encode_cursor

    grobogan = tenants.create(GROBOGAN)
    foreign = encode_cursor({"owner": {"S": "33.18"}, "key_id": {"S": "0"}})
    response = api.get(f"/v1/keys?cursor={foreign}", key=grobogan.admin)
    assert response.status == 400
    assert response.error_code == "invalid_cursor"


@pytest.mark.parametrize(
    ("method", "path", "platform"),
    [
        ("GET", "/v1/reports/%20", False),
        ("PUT", "/v1/reports/%09", False),
        ("DELETE", "/v1/reports/%0A", False),
        ("POST", "/v1/reports/%20%20/review", False),
        ("DELETE", "/v1/keys//", False),
        ("PATCH", "/v1/keys//", False),
        ("POST", "/v1/keys//rotate", False),
        ("GET", "/v1/villages//", False),
        ("DELETE", "/v1/villages/%20", False),
        ("PUT", "/v1/villages//baseline", False),
        ("GET", "/v1/stakeholders/%20", False),
        ("POST", "/v1/admin/tenants//approve", True),
        ("POST", "/v1/admin/tenants/%20/suspend", True),
        ("DELETE", "/v1/admin/keys//", True),
        ("POST", "/v1/admin/keys//rotate", True),
    ],
)
def test_an_empty_or_blank_id_in_the_path_answers_404(
    tenants: Tenants, api: ApiClient, method: str, path: str, platform: bool
) -> None:
    grobogan = tenants.create(GROBOGAN)
    key = tenants.admin_key if platform else grobogan.admin
    response = api.request(method, path, key=key, json={"label": "x"} if method == "PATCH" else {})
    assert (response.status, response.error_code) == (404, "not_found"), response.text
    assert "empty" in response.json["error"]["message"]
    assert_error_shape(response.json)


def _details(response: Any) -> dict[str, str]:
    return {d["field"]: d["message"] for d in response.json["error"]["details"]}


def test_field_messages_say_what_is_expected_not_how_the_check_is_written(tenants: Tenants, api: ApiClient) -> None:
    grobogan = tenants.create(GROBOGAN)
    kinds = "visits, activity, media, partnership, ict"
    for body, expected in (
        ({}, {"type": f"required: one of {kinds}"}),
        ({"type": None}, {"type": f"must be one of {kinds}"}),
        (
            {"type": "visits", "submission_id": "x", "village_code": "3315", "date": "2026-11-02", "visitors": 1},
            {
                "submission_id": "must be a UUID such as 6f1c2a9e-5b7d-4c3e-9a8f-1d2e3f4a5b6c",
                "village_code": "must be a Kemendagri village code such as 33.15.01.2001",
            },
        ),
    ):
        response = api.post("/v1/reports", key=grobogan.admin, json=body)
        assert response.status == 422, response.text
        assert _details(response) == expected
    refused = api.post("/v1/signup", json={**signup_payload("33.16"), "contact_email": "sri at blora"})
    assert refused.status == 422 and _details(refused) == {
        "contact_email": "must be an email address such as perpustakaan@grobogankab.go.id"
    }
    approval = api.post("/v1/periods/1999-01/approve", key=grobogan.admin, json={})
    assert approval.status == 422 and "from 2000" in json.dumps(approval.json), approval.text
    for response in (refused, approval):
        assert "\\d" not in response.text and "pattern" not in response.text
