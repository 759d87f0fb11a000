"""Tenant sign-up, approval and suspension."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib import areas
from chalicelib.clock import utcnow
from chalicelib.domain.keys import IssuedKey
from chalicelib.domain.principal import Principal, Role
from chalicelib.domain.tenants import Tenant, TenantStatus
from chalicelib.errors import ConflictError, FieldProblem, InvalidInputError, NotFoundError, is_throttling
from chalicelib.repositories.keys import KeyRepository
from chalicelib.repositories.tenants import TenantRepository
from chalicelib.services.keys import build_key


class SignupData(Protocol):
    """What a regency office sends to sign up."""

    regency_code: str
    office_name: str
    contact_name: str
    contact_email: str


def sign_up(*, data: SignupData, tenants: TenantRepository | None = None, now: datetime | None = None) -> Tenant:
    """Register a regency office as a pending tenant."""
    area = areas.lookup(data.regency_code)
    if area is None or area.level is not areas.Level.REGENCY:
        raise InvalidInputError(
            f"{data.regency_code} is not a regency or city code in the Kemendagri list",
            details=[FieldProblem("regency_code", "unknown regency or city code")],
        )
    tenant = Tenant(
        tenant_id=area.code,
        regency_name=area.name,
        office_name=data.office_name,
        contact_name=data.contact_name,
        contact_email=data.contact_email,
        status=TenantStatus.PENDING,
        created_at=now or utcnow(),
    )
    (tenants or TenantRepository()).add(tenant)
    return tenant


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
) -> tuple[Tenant, IssuedKey | None]:
    """Approve a tenant. The first approval issues its first district-admin key, in the same
    transaction; approving a suspended tenant again restores its existing keys and issues none."""
    principal.require(Role.PLATFORM_ADMIN)
    tenants = tenants or TenantRepository()
    now = now or utcnow()
    record = tenants.record(tenant_id)
    if record is None:
        raise NotFoundError("no such tenant")
    current = record.to_domain()
    updated = current.approved(at=now)
    if current.status is TenantStatus.SUSPENDED:
        tenants.save_state(record, updated)
        return updated, None
    issued = build_key(
        owner=tenant_id,
        role=Role.DISTRICT_ADMIN,
        label="first district admin",
        villages=(),
        created_by=principal.key_id,
        now=now,
    )
    try:
        with TransactWrite(connection=Connection()) as transaction:
            transaction.save(TenantRepository.updated_record(record, updated))
            transaction.save(KeyRepository(owner=tenant_id).record_for_new(issued.key))
    except TransactWriteError as exc:
        if is_throttling(exc):
            raise  # 503: the data store is busy, nothing was written
        raise ConflictError(f"tenant {tenant_id} changed meanwhile; retry") from exc
    return updated, issued


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
