"""The API-key authorizer (Chalice's built-in authorizer) and the caller it hands to the views.

The authorizer refuses at the gateway what it can: a missing, malformed, unknown, revoked or expired
key fails it with `Unauthorized` (API Gateway's UNAUTHORIZED response, 401 `unauthenticated`: one
answer for all of them, so a caller is not told whether a secret once existed); a key of a suspended
tenant gets a Deny policy (ACCESS_DENIED, 403 `tenant_suspended`); an active key gets a policy that
allows exactly the routes its role may call (chalicelib/api/routes.py), so any other route is 403
`forbidden` before the route's Lambda runs. The policy does not depend on the route of the request,
so it stays right if API Gateway caches it per token. The views check the outcome and the role again
(second line: an ended key that reached a view would still be refused 401). Its result is never
cached (ttl 0): a revoked key or a suspended tenant is refused from the next request on. The view,
not the authorizer, records a key's last use (at most once a minute): the authorizer only reads.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from chalice.app import AuthRequest, Blueprint

from chalicelib.api.routes import resources_of
from chalicelib.domain.principal import Principal, Role
from chalicelib.errors import (
    NotAuthenticatedError,
    PermissionDeniedError,
    ServiceUnavailableError,
    TenantSuspendedError,
    is_throttling,
)
from chalicelib.lazy import lazy_import
from chalicelib.observability import logger

if TYPE_CHECKING:
    from chalicelib.services import auth as auth_service
else:
    auth_service = lazy_import("chalicelib.services.auth")
OK, TENANT_INACTIVE = "ok", "tenant_inactive"  # the AuthOutcome values the views act on
KEY_ENDED = {"key_revoked": "this key has been revoked", "key_expired": "this key has expired"}
UNAVAILABLE = "unavailable"  # the key store was throttling: the view answers 503, never a gateway 500
SUSPENDED_MESSAGE = "this regency office is suspended or not approved"
ROLE_REFUSED = "this key's role may not call this route"

auth_bp = Blueprint(__name__)


class Unauthorized(Exception):
    """Fails the authorizer so that API Gateway answers 401 (its UNAUTHORIZED gateway response):
    the gateway recognises exactly this message."""

    def __init__(self) -> None:
        super().__init__("Unauthorized")


def policy(method_arn: str, *, allow: list[str], principal_id: str, context: dict[str, Any]) -> dict[str, Any]:
    """An authorizer answer: Allow on the routes `allow` (ARN tails, `GET/v1/villages/*`) of the API and
    stage of `method_arn`, or, when `allow` is empty, Deny on all of them."""
    head, _, tail = method_arn.partition("/")
    stage = tail.split("/", 1)[0]
    statement: dict[str, Any] = {"Action": "execute-api:Invoke", "Effect": "Allow" if allow else "Deny"}
    statement["Resource"] = [f"{head}/{stage}/{route}" for route in allow] if allow else [f"{head}/{stage}/*"]
    return {
        "principalId": principal_id,
        "policyDocument": {"Version": "2012-10-17", "Statement": [statement]},
        "context": context,
    }


@auth_bp.authorizer(ttl_seconds=0)
def bearer_auth(auth_request: AuthRequest) -> dict[str, Any]:
    """Authenticate `Authorization: Bearer <secret>` and name the routes the key may call.

    A throttled key lookup must not fail the authorizer (API Gateway would answer its own 500):
    it lets the request through marked unavailable, and the view refuses it with 503 and Retry-After."""
    arn = auth_request.method_arn
    try:
        result = auth_service.authenticate(auth_request.token)
    except Exception as exc:
        if not is_throttling(exc):
            raise
        logger.warning("key store throttled the authorizer after retries", extra={"error": type(exc).__name__})
        return policy(arn, allow=resources_of(None), principal_id="anonymous", context={"outcome": UNAVAILABLE})
    outcome = result.outcome.value
    principal = result.principal
    if outcome == TENANT_INACTIVE:
        context = {"outcome": outcome, "code": TenantSuspendedError.code, "message": SUSPENDED_MESSAGE}
        return policy(arn, allow=[], principal_id="anonymous", context=context)
    if outcome != OK or principal is None:
        raise Unauthorized
    context = {
        "outcome": outcome,
        "code": PermissionDeniedError.code,
        "message": ROLE_REFUSED,
        "key_id": principal.key_id,
        "role": principal.role.value,
        "tenant_id": principal.tenant_id or "",
        "villages": ",".join(sorted(principal.villages)),
        "last_used_at": result.last_used_at.isoformat() if result.last_used_at else "",
    }
    return policy(arn, allow=resources_of(principal.role), principal_id=principal.key_id, context=context)


def principal_from_context(context: dict[str, Any] | None) -> Principal:
    """The caller, from the authorizer's context; refuses unauthenticated and suspended callers."""
    authorizer = (context or {}).get("authorizer") or {}
    outcome = authorizer.get("outcome")
    if outcome == UNAVAILABLE:
        raise ServiceUnavailableError("the service is busy; retry shortly")
    if outcome == TENANT_INACTIVE:
        raise TenantSuspendedError(SUSPENDED_MESSAGE)
    if outcome in KEY_ENDED:
        raise NotAuthenticatedError(f"{KEY_ENDED[outcome]}; ask your administrator for a new one", code=outcome)
    if outcome != OK:
        raise NotAuthenticatedError("a valid API key is required: Authorization: Bearer <secret>")
    villages = authorizer.get("villages") or ""
    principal = Principal(
        key_id=authorizer["key_id"],
        role=Role(authorizer["role"]),
        tenant_id=authorizer.get("tenant_id") or None,
        villages=frozenset(v for v in villages.split(",") if v),
    )
    _record_use(principal.key_id, authorizer.get("last_used_at") or "")
    return principal


def _record_use(key_id: str, last_used: str) -> None:
    """Note the key's use; a failure here never refuses the request it belongs to."""
    try:
        auth_service.record_use(key_id, last_used_at=datetime.fromisoformat(last_used) if last_used else None)
    except Exception as exc:
        logger.warning("could not record a key's last use", extra={"error": type(exc).__name__})
