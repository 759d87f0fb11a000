"""Through the local gateway: the authorizer refuses at the gateway, before the route's view runs, and
the view's own checks stay as the second line (issue 12, item 4)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from tests.api.test_error_contract import assert_error_shape
from tests.factories import GROBOGAN, TenantKeys, Tenants
from tests.http_client import ApiClient, ApiResponse


def _refused(response: ApiResponse, status: int, code: str) -> None:
    assert (response.status, response.error_code) == (status, code), response.text
    assert_error_shape(response.json)


def test_a_viewer_key_on_an_admin_route_is_refused_403_by_the_gateway(
    tenants: Tenants, api: ApiClient, views_run: list[str]
) -> None:
    grobogan = tenants.create(GROBOGAN)
    views_run.clear()
    _refused(api.post("/v1/admin/keys", key=grobogan.viewer, json={"role": "national_viewer"}), 403, "forbidden")
    _refused(api.post("/v1/keys", key=grobogan.viewer, json={"role": "viewer"}), 403, "forbidden")
    _refused(api.get("/v1/national/indicators?period=2026-Q4", key=grobogan.admin), 403, "forbidden")
    assert views_run == []
    assert api.get("/v1/villages", key=grobogan.viewer).status == 200
    assert views_run == ["ok"]


def test_an_unknown_or_malformed_key_is_refused_401_by_the_gateway(api: ApiClient, views_run: list[str]) -> None:
    for header in ("Bearer tpbis_notakey_at_all", "Basic dXNlcjpwYXNz", "Bearer "):
        response = api.get("/v1/me", headers={"authorization": header})
        _refused(response, 401, "unauthenticated")
    _refused(api.get("/v1/me"), 401, "unauthenticated")
    assert views_run == []


def _suspend_the_tenant(tenants: Tenants, api: ApiClient, grobogan: TenantKeys) -> tuple[str, ...]:
    assert api.post(f"/v1/admin/tenants/{GROBOGAN}/suspend", key=tenants.admin_key).status == 200
    return (grobogan.admin, grobogan.operator, grobogan.viewer)


def _revoke_the_viewer(tenants: Tenants, api: ApiClient, grobogan: TenantKeys) -> tuple[str, ...]:
    assert api.delete(f"/v1/keys/{grobogan.key_ids['viewer']}", key=grobogan.admin).status == 204
    return (grobogan.viewer,)


def _issue_an_expired_key(tenants: Tenants, api: ApiClient, grobogan: TenantKeys) -> tuple[str, ...]:
    from chalicelib.clock import utcnow
    from chalicelib.domain.keys import KeyData
    from chalicelib.domain.principal import Principal, Role
    from chalicelib.services.keys import create_tenant_key

    admin = Principal(key_id=grobogan.key_ids["admin"], role=Role.DISTRICT_ADMIN, tenant_id=GROBOGAN)
    then = utcnow() - timedelta(days=2)
    data = KeyData(role=Role.VIEWER, label="old", expires_at=then + timedelta(days=1))
    return (create_tenant_key(principal=admin, data=data, now=then).secret,)


@pytest.mark.parametrize(
    ("end_keys", "status", "code"),
    [
        (_suspend_the_tenant, 403, "tenant_suspended"),
        (_revoke_the_viewer, 401, "unauthenticated"),
        (_issue_an_expired_key, 401, "unauthenticated"),
    ],
    ids=["suspended tenant", "revoked key", "expired key"],
)
def test_a_key_that_may_no_longer_call_is_refused_by_the_gateway_on_every_route(
    tenants: Tenants,
    api: ApiClient,
    views_run: list[str],
    end_keys: Callable[[Tenants, ApiClient, TenantKeys], tuple[str, ...]],
    status: int,
    code: str,
) -> None:
    secrets = end_keys(tenants, api, tenants.create(GROBOGAN))
    views_run.clear()
    for secret in secrets:
        _refused(api.get("/v1/tenant", key=secret), status, code)
        _refused(api.get("/v1/villages", key=secret), status, code)
        _refused(api.post("/v1/admin/keys", key=secret, json={}), status, code)
    assert views_run == []


def test_an_ended_keys_401_says_what_the_caller_needs_and_not_whether_the_secret_existed(
    tenants: Tenants, api: ApiClient
) -> None:
    grobogan = tenants.create(GROBOGAN)
    _revoke_the_viewer(tenants, api, grobogan)
    revoked = api.get("/v1/villages", key=grobogan.viewer)
    unknown = api.get("/v1/villages", key="tpbis_notakey_at_all")
    assert revoked.status == unknown.status == 401 and revoked.json == unknown.json
    assert "revoked or expired: ask your administrator for a new one" in revoked.json["error"]["message"]


def test_the_view_still_refuses_a_role_the_route_does_not_declare_when_the_gateway_lets_it_through(
    tenants: Tenants, api: ApiClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.api import auth, routes

    grobogan = tenants.create(GROBOGAN)
    every_route = routes.resources_of(None)
    monkeypatch.setattr(auth, "resources_of", lambda role: every_route)  # a gateway that allowed every route
    refused = api.post("/v1/admin/keys", key=grobogan.viewer, json={"role": "national_viewer"})
    _refused(refused, 403, "forbidden")
    assert refused.json["error"]["message"] == "this action needs one of the roles: platform_admin"
