"""Tenants: the profile, the platform admin's list, approval through the tenant route, suspension."""

from __future__ import annotations

from datetime import datetime

from chalicelib.clock import utcnow
from chalicelib.domain.keys import IssuedKey
from chalicelib.domain.principal import Principal, Role
from chalicelib.domain.tenants import Tenant, TenantStatus
from chalicelib.errors import NotFoundError
from chalicelib.repositories.tenants import TenantRepository
from chalicelib.services import signups


def profile(*, principal: Principal, tenants: TenantRepository | None = None) -> Tenant:
    """The caller's own tenant."""
    tenant = (tenants or TenantRepository()).get(principal.tenant)
    if tenant is None:  # a key outlived its tenant: treat as unknown
        raise NotFoundError("no such tenant")
    return tenant


def list_tenants(
    *,
    principal: Principal,
    status: TenantStatus | None,
    limit: int,
    cursor: str | None,
    tenants: TenantRepository | None = None,
) -> tuple[list[Tenant], str | None]:
    """Tenants for the platform admin, optionally by status."""
    principal.require(Role.PLATFORM_ADMIN)
    return (tenants or TenantRepository()).page(status=status, limit=limit, cursor=cursor)


def approve(
    *, principal: Principal, tenant_id: str, tenants: TenantRepository | None = None, now: datetime | None = None
) -> tuple[Tenant, IssuedKey | None, list[str]]:
    """Approve by regency code: a suspended tenant again (its existing keys work again, none is
    issued), or else the one pending application of the regency (see `signups.approve`)."""
    principal.require(Role.PLATFORM_ADMIN)
    tenants = tenants or TenantRepository()
    now = now or utcnow()
    record = tenants.record(tenant_id)
    if record is not None and record.status != TenantStatus.PENDING.value:
        updated = record.to_domain().approved(at=now)  # an active tenant: 409
        tenants.save_state(record, updated)
        return updated, None, []
    # No tenant yet (or a pending tenant item from before sign-ups were applications): the application.
    application = signups.waiting_application(tenant_id=tenant_id, now=now)
    return signups.approve_application(principal=principal, application=application, now=now)


def suspend(
    *, principal: Principal, tenant_id: str, tenants: TenantRepository | None = None, now: datetime | None = None
) -> Tenant:
    """Suspend a tenant: every key of it is refused until it is approved again."""
    principal.require(Role.PLATFORM_ADMIN)
    tenants = tenants or TenantRepository()
    record = tenants.record(tenant_id)
    if record is None:
        raise NotFoundError("no such tenant")
    updated = record.to_domain().suspended(at=now or utcnow())
    tenants.save_state(record, updated)
    return updated
