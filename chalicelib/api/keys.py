"""API keys of a tenant, and the platform admin's national keys."""

from __future__ import annotations

from chalice.app import Blueprint

from chalicelib.api.http import Reply, endpoint
from chalicelib.api.public_url import api_base
from chalicelib.domain.keys import KeyData
from chalicelib.domain.principal import Principal, Role
from chalicelib.lazy import lazy_import
from chalicelib.schemas.common import PageQuery
from chalicelib.schemas.keys import CollectSetup, IssuedKeyPublic, KeyCreate, KeyPage, KeyPublic, NationalKeyCreate

service = lazy_import("chalicelib.services.keys")
openrosa = lazy_import("chalicelib.services.openrosa")

keys_bp = Blueprint(__name__)


@endpoint(
    keys_bp,
    "/v1/keys",
    "POST",
    summary="Issue a key",
    tag="keys",
    body=KeyCreate,
    responses={201: IssuedKeyPublic},
    roles=(Role.DISTRICT_ADMIN,),
)
def create_key(*, principal: Principal, body: KeyCreate) -> IssuedKeyPublic:
    """A district admin issues a key for a district admin, an operator (with its villages) or a viewer."""
    data = KeyData(role=Role(body.role), label=body.label, villages=tuple(body.villages))
    issued = service.create_tenant_key(principal=principal, data=data)
    public = IssuedKeyPublic.of(issued)
    if issued.key.role is Role.OPERATOR:
        collect = openrosa.collect_for(issued=issued, api_base=api_base(keys_bp.current_request))
        public = public.model_copy(update={"collect": CollectSetup.model_validate(collect)})
    return public


@endpoint(keys_bp, "/v1/keys", summary="List keys", tag="keys", query=PageQuery, responses={200: KeyPage})
def list_keys(*, principal: Principal, query: PageQuery) -> KeyPage:
    """The tenant's active keys, without secrets."""
    items, cursor = service.list_keys(principal=principal, limit=query.limit, cursor=query.cursor)
    return KeyPage(items=[KeyPublic.of(k) for k in items], next_cursor=cursor)


@endpoint(keys_bp, "/v1/keys/{key_id}", "DELETE", summary="Revoke a key", tag="keys", responses={204: None})
def revoke_key(*, principal: Principal, key_id: str) -> Reply:
    """Revoke a key of the tenant; it is refused from the next request on."""
    service.revoke_key(principal=principal, key_id=key_id)
    return Reply(204)


@endpoint(
    keys_bp,
    "/v1/admin/keys",
    "POST",
    summary="Issue a national key",
    tag="admin",
    body=NationalKeyCreate,
    responses={201: IssuedKeyPublic},
    roles=(Role.PLATFORM_ADMIN,),
)
def create_national_key(*, principal: Principal, body: NationalKeyCreate) -> IssuedKeyPublic:
    """The platform admin issues a national-viewer key, or a district-admin key for a tenant."""
    data = KeyData(role=Role(body.role), label=body.label)
    issued = service.create_national_key(principal=principal, data=data, tenant_id=body.tenant_id)
    return IssuedKeyPublic.of(issued)
