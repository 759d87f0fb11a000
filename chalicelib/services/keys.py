"""API keys: issuing, listing, changing, rotating and revoking, and the platform's bootstrap key."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from chalicelib import areas
from chalicelib.clock import utcnow
from chalicelib.domain.keys import (
    MAX_KEY_LIFETIME,
    MIN_BOOTSTRAP_SECRET,
    NATIONAL_OWNER,
    ApiKey,
    IssuedKey,
    KeyData,
    KeyStatus,
    hash_secret,
    key_id_of,
    new_key_id,
    new_secret,
)
from chalicelib.domain.principal import TENANT_ROLES, Principal, Role
from chalicelib.errors import ConflictError, FieldProblem, InvalidInputError, NotFoundError
from chalicelib.stores import for_tenant, platform
from chalicelib.stores.access import KeptKeyGoneError

ADMIN_ROLES = (Role.DISTRICT_ADMIN, Role.PLATFORM_ADMIN)  # an owner keeps at least one live key of these


def build_key(
    *,
    owner: str,
    role: Role,
    label: str,
    villages: tuple[str, ...],
    created_by: str | None,
    now: datetime,
    expires_at: datetime | None = None,
    rotated_from: str | None = None,
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
        expires_at=expires_at,
        rotated_from=rotated_from,
    )
    return IssuedKey(key=key, secret=secret)


def _expiry_problems(expires_at: datetime | None, now: datetime) -> list[FieldProblem]:
    """A key's expiry lies in the future, at most two years ahead."""
    if expires_at is None:
        return []
    if expires_at <= now:
        return [FieldProblem("expires_at", "must be in the future", code="in_past")]
    latest = now + MAX_KEY_LIFETIME
    if expires_at > latest:
        params = {"latest": latest.date().isoformat(), "years": 2}
        return [FieldProblem("expires_at", "must be at most two years ahead", code="too_far_ahead", params=params)]
    return []


def _village_problems(tenant_id: str, role: Role, villages: tuple[str, ...]) -> list[FieldProblem]:
    """An operator key names at least one village of its regency; other keys name none."""
    if role is not Role.OPERATOR:
        return [FieldProblem("villages", f"not allowed for role {role}")] if villages else []
    if not villages:
        return [FieldProblem("villages", "list at least one village code", code="required")]
    return [
        FieldProblem(f"villages.{i}", f"{code[:32]} is not a village of regency {tenant_id}")
        for i, code in enumerate(villages)
        if not (areas.contains(tenant_id, code) and areas.exists(code, areas.Level.VILLAGE))
    ]


def _refuse(problems: list[FieldProblem]) -> None:
    """One refusal naming every problem of the key asked for (not the first alone)."""
    if problems:
        said = "; ".join(f"{p.field}: {p.message}" for p in problems)
        raise InvalidInputError(f"the key cannot be made as asked ({said})", details=problems)


def _issue(
    *,
    owner: str,
    data: KeyData,
    villages: tuple[str, ...],
    principal: Principal,
    now: datetime,
    problems: Sequence[FieldProblem] = (),
) -> IssuedKey:
    _refuse([*problems, *_expiry_problems(data.expires_at, now)])
    issued = build_key(
        owner=owner,
        role=data.role,
        label=data.label,
        villages=villages,
        created_by=principal.key_id,
        now=now,
        expires_at=data.expires_at,
    )
    platform().keys.of_owner(owner).add(issued.key)
    return issued


def create_tenant_key(*, principal: Principal, data: KeyData, now: datetime | None = None) -> IssuedKey:
    """A district admin issues a key of its own tenant."""
    principal.require(Role.DISTRICT_ADMIN)
    if data.role not in TENANT_ROLES:
        raise InvalidInputError(
            f"a regency office cannot issue {data.role} keys",
            details=[FieldProblem("role", "one of district_admin, operator, viewer")],
        )
    problems = _village_problems(principal.tenant, data.role, data.villages)
    villages = tuple(dict.fromkeys(data.villages))
    return _issue(
        owner=principal.tenant,
        data=data,
        villages=villages,
        principal=principal,
        now=now or utcnow(),
        problems=problems,
    )


def create_national_key(
    *,
    principal: Principal,
    data: KeyData,
    tenant_id: str | None,
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
        if tenant_id is None:
            raise InvalidInputError(
                "a district admin key needs its tenant",
                details=[FieldProblem("tenant_id", "required for a district_admin key", code="required")],
            )
        if platform().tenants.get(tenant_id) is None:
            raise InvalidInputError(
                "a district admin key needs an existing tenant", details=[FieldProblem("tenant_id", "unknown tenant")]
            )
        owner = tenant_id
    else:
        raise InvalidInputError(
            f"the platform admin issues national_viewer or district_admin keys, not {data.role}",
            details=[FieldProblem("role", "one of national_viewer, district_admin")],
        )
    return _issue(owner=owner, data=data, villages=(), principal=principal, now=now or utcnow())


def list_keys(
    *, principal: Principal, status: KeyStatus | None, limit: int, cursor: str | None
) -> tuple[list[ApiKey], str | None]:
    """The caller's tenant's keys (never their secrets): the active ones unless a status is asked for."""
    principal.require(Role.DISTRICT_ADMIN)
    return for_tenant(principal.tenant).keys.page(
        limit=limit, cursor=cursor, status=status or KeyStatus.ACTIVE, now=utcnow()
    )


def list_all_keys(
    *,
    principal: Principal,
    role: Role | None,
    tenant_id: str | None,
    status: KeyStatus | None,
    limit: int,
    cursor: str | None,
) -> tuple[list[ApiKey], str | None]:
    """Every key of every owner, national ones included, by role, tenant and status (platform admin)."""
    principal.require(Role.PLATFORM_ADMIN)
    return platform().keys.page(owner=tenant_id, role=role, status=status, limit=limit, cursor=cursor, now=utcnow())


def _ended(key: ApiKey, *, now: datetime) -> ConflictError:
    """Why a key that no longer opens the API (or is about to close) cannot be changed or rotated: 409."""
    expired = key.status(now=now) is KeyStatus.EXPIRED
    return ConflictError(
        f"key {key.key_id} is {'expired' if expired else 'revoked or rotated already'}; issue a new key instead",
        code="key_expired" if expired else "key_revoked",
    )


def update_key(*, principal: Principal, key_id: str, label: str | None, villages: tuple[str, ...] | None) -> ApiKey:
    """Change a key's label, or an operator key's villages, keeping its secret."""
    principal.require(Role.DISTRICT_ADMIN)
    keys = for_tenant(principal.tenant).keys
    now = utcnow()
    key = keys.get(key_id)
    if key is None:
        raise NotFoundError("no such key")
    if key.status(now=now) is not KeyStatus.ACTIVE:
        raise _ended(key, now=now)
    checked = None
    if villages is not None:
        _refuse(_village_problems(principal.tenant, key.role, villages))
        checked = tuple(dict.fromkeys(villages))
    return keys.update(key_id, label=label, villages=checked, now=now)


def rotate_key(*, principal: Principal, key_id: str, grace_seconds: int) -> IssuedKey:
    """A district admin replaces a key of its tenant with a new secret (same role, label, villages
    and expiry); the old secret keeps working for `grace_seconds`."""
    principal.require(Role.DISTRICT_ADMIN)
    return _rotate(principal=principal, key=for_tenant(principal.tenant).keys.get(key_id), grace=grace_seconds)


def rotate_any_key(*, principal: Principal, key_id: str, grace_seconds: int) -> IssuedKey:
    """The platform admin rotates any key (see `rotate_key`)."""
    principal.require(Role.PLATFORM_ADMIN)
    return _rotate(principal=principal, key=platform().keys.find(key_id), grace=grace_seconds)


def _rotate(*, principal: Principal, key: ApiKey | None, grace: int) -> IssuedKey:
    now = utcnow()
    if key is None:
        raise NotFoundError("no such key")
    if not key.live(now=now):
        raise _ended(key, now=now)
    issued = build_key(
        owner=key.owner,
        role=key.role,
        label=key.label,
        villages=key.villages,
        created_by=principal.key_id,
        now=now,
        expires_at=key.expires_at,
        rotated_from=key.key_id,
    )
    platform().keys.of_owner(key.owner).rotate(key, issued.key, old_ends_at=now + timedelta(seconds=grace))
    return issued


def revoke_key(*, principal: Principal, key_id: str) -> None:
    """Revoke a key of the caller's tenant; it is refused from the next request on. Revoking a revoked
    key changes nothing."""
    principal.require(Role.DISTRICT_ADMIN)
    key = for_tenant(principal.tenant).keys.get(key_id)
    now = utcnow()
    if key is None:
        raise NotFoundError("no such key")
    if key.status(now=now) is not KeyStatus.REVOKED:
        _revoke(key, now=now)


def revoke_any_key(*, principal: Principal, key_id: str) -> ApiKey:
    """The platform admin revokes any key, national ones included; revoking a revoked key changes nothing."""
    principal.require(Role.PLATFORM_ADMIN)
    key = platform().keys.find(key_id)
    now = utcnow()
    if key is None:
        raise NotFoundError("no such key")
    if key.status(now=now) is KeyStatus.REVOKED:
        return key
    _revoke(key, now=now)
    return replace(key, revoked_at=now)


def _revoke(key: ApiKey, *, now: datetime) -> None:
    """Revoke; an owner's last live admin key stays (409 last_admin_key), checked in the same
    transaction as the revocation so that concurrent revocations cannot remove every admin key."""
    keys = platform().keys.of_owner(key.owner)
    if key.role not in ADMIN_ROLES or not key.live(now=now):
        keys.revoke(key.key_id, at=now)
        return
    for _ in range(3):
        others = [k for k in keys.live_keys(role=key.role, now=now) if k.key_id != key.key_id]
        if not others:
            raise ConflictError(
                f"key {key.key_id} is the last {key.role} key; issue or rotate to another first", code="last_admin_key"
            )
        try:
            keys.revoke(key.key_id, at=now, keeping=others[0].key_id)
            return
        except KeptKeyGoneError:
            continue  # that other key was revoked meanwhile: look again
    raise ConflictError("the admin keys changed meanwhile; retry")


def install_bootstrap_key(secret: str, *, now: datetime | None = None) -> ApiKey:
    """Make `secret` a platform-admin key (idempotent: the same secret keeps the same key id)."""
    if len(secret) < MIN_BOOTSTRAP_SECRET:
        raise InvalidInputError(f"a platform-admin secret needs at least {MIN_BOOTSTRAP_SECRET} characters")
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
    platform().keys.put_bootstrap(key)
    return key
