"""Sign-up, the tenant profile, and the platform admin's tenant management."""

from __future__ import annotations

from chalice.app import Blueprint

from chalicelib.api.http import Reply, endpoint
from chalicelib.domain.principal import Principal
from chalicelib.lazy import lazy_import
from chalicelib.schemas.keys import IssuedKeyPublic
from chalicelib.schemas.tenants import (
    ApprovalResponse,
    SignupAccepted,
    SignupRequest,
    TenantListQuery,
    TenantPage,
    TenantPublic,
    TenantResponse,
)

service = lazy_import("chalicelib.services.tenants")
tenants_bp = Blueprint(__name__)


@endpoint(
    tenants_bp,
    "/v1/signup",
    "POST",
    summary="A regency office signs up",
    tag="tenants",
    public=True,
    body=SignupRequest,
    responses={202: SignupAccepted},
)
def signup(*, body: SignupRequest) -> SignupAccepted:
    """Store a pending tenant for the platform admin to approve."""
    tenant = service.sign_up(data=body)
    return SignupAccepted(tenant_id=tenant.tenant_id, status=tenant.status)


@endpoint(tenants_bp, "/v1/tenant", summary="The caller's tenant", tag="tenants", responses={200: TenantResponse})
def my_tenant(*, principal: Principal) -> TenantResponse:
    """The profile of the caller's regency office."""
    return TenantResponse(tenant=TenantPublic.of(service.profile(principal=principal)))


@endpoint(
    tenants_bp,
    "/v1/admin/tenants",
    summary="List tenants",
    tag="admin",
    query=TenantListQuery,
    responses={200: TenantPage},
)
def list_tenants(*, principal: Principal, query: TenantListQuery) -> TenantPage:
    """Tenants, by status (platform admin)."""
    items, cursor = service.list_tenants(
        principal=principal, status=query.status, limit=query.limit, cursor=query.cursor
    )
    return TenantPage(items=[TenantPublic.of(t) for t in items], next_cursor=cursor)


@endpoint(
    tenants_bp,
    "/v1/admin/tenants/{tenant_id}/approve",
    "POST",
    summary="Approve a tenant",
    tag="admin",
    responses={200: ApprovalResponse},
)
def approve_tenant(*, principal: Principal, tenant_id: str) -> ApprovalResponse:
    """Approve a pending (or suspended) tenant; the first approval returns its first admin key."""
    tenant, issued = service.approve(principal=principal, tenant_id=tenant_id)
    return ApprovalResponse(tenant=TenantPublic.of(tenant), admin_key=IssuedKeyPublic.of(issued) if issued else None)


@endpoint(
    tenants_bp,
    "/v1/admin/tenants/{tenant_id}/suspend",
    "POST",
    summary="Suspend a tenant",
    tag="admin",
    responses={200: TenantResponse},
)
def suspend_tenant(*, principal: Principal, tenant_id: str) -> Reply:
    """Suspend a tenant: all its keys are refused until it is approved again."""
    tenant = service.suspend(principal=principal, tenant_id=tenant_id)
    return Reply(200, TenantResponse(tenant=TenantPublic.of(tenant)))
