"""The API-key authorizer (Chalice's built-in authorizer) and the caller it hands to the views.

The authorizer only authenticates: it always lets the request through to the view, with the
outcome in its context, so that refusals (401 for a bad, revoked or expired key, 403 for a suspended
tenant) come from the view in the service's one error shape. Its result is never cached (ttl 0): a
revoked key or a suspended tenant is refused from the next request on. The view, not the
authorizer, records a key's last use (at most once a minute): the authorizer only reads.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalice.app import AuthRequest, AuthResponse, Blueprint

from chalicelib.domain.principal import Principal, Role
from chalicelib.errors import NotAuthenticatedError, ServiceUnavailableError, TenantSuspendedError, is_throttling
from chalicelib.lazy import lazy_import
from chalicelib.observability import logger

auth_service = lazy_import("chalicelib.services.auth")
OK, TENANT_INACTIVE = "ok", "tenant_inactive"  # the AuthOutcome values the views act on
KEY_ENDED = {"key_revoked": "this key has been revoked", "key_expired": "this key has expired"}
UNAVAILABLE = "unavailable"  # the key store was throttling: the view answers 503, never a gateway 500

auth_bp = Blueprint(__name__)


@auth_bp.authorizer(ttl_seconds=0)
def bearer_auth(auth_request: AuthRequest) -> AuthResponse:
    """Authenticate `Authorization: Bearer <secret>`.

    A throttled key lookup must not fail the authorizer (API Gateway would answer its own 500):
    it lets the request through marked unavailable, and the view refuses it with 503 and Retry-After."""
    try:
        result = auth_service.authenticate(auth_request.token)
    except Exception as exc:
        if not is_throttling(exc):
            raise
        logger.warning("key store throttled the authorizer after retries", extra={"error": type(exc).__name__})
        return AuthResponse(routes=["*"], principal_id="anonymous", context={"outcome": UNAVAILABLE})
    context: dict[str, Any] = {"outcome": result.outcome.value}
    principal = result.principal
    if principal is not None:
        context.update(
            key_id=principal.key_id,
            role=principal.role.value,
            tenant_id=principal.tenant_id or "",
            villages=",".join(sorted(principal.villages)),
            last_used_at=result.last_used_at.isoformat() if result.last_used_at else "",
        )
    return AuthResponse(routes=["*"], principal_id=principal.key_id if principal else "anonymous", context=context)


def principal_from_context(context: dict[str, Any] | None) -> Principal:
    """The caller, from the authorizer's context; refuses unauthenticated and suspended callers."""
    authorizer = (context or {}).get("authorizer") or {}
    outcome = authorizer.get("outcome")
    if outcome == UNAVAILABLE:
        raise ServiceUnavailableError("the service is busy; retry shortly")
    if outcome == TENANT_INACTIVE:
        raise TenantSuspendedError("this regency office is suspended or not approved")
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
