"""API keys: issuing, listing and revoking, and the platform's bootstrap key."""

from __future__ import annotations

from datetime import datetime

from chalicelib import areas
from chalicelib.clock import utcnow
from chalicelib.domain.keys import (
    NATIONAL_OWNER,
    ApiKey,
    IssuedKey,
    KeyData,
    hash_secret,
    key_id_of,
    new_key_id,
    new_secret,
)
from chalicelib.domain.principal import TENANT_ROLES, Principal, Role
from chalicelib.errors import FieldProblem, InvalidInputError
from chalicelib.repositories.keys import KeyRepository, put_key
from chalicelib.repositories.tenants import TenantRepository


def build_key(
    *, owner: str, role: Role, label: str, villages: tuple[str, ...], created_by: str | None, now: datetime
) -> IssuedKey:
    """A new key and its secret (not stored yet)."""
    key_id = new_key_id()
    secret = new_secret(key_id)
    key = ApiKey(
        key_id=key_id,
        owner=owner,
        role=role,
        label=label,
        villages=villages,
        secret_hash=hash_secret(secret),
        created_at=now,
        created_by=created_by,
    )
    return IssuedKey(key=key, secret=secret)


def _check_villages(tenant_id: str, data: KeyData) -> tuple[str, ...]:
    if data.role is not Role.OPERATOR:
        if data.villages:
            raise InvalidInputError(
                "only operator keys are limited to villages",
                details=[FieldProblem("villages", f"not allowed for role {data.role}")],
            )
        return ()
    if not data.villages:
        raise InvalidInputError(
            "an operator key needs the villages it reports for",
            details=[FieldProblem("villages", "list at least one village code")],
        )
    problems = [
        FieldProblem(f"villages.{i}", f"{code} is not a village of regency {tenant_id}")
        for i, code in enumerate(data.villages)
        if not (areas.contains(tenant_id, code) and areas.exists(code, areas.Level.VILLAGE))
    ]
    if problems:
        raise InvalidInputError("some villages do not belong to this regency", details=problems)
    return tuple(dict.fromkeys(data.villages))


def create_tenant_key(*, principal: Principal, data: KeyData, now: datetime | None = None) -> IssuedKey:
    """A district admin issues a key of its own tenant."""
    principal.require(Role.DISTRICT_ADMIN)
    if data.role not in TENANT_ROLES:
        raise InvalidInputError(
            f"a regency office cannot issue {data.role} keys",
            details=[FieldProblem("role", "one of district_admin, operator, viewer")],
        )
    villages = _check_villages(principal.tenant, data)
    issued = build_key(
        owner=principal.tenant,
        role=data.role,
        label=data.label,
        villages=villages,
        created_by=principal.key_id,
        now=now or utcnow(),
    )
    KeyRepository(owner=principal.tenant).add(issued.key)
    return issued


def create_national_key(
    *,
    principal: Principal,
    data: KeyData,
    tenant_id: str | None,
    tenants: TenantRepository | None = None,
    now: datetime | None = None,
) -> IssuedKey:
    """The platform admin issues a national-viewer key, or a district-admin key for a tenant
    (to replace a lost one)."""
    principal.require(Role.PLATFORM_ADMIN)
    if data.villages:
        raise InvalidInputError(
            "only operator keys are limited to villages", details=[FieldProblem("villages", "not allowed")]
        )
    if data.role is Role.NATIONAL_VIEWER:
        if tenant_id is not None:
            raise InvalidInputError(
                "a national viewer key has no tenant", details=[FieldProblem("tenant_id", "not allowed")]
            )
        owner = NATIONAL_OWNER
    elif data.role is Role.DISTRICT_ADMIN:
        if tenant_id is None or (tenants or TenantRepository()).get(tenant_id) is None:
            raise InvalidInputError(
                "a district admin key needs an existing tenant", details=[FieldProblem("tenant_id", "unknown tenant")]
            )
        owner = tenant_id
    else:
        raise InvalidInputError(
            f"the platform admin issues national_viewer or district_admin keys, not {data.role}",
            details=[FieldProblem("role", "one of national_viewer, district_admin")],
        )
    issued = build_key(
        owner=owner, role=data.role, label=data.label, villages=(), created_by=principal.key_id, now=now or utcnow()
    )
    KeyRepository(owner=owner).add(issued.key)
    return issued


def list_keys(*, principal: Principal, limit: int, cursor: str | None) -> tuple[list[ApiKey], str | None]:
    """The caller's tenant's active keys (never their secrets)."""
    principal.require(Role.DISTRICT_ADMIN)
    return KeyRepository(owner=principal.tenant).page(limit=limit, cursor=cursor)


def revoke_key(*, principal: Principal, key_id: str, now: datetime | None = None) -> None:
    """Revoke a key of the caller's tenant; it is refused from the next request on."""
    principal.require(Role.DISTRICT_ADMIN)
    KeyRepository(owner=principal.tenant).revoke(key_id, at=now or utcnow())


def install_bootstrap_key(secret: str, *, now: datetime | None = None) -> ApiKey:
    """Make `secret` a platform-admin key (idempotent: the same secret keeps the same key id)."""
    key = ApiKey(
        key_id=key_id_of(secret),
        owner=NATIONAL_OWNER,
        role=Role.PLATFORM_ADMIN,
        label="bootstrap platform admin",
        villages=(),
        secret_hash=hash_secret(secret),
        created_at=now or utcnow(),
        created_by=None,
    )
    put_key(key)
    return key
