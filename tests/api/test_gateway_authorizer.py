"""Through the local gateway: the authorizer refuses at the gateway, before the route's view runs, and
the view's own checks stay as the second line (issue 12, item 4)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.api.test_error_contract import assert_error_shape
from tests.factories import GROBOGAN, Tenants
from tests.http_client import ApiClient, ApiResponse


@pytest.fixture
def views_run(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The authorizer contexts that reached a protected route's view (each such view reads one first)."""
    from chalicelib.api import auth, http

    reached: list[str] = []
    real: Callable[..., Any] = auth.principal_from_context

    def spy(context: dict[str, Any] | None) -> Any:
        reached.append(str(((context or {}).get("authorizer") or {}).get("outcome")))
        return real(context)

    monkeypatch.setattr(http, "principal_from_context", spy)
    return reached


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


def test_a_suspended_tenants_keys_are_refused_403_by_the_gateway_on_every_route(
    tenants: Tenants, api: ApiClient, views_run: list[str]
) -> None:
    grobogan = tenants.create(GROBOGAN)
    assert api.post(f"/v1/admin/tenants/{GROBOGAN}/suspend", key=tenants.admin_key).status == 200
    views_run.clear()
    for secret in (grobogan.admin, grobogan.operator, grobogan.viewer):
        _refused(api.get("/v1/tenant", key=secret), 403, "tenant_suspended")
        _refused(api.post("/v1/admin/keys", key=secret, json={}), 403, "tenant_suspended")
    assert views_run == []


def test_a_revoked_key_reaches_the_view_only_to_be_answered_401_key_revoked(
    tenants: Tenants, api: ApiClient, views_run: list[str]
) -> None:
    grobogan = tenants.create(GROBOGAN)
    assert api.delete(f"/v1/keys/{grobogan.key_ids['viewer']}", key=grobogan.admin).status == 204
    views_run.clear()
    _refused(api.get("/v1/villages", key=grobogan.viewer), 401, "key_revoked")
    _refused(api.post("/v1/admin/keys", key=grobogan.viewer, json={}), 401, "key_revoked")
    assert views_run == ["key_revoked", "key_revoked"]


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
