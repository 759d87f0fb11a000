"""API keys of a tenant, and the platform admin's keys of every owner."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice.app import Blueprint

from chalicelib.api.http import Reply, Routes, View, page_of
from chalicelib.api.public_url import api_base
from chalicelib.clock import utcnow
from chalicelib.domain.keys import ApiKey, IssuedKey, KeyData
from chalicelib.domain.principal import Principal, Role
from chalicelib.lazy import lazy_import

keys_bp = Blueprint(__name__)
routes, admin = Routes(keys_bp, "keys"), Routes(keys_bp, "admin")
if TYPE_CHECKING:
    from chalicelib.schemas import keys as keys_schema
    from chalicelib.services import keys as service
    from chalicelib.services import openrosa
else:
    keys_schema = lazy_import("chalicelib.schemas.keys")
    service = lazy_import("chalicelib.services.keys")
    openrosa = lazy_import("chalicelib.services.openrosa")

NO_STORE = {"Cache-Control": "no-store"}  # on every answer that carries a secret


def _secret(status: int, issued: IssuedKey) -> Reply:
    """A new secret, never cached; an operator key also carries its ODK Collect setup (shown once too)."""
    public = keys_schema.IssuedKeyPublic.of(issued)
    if issued.key.role is Role.OPERATOR:
        collect = openrosa.collect_for(issued=issued, api_base=api_base(keys_bp.current_request))
        public = public.model_copy(update={"collect": keys_schema.CollectSetup.model_validate(collect)})
    return Reply(status, public, NO_STORE)


def _issuing(routes: Routes, path: str, summary: str, role: Role) -> View:
    """A route of `role` that answers 201 with a new secret (`_secret`)."""
    return routes.post(path, summary, lambda: keys_schema.IssuedKeyPublic, status=201, roles=(role,))


def _page(listed: tuple[list[ApiKey], str | None]) -> keys_schema.KeyPage:
    now = utcnow()
    return page_of(keys_schema.KeyPage, lambda key: keys_schema.KeyPublic.of(key, now=now), listed)


@_issuing(routes, "/v1/keys", "Issue a key", Role.DISTRICT_ADMIN)
def create_key(*, principal: Principal, body: keys_schema.KeyCreate) -> Reply:
    """A district admin issues a key for a district admin, an operator (with its villages) or a viewer."""
    data = KeyData(role=Role(body.role), label=body.label, villages=tuple(body.villages), expires_at=body.expires_at)
    return _secret(201, service.create_tenant_key(principal=principal, data=data))


@routes.get("/v1/keys", "List keys")
def list_keys(*, principal: Principal, query: keys_schema.KeyListQuery) -> keys_schema.KeyPage:
    """The tenant's keys without secrets: the active ones, or those of the status asked for."""
    return _page(service.list_keys(principal=principal, status=query.status, limit=query.limit, cursor=query.cursor))


@routes.patch("/v1/keys/{key_id}", "Change a key", roles=(Role.DISTRICT_ADMIN,))
def update_key(*, principal: Principal, key_id: str, body: keys_schema.KeyUpdate) -> keys_schema.KeyResponse:
    """A new label, or an operator key's villages, without a new secret."""
    villages = None if body.villages is None else tuple(body.villages)
    key = service.update_key(principal=principal, key_id=key_id, label=body.label, villages=villages)
    return keys_schema.KeyResponse(key=keys_schema.KeyPublic.of(key, now=utcnow()))


@_issuing(routes, "/v1/keys/{key_id}/rotate", "Rotate a key", Role.DISTRICT_ADMIN)
def rotate_key(*, principal: Principal, key_id: str, body: keys_schema.KeyRotate) -> Reply:
    """Replace a key's secret; the old secret keeps working for `grace_seconds`.

    A new secret with the same role, label, villages and expiry; the old one works for the grace.
    """
    return _secret(201, service.rotate_key(principal=principal, key_id=key_id, grace_seconds=body.grace_seconds))


@routes.delete("/v1/keys/{key_id}", "Revoke a key", None, status=204)
def revoke_key(*, principal: Principal, key_id: str) -> Reply:
    """Revoke a key of the tenant; it is refused from the next request on (never the last admin key)."""
    service.revoke_key(principal=principal, key_id=key_id)
    return Reply(204)


@_issuing(admin, "/v1/admin/keys", "Issue a national key", Role.PLATFORM_ADMIN)
def create_national_key(*, principal: Principal, body: keys_schema.NationalKeyCreate) -> Reply:
    """The platform admin issues a national-viewer key, or a district-admin key for a tenant."""
    data = KeyData(role=Role(body.role), label=body.label, expires_at=body.expires_at)
    return _secret(201, service.create_national_key(principal=principal, data=data, tenant_id=body.tenant_id))


@admin.get("/v1/admin/keys", "List every key", roles=(Role.PLATFORM_ADMIN,))
def list_all_keys(*, principal: Principal, query: keys_schema.AdminKeyListQuery) -> keys_schema.KeyPage:
    """Every key of every tenant and the national ones, by role, tenant and status."""
    return _page(
        service.list_all_keys(
            principal=principal,
            role=query.role,
            tenant_id=query.tenant_id,
            status=query.status,
            limit=query.limit,
            cursor=query.cursor,
        )
    )


@_issuing(admin, "/v1/admin/keys/{key_id}/rotate", "Rotate any key", Role.PLATFORM_ADMIN)
def rotate_any_key(*, principal: Principal, key_id: str, body: keys_schema.KeyRotate) -> Reply:
    """Replace any key's secret; the old secret keeps working for `grace_seconds`."""
    return _secret(201, service.rotate_any_key(principal=principal, key_id=key_id, grace_seconds=body.grace_seconds))


@admin.delete("/v1/admin/keys/{key_id}", "Revoke any key", roles=(Role.PLATFORM_ADMIN,))
def revoke_any_key(*, principal: Principal, key_id: str) -> keys_schema.KeyResponse:
    """Revoke any key, national ones included (an owner's last admin key stays)."""
    key = service.revoke_any_key(principal=principal, key_id=key_id)
    return keys_schema.KeyResponse(key=keys_schema.KeyPublic.of(key, now=utcnow()))
