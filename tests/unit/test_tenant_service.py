"""The tenant service's rules, on the in-memory stores (no moto)."""

from __future__ import annotations

import datetime as dt

import pytest

from chalicelib.domain.principal import Principal, Role
from chalicelib.domain.tenants import Tenant, TenantStatus
from chalicelib.errors import ConflictError, NotFoundError, PermissionDeniedError
from chalicelib.services import tenants
from tests.fakes.stores import MemoryStores

GROBOGAN = "33.15"
PLATFORM = Principal(key_id="platform", role=Role.PLATFORM_ADMIN)
ADMIN = Principal(key_id="admin", role=Role.DISTRICT_ADMIN, tenant_id=GROBOGAN)
AT = dt.datetime(2026, 11, 5, 8, 30, tzinfo=dt.UTC)


def _add_active(world: MemoryStores) -> None:
    world.platform().tenants.add(
        Tenant(GROBOGAN, "Kabupaten Grobogan", "Dinas", "Sri", "s@example.id", TenantStatus.ACTIVE, AT, AT)
    )


def test_a_suspended_tenant_is_approved_again_without_a_new_key(world: MemoryStores) -> None:
    _add_active(world)
    suspended = tenants.suspend(principal=PLATFORM, tenant_id=GROBOGAN)

    tenant, issued, closed = tenants.approve(principal=PLATFORM, tenant_id=GROBOGAN)

    assert suspended.status is TenantStatus.SUSPENDED and suspended.suspended_at is not None
    assert (tenant.status, tenant.suspended_at, issued, closed) == (TenantStatus.ACTIVE, None, None, [])
    assert world.platform().tenants.get(GROBOGAN) == tenant


def test_an_active_tenant_cannot_be_approved_again(world: MemoryStores) -> None:
    _add_active(world)

    with pytest.raises(ConflictError):
        tenants.approve(principal=PLATFORM, tenant_id=GROBOGAN)

    stored = world.platform().tenants.get(GROBOGAN)
    assert stored is not None and stored.approved_at == AT


def test_suspending_an_unknown_or_suspended_tenant_is_refused(world: MemoryStores) -> None:
    with pytest.raises(NotFoundError):
        tenants.suspend(principal=PLATFORM, tenant_id=GROBOGAN)
    _add_active(world)
    tenants.suspend(principal=PLATFORM, tenant_id=GROBOGAN)

    with pytest.raises(ConflictError):
        tenants.suspend(principal=PLATFORM, tenant_id=GROBOGAN)


def test_only_the_platform_admin_suspends_and_the_office_reads_its_own_profile(world: MemoryStores) -> None:
    _add_active(world)

    with pytest.raises(PermissionDeniedError):
        tenants.suspend(principal=ADMIN, tenant_id=GROBOGAN)
    assert tenants.profile(principal=ADMIN).office_name == "Dinas"
    with pytest.raises(NotFoundError):
        tenants.profile(principal=Principal(key_id="k", role=Role.VIEWER, tenant_id="33.18"))
