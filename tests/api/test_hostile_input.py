"""Whatever a hostile or careless client sends, the answer is the documented 4xx, never a 500 (issue 17, item 5)."""

from __future__ import annotations

import base64
import json

import pytest

from tests.advocacy import new_stakeholder
from tests.api.test_error_contract import assert_error_shape
from tests.factories import GROBOGAN, GROBOGAN_VILLAGES, Tenants, every_page, register_village, report, signup_payload
from tests.http_client import ApiClient


@pytest.mark.parametrize("opener", ["[", '{"a":'])
def test_a_body_nested_a_thousand_levels_deep_answers_400_even_without_a_key(api: ApiClient, opener: str) -> None:
    body = (opener * 1000).encode()
    for path in ("/v1/signup", "/v1/reports"):
        response = api.post(path, body=body)
        assert response.status in (400, 401), response.text
        assert_error_shape(response.json)
    response = api.post("/v1/signup", body=body)
    assert response.status == 400 and response.error_code == "malformed_json"


def test_a_deeply_nested_body_from_an_authenticated_caller_answers_400(tenants: Tenants, api: ApiClient) -> None:
    grobogan = tenants.create(GROBOGAN)
    response = api.post("/v1/reports", body=b"[" * 1000 + b"]" * 1000, key=grobogan.admin)
    assert response.status == 400 and response.error_code == "malformed_json"
    assert "32" in response.json["error"]["message"]


def test_ordinary_nesting_is_still_read(tenants: Tenants, api: ApiClient) -> None:
    grobogan = tenants.create(GROBOGAN)
    register_village(api, grobogan.admin, GROBOGAN_VILLAGES[0])
    response = api.post("/v1/reports", json={"reports": [report() for _ in range(100)]}, key=grobogan.admin)
    assert response.status == 200 and response.json["accepted"] == 100


def test_a_lone_surrogate_answers_400_malformed_json(api: ApiClient, admin_key: str) -> None:
    body = b'{"regency_code": "33.15", "office_name": "\\ud800", "contact_name": "x", "contact_email": "a@b.id"}'
    response = api.post("/v1/signup", body=body)
    assert response.status == 400 and response.error_code == "malformed_json"
    assert api.get("/v1/admin/tenants", key=admin_key).json["items"] == []


@pytest.mark.parametrize(
    ("member", "says"),
    [
        (b'"x": NaN', "NaN, which is not a JSON number"),
        (b'"x": Infinity', "Infinity, which is not a JSON number"),
        (b'"x": [-Infinity]', "-Infinity, which is not a JSON number"),
        (b'"x": 1e400', "a number too large to read"),
        (b'"x": 1' + b"0" * 5000, "a number of 5001 digits, too long to read"),
        (b'"office_name": "Dinas Pati"', 'names "office_name" twice in one object'),
        (b'"x": [{"a": 1, "b": 2, "a": 3}]', 'names "a" twice in one object'),
    ],
)
def test_json_that_is_not_plain_json_answers_400_saying_why(
    api: ApiClient, admin_key: str, member: bytes, says: str
) -> None:
    body = json.dumps(signup_payload(GROBOGAN)).encode()[:-1] + b", " + member + b"}"
    response = api.post("/v1/signup", body=body)
    assert (response.status, response.error_code) == (400, "malformed_json"), response.text
    assert says in response.json["error"]["message"]
    assert_error_shape(response.json)
    assert api.get("/v1/admin/tenants", key=admin_key).json["items"] == []


def test_a_surrogate_pair_is_ordinary_text(api: ApiClient) -> None:
    body = (
        b'{"regency_code": "33.15", "office_name": "Dinas \\ud83d\\udcda", '
        b'"contact_name": "x", "contact_email": "a@b.id"}'
    )
    assert api.post("/v1/signup", body=body).status == 202


@pytest.mark.parametrize("body", [b"", b"   "])
def test_an_empty_body_where_one_is_needed_answers_400(tenants: Tenants, api: ApiClient, body: bytes) -> None:
    grobogan = tenants.create(GROBOGAN)
    for path in ("/v1/reports", "/v1/stakeholders", "/v1/villages/33.15.01.2001"):
        method = "PUT" if "villages" in path else "POST"
        response = api.request(method, path, body=body, key=grobogan.admin)
        assert response.status == 400, (path, response.text)
        assert response.error_code == "empty_body"
        assert_error_shape(response.json)


@pytest.mark.parametrize("body", [b"", b" \n"])
def test_an_empty_body_on_a_put_or_patch_answers_400_and_changes_nothing(
    tenants: Tenants, api: ApiClient, body: bytes
) -> None:
    grobogan = tenants.create(GROBOGAN)
    settings = {"deadline_day": 5, "auto_lock_days": 15}
    assert api.put("/v1/settings/reporting", key=grobogan.admin, json=settings).status == 200
    stakeholder = new_stakeholder(api, grobogan)
    for method, path in [
        ("PUT", "/v1/settings/reporting"),
        ("PATCH", f"/v1/stakeholders/{stakeholder['stakeholder_id']}"),
        ("PATCH", f"/v1/keys/{grobogan.key_ids['viewer']}"),
    ]:
        response = api.request(method, path, body=body, key=grobogan.admin)
        assert (response.status, response.error_code) == (400, "empty_body"), (path, response.text)
        assert_error_shape(response.json)
    assert api.get("/v1/settings/reporting", key=grobogan.admin).json == settings
    unchanged = api.get(f"/v1/stakeholders/{stakeholder['stakeholder_id']}", key=grobogan.admin).json
    assert unchanged["version"] == stakeholder["version"]


@pytest.mark.parametrize(
    "content_type", ["application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "text/plain"]
)
def test_a_bodyless_post_with_a_form_content_type_is_not_refused_on_run_now(
    api: ApiClient, admin_key: str, content_type: str
) -> None:
    response = api.post("/v1/admin/jobs/rollup/run", key=admin_key, headers={"content-type": content_type})
    assert response.status == 200, response.text


def test_a_post_with_a_body_still_needs_json(tenants: Tenants, api: ApiClient) -> None:
    grobogan = tenants.create(GROBOGAN)
    response = api.post(
        "/v1/reports", body=b"a=1", key=grobogan.admin, headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert response.status == 415
    assert_error_shape(response.json)


# cursors


def _paged_reports(api: ApiClient, key: str, count: int = 3) -> str:
    register_village(api, key, GROBOGAN_VILLAGES[0])
    api.post("/v1/reports", json={"reports": [report() for _ in range(count)]}, key=key)
    cursor = api.get("/v1/reports?limit=1", key=key).json["next_cursor"]
    assert cursor
    return str(cursor)


def test_a_signed_cursor_pages_through_every_report_once(tenants: Tenants, api: ApiClient) -> None:
    grobogan = tenants.create(GROBOGAN)
    register_village(api, grobogan.admin, GROBOGAN_VILLAGES[0])
    sent = [report() for _ in range(5)]
    api.post("/v1/reports", json={"reports": sent}, key=grobogan.admin)
    seen = [item["submission_id"] for page in every_page(api, "/v1/reports?limit=2", grobogan.admin) for item in page]
    assert sorted(seen) == sorted(r["submission_id"] for r in sent)


def _forge(key: dict[str, dict[str, str]]) -> str:
    raw = json.dumps(key, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize(
    "forged",
    [
        # a well-formed key of the tenant's own listing, but not one this service handed out
        {"tenant_id": {"S": "33.15"}, "submission_id": {"S": "x"}, "date_key": {"S": "2026"}},
        # the key of another index, and a key missing the index's attributes
        {"tenant_id": {"S": "33.15"}, "village_key": {"S": "33.15#33.15.01.2001"}, "submission_id": {"S": "x"}},
        {"tenant_id": {"S": "33.15"}},
        {"tenant_id": {"S": "33.15"}, "submission_id": {"S": "x" * 500}, "date_key": {"S": ""}},
    ],
)
def test_a_forged_cursor_answers_400_on_reports_and_keys(
    tenants: Tenants, api: ApiClient, forged: dict[str, dict[str, str]]
) -> None:
    grobogan = tenants.create(GROBOGAN)
    cursor = _forge(forged)
    for path in ("/v1/reports", "/v1/keys", "/v1/villages", "/v1/commitments", "/v1/stakeholders"):
        for suffix in ("", ".AAAAAAAAAAAAAAAAAAAAAA"):
            response = api.get(f"{path}?cursor={cursor}{suffix}", key=grobogan.admin)
            assert response.status == 400, (path, response.text)
            assert response.error_code == "invalid_cursor"
            assert_error_shape(response.json)


def test_a_cursor_is_bound_to_its_route_tenant_and_filters(tenants: Tenants, api: ApiClient) -> None:
    grobogan, pati = tenants.create(GROBOGAN), tenants.create("33.18")
    cursor = _paged_reports(api, grobogan.admin)
    tampered = cursor[:-1] + ("B" if cursor[-1] == "A" else "A")
    assert api.get(f"/v1/reports?limit=1&cursor={cursor}", key=grobogan.admin).status == 200
    assert api.get(f"/v1/reports?limit=1&cursor={cursor}", key=grobogan.viewer).status == 200  # same tenant
    refused = [
        api.get(f"/v1/keys?cursor={cursor}", key=grobogan.admin),  # another route
        api.get(f"/v1/reports?cursor={cursor}", key=pati.admin),  # another tenant
        api.get(f"/v1/reports?type=visits&cursor={cursor}", key=grobogan.admin),  # other filters
        api.get(f"/v1/reports?cursor={tampered}", key=grobogan.admin),  # one character changed
    ]
    for response in refused:
        assert response.status == 400 and response.error_code == "invalid_cursor", response.text
