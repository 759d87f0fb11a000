"""Sign-up applications, the tenant profile, and the platform admin's tenant management."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice.app import Blueprint

from chalicelib.api.http import Reply, Routes, endpoint, page_of
from chalicelib.api.keys import NO_STORE
from chalicelib.clock import utcnow
from chalicelib.domain.principal import Principal, Role
from chalicelib.lazy import lazy_import

if TYPE_CHECKING:
    from chalicelib.schemas import common as common_schema
    from chalicelib.schemas import keys as keys_schema
    from chalicelib.schemas import signups as signups_schema
    from chalicelib.schemas import tenants as tenants_schema
    from chalicelib.services import signups
    from chalicelib.services import tenants as service
else:
    common_schema = lazy_import("chalicelib.schemas.common")
    keys_schema = lazy_import("chalicelib.schemas.keys")
    signups_schema = lazy_import("chalicelib.schemas.signups")
    tenants_schema = lazy_import("chalicelib.schemas.tenants")
    service = lazy_import("chalicelib.services.tenants")
    signups = lazy_import("chalicelib.services.signups")
tenants_bp = Blueprint(__name__)
routes, admin = Routes(tenants_bp, "tenants"), Routes(tenants_bp, "admin")


@endpoint(
    tenants_bp,
    "/v1/signup",
    "POST",
    summary="A regency office applies to join",
    tag="tenants",
    public=True,
    body=lambda: tenants_schema.SignupRequest,
    responses={202: lambda: signups_schema.SignupAccepted, 429: lambda: common_schema.ErrorResponse},
    description="Several applications may wait for one regency; none reserves it. Limited per source address.",
)
def signup(*, body: tenants_schema.SignupRequest) -> signups_schema.SignupAccepted:
    """Store a pending application for the platform admin to approve or reject."""
    identity = (tenants_bp.current_request.context or {}).get("identity") or {}
    application = signups.submit(data=body, source=str(identity.get("sourceIp") or "unknown"))
    return signups_schema.SignupAccepted(
        application_id=application.application_id,
        tenant_id=application.tenant_id,
        status=application.stored_status,
        expires_at=application.expires_at,
    )


@routes.get("/v1/signup/{application_id}", "Follow an application", public=True)
def signup_status(*, application_id: str) -> signups_schema.ApplicationStatusResponse:
    """Where an application stands (its id is the only credential: no contact details are shown)."""
    application = signups.find(application_id)
    return signups_schema.ApplicationStatusResponse(
        application=signups_schema.ApplicationStatusPublic.of(application, now=utcnow())
    )


@routes.get("/v1/tenant", "The caller's tenant")
def my_tenant(*, principal: Principal) -> tenants_schema.TenantResponse:
    """The profile of the caller's regency office."""
    return tenants_schema.TenantResponse(tenant=tenants_schema.TenantPublic.of(service.profile(principal=principal)))


@admin.get("/v1/admin/signups", "List sign-up applications", roles=(Role.PLATFORM_ADMIN,))
def list_signups(*, principal: Principal, query: signups_schema.ApplicationListQuery) -> signups_schema.ApplicationPage:
    """Applications by status and regency (platform admin)."""
    now = utcnow()
    listed = signups.list_applications(
        principal=principal,
        status=query.status,
        tenant_id=query.tenant_id,
        limit=query.limit,
        cursor=query.cursor,
        now=now,
    )
    return page_of(signups_schema.ApplicationPage, lambda a: signups_schema.ApplicationPublic.of(a, now=now), listed)


@admin.post(
    "/v1/admin/signups/{application_id}/approve",
    "Approve an application",
    lambda: signups_schema.ApprovalResponse,
    roles=(Role.PLATFORM_ADMIN,),
)
def approve_signup(*, principal: Principal, application_id: str) -> Reply:
    """The regency becomes a tenant with its first admin key; its other pending applications close."""
    tenant, issued, closed = signups.approve(principal=principal, application_id=application_id)
    answer = signups_schema.ApprovalResponse(
        tenant=tenants_schema.TenantPublic.of(tenant), admin_key=keys_schema.IssuedKeyPublic.of(issued), closed=closed
    )
    return Reply(200, answer, NO_STORE)


@admin.post("/v1/admin/signups/{application_id}/reject", "Reject an application", roles=(Role.PLATFORM_ADMIN,))
def reject_signup(
    *, principal: Principal, application_id: str, body: signups_schema.Rejection
) -> signups_schema.ApplicationResponse:
    """Reject a pending application, with the reason its applicant will read."""
    application = signups.reject(principal=principal, application_id=application_id, reason=body.reason)
    return signups_schema.ApplicationResponse(
        application=signups_schema.ApplicationPublic.of(application, now=utcnow())
    )


@admin.get("/v1/admin/tenants", "List tenants")
def list_tenants(*, principal: Principal, query: tenants_schema.TenantListQuery) -> tenants_schema.TenantPage:
    """Tenants, by status (platform admin)."""
    listed = service.list_tenants(principal=principal, status=query.status, limit=query.limit, cursor=query.cursor)
    return page_of(tenants_schema.TenantPage, tenants_schema.TenantPublic.of, listed)


@admin.post("/v1/admin/tenants/{tenant_id}/approve", "Approve a tenant", lambda: signups_schema.ApprovalResponse)
def approve_tenant(*, principal: Principal, tenant_id: str) -> Reply:
    """Approve by regency code; a first approval returns the tenant's first admin key.

    Approves the regency's only pending application (409 ambiguous_application when several wait), or a suspended
    tenant again.
    """
    tenant, issued, closed = service.approve(principal=principal, tenant_id=tenant_id)
    admin_key = keys_schema.IssuedKeyPublic.of(issued) if issued else None
    return Reply(
        200,
        signups_schema.ApprovalResponse(
            tenant=tenants_schema.TenantPublic.of(tenant), admin_key=admin_key, closed=closed
        ),
        NO_STORE,
    )


@admin.post("/v1/admin/tenants/{tenant_id}/suspend", "Suspend a tenant", lambda: tenants_schema.TenantResponse)
def suspend_tenant(*, principal: Principal, tenant_id: str) -> Reply:
    """Suspend a tenant: all its keys are refused until it is approved again."""
    tenant = service.suspend(principal=principal, tenant_id=tenant_id)
    return Reply(200, tenants_schema.TenantResponse(tenant=tenants_schema.TenantPublic.of(tenant)))
