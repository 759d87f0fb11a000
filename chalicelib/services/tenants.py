"""Tenants: the profile, the platform admin's list, approval through the tenant route, suspension."""

from __future__ import annotations

from chalicelib.clock import utcnow
from chalicelib.domain.keys import IssuedKey
from chalicelib.domain.principal import Principal, Role
from chalicelib.domain.tenants import Tenant, TenantStatus
from chalicelib.errors import NotFoundError
from chalicelib.services import signups
from chalicelib.stores import platform


def profile(*, principal: Principal) -> Tenant:
    """The caller's own tenant."""
    tenant = platform().tenants.get(principal.tenant)
    if tenant is None:  # a key outlived its tenant: treat as unknown
        raise NotFoundError("no such tenant")
    return tenant


def list_tenants(
    *, principal: Principal, status: TenantStatus | None, limit: int, cursor: str | None
) -> tuple[list[Tenant], str | None]:
    """Tenants for the platform admin, optionally by status."""
    principal.require(Role.PLATFORM_ADMIN)
    return platform().tenants.page(status=status, limit=limit, cursor=cursor)


def approve(*, principal: Principal, tenant_id: str) -> tuple[Tenant, IssuedKey | None, list[str]]:
    """Approve by regency code: a suspended tenant again (its existing keys work again, none is
    issued), or else the one pending application of the regency (see `signups.approve`)."""
    principal.require(Role.PLATFORM_ADMIN)
    tenants = platform().tenants
    at = utcnow()
    tenant = tenants.get(tenant_id)
    if tenant is not None and tenant.status is not TenantStatus.PENDING:
        updated = tenants.change(tenant_id, lambda current: current.approved(at=at))  # an active tenant: 409
        if updated is not None:
            return updated, None, []
    # No tenant yet (or a pending tenant item from before sign-ups were applications): the application.
    application = signups.waiting_application(tenant_id=tenant_id, now=at)
    return signups.approve_application(principal=principal, application=application, now=at)


def suspend(*, principal: Principal, tenant_id: str) -> Tenant:
    """Suspend a tenant: every key of it is refused until it is approved again."""
    principal.require(Role.PLATFORM_ADMIN)
    at = utcnow()
    updated = platform().tenants.change(tenant_id, lambda current: current.suspended(at=at))
    if updated is None:
        raise NotFoundError("no such tenant")
    return updated
