"""Registering and reading a tenant's village libraries."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Protocol

from chalicelib import areas
from chalicelib.clock import local_today, utcnow
from chalicelib.domain.principal import Principal, Role
from chalicelib.domain.villages import Village
from chalicelib.errors import FieldProblem, InvalidInputError, NotFoundError
from chalicelib.repositories import changes
from chalicelib.repositories.villages import VillageRepository


class VillageData(Protocol):
    """What a district admin sends about a village library."""

    library_name: str
    joined_year: int | None
    cohort: str | None


def check_village_code(tenant_id: str, village_code: str, field: str = "village_code") -> None:
    """Refuse a code that is not a village of the tenant's regency in the Kemendagri list."""
    if not (areas.contains(tenant_id, village_code) and areas.exists(village_code, areas.Level.VILLAGE)):
        raise InvalidInputError(
            f"{village_code} is not a village of regency {tenant_id}",
            details=[FieldProblem(field, f"not a village of regency {tenant_id} in the Kemendagri list")],
        )


def register(
    *,
    principal: Principal,
    village_code: str,
    data: VillageData,
    repo: VillageRepository | None = None,
    now: datetime | None = None,
) -> tuple[Village, bool]:
    """Register a village library, or update its details; True when it is new."""
    principal.require(Role.DISTRICT_ADMIN)
    tenant_id = principal.tenant
    check_village_code(tenant_id, village_code)
    repo = repo or VillageRepository(tenant_id=tenant_id)
    now = now or utcnow()
    village = Village(
        tenant_id=tenant_id,
        village_code=village_code,
        library_name=data.library_name,
        joined_year=data.joined_year,
        cohort=data.cohort,
        created_at=now,
        updated_at=now,
    )
    # A new village changes `villages_registered`: announce it before it is stored.
    changes.mark_changed(
        tenant_id=tenant_id, changes=[(local_today(tenant_id, now=now).strftime("%Y-%m"), village_code)], now=now
    )
    if repo.add(village):
        return village, True
    repo.update(village)
    stored = repo.get(village_code)
    return (stored or replace(village)), False


def get(*, principal: Principal, village_code: str, repo: VillageRepository | None = None) -> Village:
    """A registered village the caller may see."""
    principal.require(Role.DISTRICT_ADMIN, Role.OPERATOR, Role.VIEWER)
    if not principal.sees_village(village_code):
        raise NotFoundError("no such village")
    village = (repo or VillageRepository(tenant_id=principal.tenant)).get(village_code)
    if village is None:
        raise NotFoundError("no such village")
    return village


def page(
    *,
    principal: Principal,
    limit: int,
    cursor: str | None,
    kecamatan_code: str | None = None,
    repo: VillageRepository | None = None,
) -> tuple[list[Village], str | None]:
    """The caller's villages (an operator's own only), in code order."""
    principal.require(Role.DISTRICT_ADMIN, Role.OPERATOR, Role.VIEWER)
    repo = repo or VillageRepository(tenant_id=principal.tenant)
    only = principal.villages if principal.role is Role.OPERATOR else None
    prefix = kecamatan_code + "." if kecamatan_code else None
    return repo.page(limit=limit, cursor=cursor, prefix=prefix, only=only)
