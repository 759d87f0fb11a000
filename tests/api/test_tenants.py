"""Sign-up, approval, suspension and the tenant profile, over the API."""

from __future__ import annotations

from tests.factories import GROBOGAN, PATI, Tenants, every_page, signup_payload
from tests.http_client import ApiClient


def test_an_unknown_or_non_regency_code_is_refused(api: ApiClient, admin_key: str) -> None:
    for code in ["33.99", "33.15.01", "33"]:
        response = api.post("/v1/signup", json=signup_payload(code))
        assert response.status == 422, code
        assert response.json["error"]["details"][0]["field"] == "regency_code"
    assert api.get("/v1/admin/tenants", key=admin_key).json["items"] == []
    assert api.get("/v1/admin/signups", key=admin_key).json["items"] == []


def test_a_bad_email_is_refused_with_its_field_named(api: ApiClient) -> None:
    response = api.post("/v1/signup", json=signup_payload(GROBOGAN, contact_email="not-an-email"))
    assert response.status == 422
    assert [d["field"] for d in response.json["error"]["details"]] == ["contact_email"]


def test_approval_returns_the_first_admin_key_once(api: ApiClient, admin_key: str) -> None:
    api.post("/v1/signup", json=signup_payload(GROBOGAN))
    approved = api.post(f"/v1/admin/tenants/{GROBOGAN}/approve", key=admin_key)
    assert approved.status == 200
    assert approved.headers["cache-control"] == "no-store"  # it carries a secret
    assert approved.json["tenant"]["status"] == "active"
    secret = approved.json["admin_key"]["secret"]
    assert approved.json["admin_key"]["role"] == "district_admin"
    profile = api.get("/v1/tenant", key=secret)
    assert profile.status == 200
    assert profile.json["tenant"]["tenant_id"] == GROBOGAN
    again = api.post(f"/v1/admin/tenants/{GROBOGAN}/approve", key=admin_key)
    assert again.status == 409


def test_approving_an_unknown_tenant_is_not_found(api: ApiClient, admin_key: str) -> None:
    assert api.post("/v1/admin/tenants/33.15/approve", key=admin_key).status == 404


def test_a_suspended_tenant_is_refused_on_every_key_until_approved_again(tenants: Tenants, api: ApiClient) -> None:
    grobogan = tenants.create(GROBOGAN)
    suspended = api.post(f"/v1/admin/tenants/{GROBOGAN}/suspend", key=tenants.admin_key)
    assert suspended.status == 200
    assert suspended.json["tenant"]["status"] == "suspended"
    for secret in (grobogan.admin, grobogan.operator, grobogan.viewer):
        response = api.get("/v1/tenant", key=secret)
        assert response.status == 403
        assert response.error_code == "tenant_suspended"
    restored = api.post(f"/v1/admin/tenants/{GROBOGAN}/approve", key=tenants.admin_key)
    assert restored.status == 200
    assert restored.json["admin_key"] is None  # the old keys work again; no new key is minted
    assert api.get("/v1/tenant", key=grobogan.viewer).status == 200


def test_a_regency_with_only_a_pending_application_has_no_tenant_to_suspend(api: ApiClient, admin_key: str) -> None:
    api.post("/v1/signup", json=signup_payload(GROBOGAN))
    response = api.post(f"/v1/admin/tenants/{GROBOGAN}/suspend", key=admin_key)
    assert response.status == 404
    assert api.get("/v1/admin/tenants", key=admin_key).json["items"] == []


def test_only_the_platform_admin_manages_tenants(tenants: Tenants, api: ApiClient) -> None:
    grobogan = tenants.create(GROBOGAN)
    national = tenants.national_viewer()
    for secret in (grobogan.admin, grobogan.operator, grobogan.viewer, national):
        assert api.get("/v1/admin/tenants", key=secret).status == 403
        assert api.post(f"/v1/admin/tenants/{GROBOGAN}/suspend", key=secret).status == 403


def test_the_tenant_list_pages_with_a_cursor(api: ApiClient, admin_key: str) -> None:
    codes = [GROBOGAN, PATI, "13.07", "13.72"]
    for code in codes:
        api.post("/v1/signup", json=signup_payload(code))
        assert api.post(f"/v1/admin/tenants/{code}/approve", key=admin_key).status == 200
    pages = every_page(api, "/v1/admin/tenants?status=active&limit=3", admin_key)
    seen = [t["tenant_id"] for page in pages for t in page]
    assert seen == sorted(codes)


def test_the_tenant_id_comes_from_the_key_not_from_the_request(tenants: Tenants, api: ApiClient) -> None:
    grobogan = tenants.create(GROBOGAN)
    tenants.create(PATI)
    response = api.get(f"/v1/tenant?tenant_id={PATI}", key=grobogan.viewer)
    assert response.status == 422  # unknown parameters are refused, never obeyed
    assert api.get("/v1/tenant", key=grobogan.viewer).json["tenant"]["tenant_id"] == GROBOGAN
