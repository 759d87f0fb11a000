"""The authorizer's answers as API Gateway reads them: who is refused at the gateway, and which routes
a key's policy names (issue 12, item 4). The key store is replaced by a stub: no AWS here."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from chalice.app import AuthRequest
from chalice.local import ARNMatcher

from app import app
from chalicelib.api import auth
from chalicelib.api.gateway_responses import GATEWAY_RESPONSES
from chalicelib.api.routes import ENDPOINTS, Endpoint
from chalicelib.domain.principal import Principal, Role
from chalicelib.errors import NotAuthenticatedError, ServiceUnavailableError
from chalicelib.services.auth import AuthOutcome, AuthResult

STAGE = "arn:aws:execute-api:ap-southeast-3:123456789012:abcdef1234/prod"
PROTECTED = [e for e in ENDPOINTS if not e.public]


def _arn(method: str, path: str) -> str:
    return f"{STAGE}/{method}/{path.lstrip('/')}"


def _concrete(endpoint: Endpoint) -> str:
    """The ARN of a request to the route, with a value in each path parameter."""
    return _arn(endpoint.method, re.sub(r"\{[^}]+\}", "3315010001", endpoint.path))


def _answer(monkeypatch: pytest.MonkeyPatch, result: AuthResult | Exception, method_arn: str) -> dict[str, Any]:
    class Store:
        @staticmethod
        def authenticate(token: str) -> AuthResult:
            if isinstance(result, Exception):
                raise result
            return result

    monkeypatch.setattr(auth, "auth_service", Store)
    answer: dict[str, Any] = auth.bearer_auth.func(AuthRequest("TOKEN", "Bearer tpbis_x", method_arn))
    return answer


def _permits(answer: dict[str, Any], arn: str) -> bool:
    """API Gateway's reading of the policy: an explicit Deny wins, else an Allow must name the ARN."""
    statements = answer["policyDocument"]["Statement"]
    matching = [s for s in statements if ARNMatcher(arn).does_any_resource_match(s["Resource"])]
    return bool(matching) and all(s["Effect"] == "Allow" for s in matching)


def _ok(role: Role) -> AuthResult:
    tenant = None if role in (Role.PLATFORM_ADMIN, Role.NATIONAL_VIEWER) else "33.15"
    principal = Principal(key_id="k1", role=role, tenant_id=tenant, villages=frozenset({"3315010001"}))
    return AuthResult(AuthOutcome.OK, principal)


@pytest.mark.parametrize("role", list(Role))
def test_an_active_keys_policy_allows_exactly_the_routes_its_role_is_declared_for(
    monkeypatch: pytest.MonkeyPatch, role: Role
) -> None:
    answer = _answer(monkeypatch, _ok(role), _arn("GET", "/v1/me"))
    allowed = {(e.method, e.path) for e in PROTECTED if _permits(answer, _concrete(e))}
    assert allowed == {(e.method, e.path) for e in PROTECTED if not e.roles or role in e.roles}
    assert answer["principalId"] == "k1"
    assert answer["context"]["role"] == role.value and answer["context"]["outcome"] == "ok"


def test_a_viewer_is_refused_admin_routes_and_allowed_its_reads() -> None:
    viewer = {(e.method, e.path) for e in PROTECTED if e.allows(Role.VIEWER)}
    assert ("GET", "/v1/villages") in viewer and ("GET", "/v1/reports/{submission_id}") in viewer
    assert not {("POST", "/v1/admin/keys"), ("POST", "/v1/reports"), ("PUT", "/v1/villages/{village_code}")} & viewer


@pytest.mark.parametrize("requested", [_arn("GET", "/v1/me"), _arn("POST", "/v1/admin/keys"), _arn("GET", "/v1/x/y")])
def test_the_policy_does_not_depend_on_the_route_requested_so_a_cached_one_stays_right(
    monkeypatch: pytest.MonkeyPatch, requested: str
) -> None:
    first = _answer(monkeypatch, _ok(Role.OPERATOR), _arn("GET", "/v1/villages"))
    assert _answer(monkeypatch, _ok(Role.OPERATOR), requested) == first


def test_the_policy_names_the_api_and_stage_of_the_request_only(monkeypatch: pytest.MonkeyPatch) -> None:
    answer = _answer(monkeypatch, _ok(Role.PLATFORM_ADMIN), _arn("GET", "/v1/me"))
    (statement,) = answer["policyDocument"]["Statement"]
    assert statement["Action"] == "execute-api:Invoke" and statement["Effect"] == "Allow"
    assert all(r.startswith(f"{STAGE}/") and "{" not in r for r in statement["Resource"])
    assert not _permits(answer, "arn:aws:execute-api:ap-southeast-3:123456789012:abcdef1234/dev/GET/v1/me")


def test_no_policy_names_a_public_route(monkeypatch: pytest.MonkeyPatch) -> None:
    answer = _answer(monkeypatch, _ok(Role.PLATFORM_ADMIN), _arn("GET", "/v1/me"))
    assert not any(_permits(answer, _concrete(e)) for e in ENDPOINTS if e.public)


@pytest.mark.parametrize("outcome", [AuthOutcome.INVALID, AuthOutcome.REVOKED, AuthOutcome.EXPIRED])
def test_an_unknown_malformed_revoked_or_expired_key_fails_the_authorizer_with_the_gateways_unauthorized(
    monkeypatch: pytest.MonkeyPatch, outcome: AuthOutcome
) -> None:
    with pytest.raises(auth.Unauthorized) as raised:
        _answer(monkeypatch, AuthResult(outcome), _arn("GET", "/v1/me"))
    assert str(raised.value) == "Unauthorized"  # the one message API Gateway maps to 401


def test_a_suspended_tenants_key_is_denied_every_route_with_the_tenant_suspended_code(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    answer = _answer(monkeypatch, AuthResult(AuthOutcome.TENANT_INACTIVE), _arn("GET", "/v1/me"))
    assert answer["policyDocument"]["Statement"] == [
        {"Action": "execute-api:Invoke", "Effect": "Deny", "Resource": [f"{STAGE}/*"]}
    ]
    assert not any(_permits(answer, _concrete(e)) for e in PROTECTED)
    body = GATEWAY_RESPONSES["ACCESS_DENIED"].render(answer["context"])
    assert GATEWAY_RESPONSES["ACCESS_DENIED"].status == 403
    assert body == (
        '{"error": {"code": "tenant_suspended", "message": "this regency office is suspended or not approved", '
        '"details": []}}'
    )


def test_a_role_refusal_at_the_gateway_keeps_the_forbidden_code(monkeypatch: pytest.MonkeyPatch) -> None:
    answer = _answer(monkeypatch, _ok(Role.VIEWER), _arn("POST", "/v1/admin/keys"))
    assert not _permits(answer, _arn("POST", "/v1/admin/keys"))
    assert '"code": "forbidden"' in GATEWAY_RESPONSES["ACCESS_DENIED"].render(answer["context"])


def test_the_gateways_401_names_every_key_it_refuses_and_what_to_do() -> None:
    unauthorized = GATEWAY_RESPONSES["UNAUTHORIZED"]
    assert (unauthorized.status, unauthorized.code) == (401, "unauthenticated")
    assert all(word in unauthorized.message for word in ("Bearer", "unknown", "revoked", "expired", "administrator"))


@pytest.mark.parametrize(
    ("outcome", "message"),
    [("key_revoked", "this key has been revoked"), ("key_expired", "this key has expired")],
)
def test_the_view_still_refuses_an_ended_key_that_reached_it_as_the_second_line(outcome: str, message: str) -> None:
    with pytest.raises(NotAuthenticatedError) as raised:
        auth.principal_from_context({"authorizer": {"outcome": outcome, "key_id": "k1", "role": "viewer"}})
    assert raised.value.code == outcome
    assert str(raised.value).startswith(message)


def test_a_throttled_key_store_lets_the_request_through_marked_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    answer = _answer(monkeypatch, ServiceUnavailableError("busy"), _arn("GET", "/v1/me"))
    assert answer["context"] == {"outcome": "unavailable"}
    assert _permits(answer, _arn("GET", "/v1/me"))


def test_another_authorizer_failure_is_not_turned_into_a_refusal(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(KeyError):
        _answer(monkeypatch, KeyError("boom"), _arn("GET", "/v1/me"))


def test_every_route_behind_the_authorizer_is_a_declared_endpoint_with_its_roles() -> None:
    guarded = {
        (method, path)
        for path, methods in app.routes.items()
        for method, entry in methods.items()
        if entry.authorizer is not None
    }
    assert guarded == {(e.method, e.path) for e in PROTECTED}


def test_a_gateway_template_without_the_variable_in_the_context_renders_it_empty() -> None:
    render: Callable[[dict[str, Any]], str] = GATEWAY_RESPONSES["ACCESS_DENIED"].render
    assert render({}) == '{"error": {"code": "", "message": "", "details": []}}'
    assert GATEWAY_RESPONSES["UNAUTHORIZED"].render({"code": "x"}) == GATEWAY_RESPONSES["UNAUTHORIZED"].body()
