"""Authentication: from a bearer token to a Principal, or the reason there is none."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from chalicelib.clock import utcnow
from chalicelib.domain.keys import USE_RECORDED_EVERY, KeyStatus, key_id_of
from chalicelib.domain.principal import Principal
from chalicelib.domain.tenants import TenantStatus
from chalicelib.stores import platform


class AuthOutcome(StrEnum):
    """How an authentication attempt ended."""

    OK = "ok"
    INVALID = "invalid"  # missing, malformed or unknown key
    REVOKED = "key_revoked"  # the secret of a revoked key (or of a rotated one after its grace)
    EXPIRED = "key_expired"  # the secret of a key past its expiry
    TENANT_INACTIVE = "tenant_inactive"  # a valid key of a suspended (or vanished) tenant


@dataclass(frozen=True)
class AuthResult:
    """The outcome, and the principal when it is OK."""

    outcome: AuthOutcome
    principal: Principal | None = None
    last_used_at: datetime | None = None


def bearer_secret(header: str | None) -> str | None:
    """The secret in an `Authorization: Bearer <secret>` header value."""
    if not header:
        return None
    scheme, _, secret = header.strip().partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret or len(secret) > 512:
        return None
    return secret


def authenticate(header: str | None, *, now: datetime | None = None) -> AuthResult:
    """Check a bearer header against the stored keys and the tenant's status. Only the holder of a
    key's secret learns that the key is revoked or expired; anyone else sees an unknown key."""
    secret = bearer_secret(header)
    if secret is None:
        return AuthResult(AuthOutcome.INVALID)
    stores = platform()
    key = stores.keys.find(key_id_of(secret))
    if key is None or not key.matches(secret):
        return AuthResult(AuthOutcome.INVALID)
    status = key.status(now=now or utcnow())
    if status is not KeyStatus.ACTIVE:
        return AuthResult(AuthOutcome.REVOKED if status is KeyStatus.REVOKED else AuthOutcome.EXPIRED)
    if key.tenant_id is not None:
        tenant = stores.tenants.get(key.tenant_id)
        if tenant is None or tenant.status is not TenantStatus.ACTIVE:
            return AuthResult(AuthOutcome.TENANT_INACTIVE)
    return AuthResult(AuthOutcome.OK, key.principal(), key.last_used_at)


def record_use(key_id: str, *, last_used_at: datetime | None, now: datetime | None = None) -> None:
    """Note that a key was used: at most one write a minute per key (cost), never one per request."""
    now = now or utcnow()
    if last_used_at is None or now - last_used_at >= USE_RECORDED_EVERY:
        platform().keys.record_use(key_id, now=now)
