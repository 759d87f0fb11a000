"""Authentication: from a bearer token to a Principal, or the reason there is none."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from chalicelib.domain.keys import key_id_of
from chalicelib.domain.principal import Principal
from chalicelib.domain.tenants import TenantStatus
from chalicelib.repositories.keys import find_key
from chalicelib.repositories.tenants import TenantRepository


class AuthOutcome(StrEnum):
    """How an authentication attempt ended."""

    OK = "ok"
    INVALID = "invalid"  # missing, malformed, unknown or revoked key
    TENANT_INACTIVE = "tenant_inactive"  # a valid key of a suspended (or vanished) tenant


@dataclass(frozen=True)
class AuthResult:
    """The outcome, and the principal when it is OK."""

    outcome: AuthOutcome
    principal: Principal | None = None


def bearer_secret(header: str | None) -> str | None:
    """The secret in an `Authorization: Bearer <secret>` header value."""
    if not header:
        return None
    scheme, _, secret = header.strip().partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret or len(secret) > 512:
        return None
    return secret


def authenticate(header: str | None, *, tenants: TenantRepository | None = None) -> AuthResult:
    """Check a bearer header against the stored keys and the tenant's status."""
    secret = bearer_secret(header)
    if secret is None:
        return AuthResult(AuthOutcome.INVALID)
    key = find_key(key_id_of(secret))
    if key is None or key.revoked_at is not None or not key.matches(secret):
        return AuthResult(AuthOutcome.INVALID)
    if key.tenant_id is not None:
        tenant = (tenants or TenantRepository()).get(key.tenant_id)
        if tenant is None or tenant.status is not TenantStatus.ACTIVE:
            return AuthResult(AuthOutcome.TENANT_INACTIVE)
    return AuthResult(AuthOutcome.OK, key.principal())
