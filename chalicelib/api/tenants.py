"""Sign-up applications, the tenant profile, and the platform admin's tenant management."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice.app import Blueprint

from chalicelib.api.http import Reply, endpoint
from chalicelib.api.keys import NO_STORE
from chalicelib.clock import utcnow
from chalicelib.domain.principal import Principal, Role
from chalicelib.lazy import lazy_import
from chalicelib.schemas.common import ErrorResponse
from chalicelib.schemas.keys import IssuedKeyPublic
from chalicelib.schemas.signups import (
    ApplicationListQuery,
    ApplicationPage,
    ApplicationPublic,
    ApplicationResponse,
    ApplicationStatusPublic,
    ApplicationStatusResponse,
    ApprovalResponse,
    Rejection,
    SignupAccepted,
)
from chalicelib.schemas.tenants import SignupRequest, TenantListQuery, TenantPage, TenantPublic, TenantResponse

if TYPE_CHECKING:
    from chalicelib.services import signups
    from chalicelib.services import tenants as service
else:
    service = lazy_import("chalicelib.services.tenants")
    signups = lazy_import("chalicelib.services.signups")
tenants_bp = Blueprint(__name__)


@endpoint(
    tenants_bp,
    "/v1/signup",
    "POST",
    summary="A regency office applies to join",
    tag="tenants",
    public=True,
    body=SignupRequest,
    responses={202: SignupAccepted, 429: ErrorResponse},
    description="Several applications may wait for one regency; none reserves it. Limited per source address.",
)
def signup(*, body: SignupRequest) -> SignupAccepted:
    """Store a pending application for the platform admin to approve or reject."""
    identity = (tenants_bp.current_request.context or {}).get("identity") or {}
    application = signups.submit(data=body, source=str(identity.get("sourceIp") or "unknown"))
    return SignupAccepted(
        application_id=application.application_id,
        tenant_id=application.tenant_id,
        status=application.stored_status,
        expires_at=application.expires_at,
    )


@endpoint(
    tenants_bp,
    "/v1/signup/{application_id}",
    summary="Follow an application",
    tag="tenants",
    public=True,
    responses={200: ApplicationStatusResponse},
)
def signup_status(*, application_id: str) -> ApplicationStatusResponse:
    """Where an application stands (its id is the only credential: no contact details are shown)."""
    application = signups.find(application_id)
    return ApplicationStatusResponse(application=ApplicationStatusPublic.of(application, now=utcnow()))


@endpoint(tenants_bp, "/v1/tenant", summary="The caller's tenant", tag="tenants", responses={200: TenantResponse})
def my_tenant(*, principal: Principal) -> TenantResponse:
    """The profile of the caller's regency office."""
    return TenantResponse(tenant=TenantPublic.of(service.profile(principal=principal)))


@endpoint(
    tenants_bp,
    "/v1/admin/signups",
    summary="List sign-up applications",
    tag="admin",
    query=ApplicationListQuery,
    responses={200: ApplicationPage},
    roles=(Role.PLATFORM_ADMIN,),
)
def list_signups(*, principal: Principal, query: ApplicationListQuery) -> ApplicationPage:
    """Applications by status and regency (platform admin)."""
    now = utcnow()
    items, cursor = signups.list_applications(
        principal=principal,
        status=query.status,
        tenant_id=query.tenant_id,
        limit=query.limit,
        cursor=query.cursor,
        now=now,
    )
    return ApplicationPage(items=[ApplicationPublic.of(a, now=now) for a in items], next_cursor=cursor)


@endpoint(
    tenants_bp,
    "/v1/admin/signups/{application_id}/approve",
    "POST",
    summary="Approve an application",
    tag="admin",
    responses={200: ApprovalResponse},
    roles=(Role.PLATFORM_ADMIN,),
)
def approve_signup(*, principal: Principal, application_id: str) -> Reply:
    """The regency becomes a tenant with its first admin key; its other pending applications close."""
    tenant, issued, closed = signups.approve(principal=principal, application_id=application_id)
    answer = ApprovalResponse(tenant=TenantPublic.of(tenant), admin_key=IssuedKeyPublic.of(issued), closed=closed)
    return Reply(200, answer, NO_STORE)


@endpoint(
    tenants_bp,
    "/v1/admin/signups/{application_id}/reject",
    "POST",
    summary="Reject an application",
    tag="admin",
    body=Rejection,
    responses={200: ApplicationResponse},
    roles=(Role.PLATFORM_ADMIN,),
)
def reject_signup(*, principal: Principal, application_id: str, body: Rejection) -> ApplicationResponse:
    """Reject a pending application, with the reason its applicant will read."""
    application = signups.reject(principal=principal, application_id=application_id, reason=body.reason)
    return ApplicationResponse(application=ApplicationPublic.of(application, now=utcnow()))


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
    description="Approves the regency's only pending application (409 ambiguous_application when several "
    "wait), or a suspended tenant again.",
)
def approve_tenant(*, principal: Principal, tenant_id: str) -> Reply:
    """Approve by regency code; a first approval returns the tenant's first admin key."""
    tenant, issued, closed = service.approve(principal=principal, tenant_id=tenant_id)
    admin_key = IssuedKeyPublic.of(issued) if issued else None
    return Reply(200, ApprovalResponse(tenant=TenantPublic.of(tenant), admin_key=admin_key, closed=closed), NO_STORE)


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
