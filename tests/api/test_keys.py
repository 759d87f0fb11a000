"""Issuing, listing and revoking API keys."""

from __future__ import annotations

import datetime as dt

from tests.factories import GROBOGAN, GROBOGAN_VILLAGES, PATI, PATI_VILLAGE, Tenants
from tests.http_client import ApiClient


def test_a_district_admin_issues_keys_of_each_role(tenants: Tenants, api: ApiClient) -> None:
    grobogan = tenants.create(GROBOGAN)
    listed = api.get("/v1/keys", key=grobogan.admin)
    assert listed.status == 200
    roles = sorted(k["role"] for k in listed.json["items"])
    assert roles == ["district_admin", "operator", "viewer"]
    assert all("secret" not in k and "secret_hash" not in k for k in listed.json["items"])
    assert grobogan.admin not in listed.text and grobogan.operator not in listed.text


def test_an_operator_key_is_limited_to_villages_of_the_tenant(tenants: Tenants, api: ApiClient) -> None:
    grobogan = tenants.create(GROBOGAN)
    foreign = api.post(
        "/v1/keys",
        key=grobogan.admin,
        json={"role": "operator", "label": "x", "villages": [GROBOGAN_VILLAGES[0], PATI_VILLAGE]},
    )
    assert foreign.status == 422
    assert [d["field"] for d in foreign.json["error"]["details"]] == ["villages.1"]
    unknown = api.post(
        "/v1/keys", key=grobogan.admin, json={"role": "operator", "label": "x", "villages": ["33.15.01.9999"]}
    )
    assert unknown.status == 422
    empty = api.post("/v1/keys", key=grobogan.admin, json={"role": "operator", "label": "x"})
    assert empty.status == 422
    viewer_with_villages = api.post(
        "/v1/keys", key=grobogan.admin, json={"role": "viewer", "label": "x", "villages": [GROBOGAN_VILLAGES[0]]}
    )
    assert viewer_with_villages.status == 422


def test_every_problem_of_a_key_asked_for_comes_in_one_refusal_with_codes(tenants: Tenants, api: ApiClient) -> None:
    grobogan = tenants.create(GROBOGAN)
    before = len(api.get("/v1/keys", key=grobogan.admin).json["items"])
    body = {"role": "operator", "label": "x", "expires_at": "2020-06-30T16:59:59Z"}  # no villages, and long past
    refused = api.post("/v1/keys", key=grobogan.admin, json=body)
    assert refused.status == 422
    problems = [(d["field"], d["code"]) for d in refused.json["error"]["details"]]
    assert problems == [("villages", "required"), ("expires_at", "in_past")]
    assert "villages" in refused.json["error"]["message"] and "expires_at" in refused.json["error"]["message"]

    too_far = api.post(
        "/v1/keys", key=grobogan.admin, json={"role": "viewer", "label": "x", "expires_at": "2099-01-01T00:00:00Z"}
    )
    (detail,) = too_far.json["error"]["details"]
    assert (too_far.status, detail["field"], detail["code"], detail["params"]["years"]) == (
        422,
        "expires_at",
        "too_far_ahead",
        2,
    )
    latest = dt.date.fromisoformat(detail["params"]["latest"])
    assert dt.timedelta(days=730) <= latest - dt.datetime.now(dt.UTC).date() <= dt.timedelta(days=731)
    assert len(api.get("/v1/keys", key=grobogan.admin).json["items"]) == before, "no key was made"


def test_a_tenant_cannot_issue_national_or_platform_keys(tenants: Tenants, api: ApiClient) -> None:
    grobogan = tenants.create(GROBOGAN)
    for role in ("platform_admin", "national_viewer", "superuser"):
        response = api.post("/v1/keys", key=grobogan.admin, json={"role": role, "label": "x"})
        assert response.status == 422, role


def test_only_a_district_admin_manages_keys(tenants: Tenants, api: ApiClient) -> None:
    grobogan = tenants.create(GROBOGAN)
    for secret in (grobogan.operator, grobogan.viewer, tenants.admin_key):
        assert api.post("/v1/keys", key=secret, json={"role": "viewer", "label": "x"}).status == 403
        assert api.get("/v1/keys", key=secret).status == 403
        assert api.delete(f"/v1/keys/{grobogan.key_ids['viewer']}", key=secret).status == 403


def test_a_revoked_key_is_refused_by_the_gateway_on_the_next_request(
    tenants: Tenants, api: ApiClient, views_run: list[str]
) -> None:
    grobogan = tenants.create(GROBOGAN)
    assert api.get("/v1/tenant", key=grobogan.viewer).status == 200
    assert api.delete(f"/v1/keys/{grobogan.key_ids['viewer']}", key=grobogan.admin).status == 204
    views_run.clear()
    refused = api.get("/v1/tenant", key=grobogan.viewer)
    assert (refused.status, refused.error_code) == (401, "unauthenticated")
    assert views_run == []
    assert grobogan.key_ids["viewer"] not in api.get("/v1/keys", key=grobogan.admin).text


def test_another_tenants_key_cannot_be_revoked_and_looks_missing(tenants: Tenants, api: ApiClient) -> None:
    grobogan = tenants.create(GROBOGAN)
    pati = tenants.create(PATI)
    foreign_id = pati.key_ids["viewer"]
    response = api.delete(f"/v1/keys/{foreign_id}", key=grobogan.admin)
    missing = api.delete("/v1/keys/0000000000000000", key=grobogan.admin)
    assert response.status == missing.status == 404
    assert response.text.replace(foreign_id, "ID") == missing.text.replace("0000000000000000", "ID")
    assert api.get("/v1/tenant", key=pati.viewer).status == 200


def test_the_platform_admin_issues_national_viewer_keys(tenants: Tenants, api: ApiClient) -> None:
    national = tenants.national_viewer()
    assert api.get("/v1/tenant", key=national).status == 403  # it belongs to no regency office
    assert api.get("/v1/admin/tenants", key=national).status == 403


def test_the_platform_admin_can_replace_a_lost_district_admin_key(tenants: Tenants, api: ApiClient) -> None:
    tenants.create(GROBOGAN)
    issued = api.post(
        "/v1/admin/keys",
        key=tenants.admin_key,
        json={"role": "district_admin", "label": "replacement", "tenant_id": GROBOGAN},
    )
    assert issued.status == 201
    assert api.get("/v1/keys", key=issued.json["secret"]).status == 200
    unknown = api.post(
        "/v1/admin/keys", key=tenants.admin_key, json={"role": "district_admin", "label": "x", "tenant_id": PATI}
    )
    assert unknown.status == 422


def test_secrets_are_stored_only_as_hashes(tenants: Tenants, api: ApiClient) -> None:
    import boto3

    grobogan = tenants.create(GROBOGAN)
    from chalicelib.config import get_settings

    items = boto3.client("dynamodb").scan(TableName=get_settings().table_name("api_keys"))["Items"]
    dump = str(items)
    for secret in (grobogan.admin, grobogan.operator, grobogan.viewer, tenants.admin_key):
        assert secret not in dump
