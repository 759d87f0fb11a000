"""Registering and reading a tenant's village libraries."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date, datetime
from typing import Protocol

from chalicelib import areas
from chalicelib.clock import local_today, utcnow
from chalicelib.domain.principal import Principal, Role
from chalicelib.domain.villages import RecordedBaseline, Village
from chalicelib.errors import FieldProblem, InvalidInputError, NotFoundError
from chalicelib.stores import VillageStore, for_tenant


class VillageData(Protocol):
    """What a district admin sends about a village library."""

    library_name: str
    joined_year: int | None
    joined_on: date | None
    cohort: str | None


def check_village_code(tenant_id: str, village_code: str, field: str = "village_code") -> None:
    """Refuse a code that is not a village of the tenant's regency in the Kemendagri list."""
    if not (areas.contains(tenant_id, village_code) and areas.exists(village_code, areas.Level.VILLAGE)):
        raise InvalidInputError(
            f"{village_code[:32]} is not a village of regency {tenant_id}",
            details=[FieldProblem(field, f"not a village of regency {tenant_id} in the Kemendagri list")],
        )


def register(
    *,
    principal: Principal,
    village_code: str,
    data: VillageData,
    now: datetime | None = None,
) -> tuple[Village, bool]:
    """Register a village library, or update its details; True when it is new."""
    principal.require(Role.DISTRICT_ADMIN)
    tenant_id = principal.tenant
    check_village_code(tenant_id, village_code)
    repo = for_tenant(tenant_id).villages
    now = now or utcnow()
    joined_on, joined_year = _joined(tenant_id, data, now)
    village = Village(
        tenant_id=tenant_id,
        village_code=village_code,
        library_name=data.library_name,
        joined_year=joined_year,
        cohort=data.cohort,
        created_at=now,
        updated_at=now,
        joined_on=joined_on,
    )
    # A new village changes `villages_registered`: announce it before it is stored.
    _announce(tenant_id, village_code, now)
    if repo.add(village):
        return village, True
    repo.update(village)  # villages are never removed: a registered one stays registered
    stored = repo.get(village_code)
    return (stored or replace(village)), False


def _joined(tenant_id: str, data: VillageData, now: datetime) -> tuple[date | None, int | None]:
    """`joined_on` and `joined_year` as stored: a year alone stays a year (read as its 1 January)."""
    if data.joined_on is None:
        return None, data.joined_year
    if data.joined_year is not None and data.joined_year != data.joined_on.year:
        raise InvalidInputError(
            "joined_year and joined_on disagree",
            details=[FieldProblem("joined_year", f"joined_on is in {data.joined_on.year}; send one of them")],
        )
    if data.joined_on > local_today(tenant_id, now=now):
        raise InvalidInputError(
            "joined_on is in the future",
            details=[FieldProblem("joined_on", "not after the village's local date", code="in_future")],
        )
    return data.joined_on, data.joined_on.year


def _stored(village_code: str, repo: VillageStore) -> Village:
    village = repo.get(village_code)
    if village is None:
        raise NotFoundError("no such village")
    return village


def _set_state(repo: VillageStore, village: Village) -> Village:
    if not repo.set_state(village):
        raise NotFoundError("no such village")
    return village


def _announce(tenant_id: str, village_code: str, now: datetime) -> None:
    # What the village is expected to report and its baseline feed the figures: the rollup recomputes.
    for_tenant(tenant_id).changes.mark([(local_today(tenant_id, now=now).strftime("%Y-%m"), village_code)], now=now)


def deactivate(*, principal: Principal, village_code: str, now: datetime | None = None) -> Village:
    """Deactivate a village library as of its local today (district admin): it is no longer expected
    to report from the next month on; its reports and history are kept. Twice changes nothing."""
    principal.require(Role.DISTRICT_ADMIN)
    tenant_id = principal.tenant
    repo = for_tenant(tenant_id).villages
    now = now or utcnow()
    village = _stored(village_code, repo)
    if village.deactivated_on is not None:
        return village
    updated = replace(village, deactivated_on=local_today(village_code, now=now), updated_at=now)
    _announce(tenant_id, village_code, now)
    return _set_state(repo, updated)


def record_baseline(
    *,
    principal: Principal,
    village_code: str,
    monthly: Mapping[str, float] | None,
    source: str | None,
    now: datetime | None = None,
) -> Village:
    """Record a village's monthly baseline from a survey (district admin), or remove it (`monthly`
    None) so that the mean of its first three full months counts instead."""
    principal.require(Role.DISTRICT_ADMIN)
    tenant_id = principal.tenant
    repo = for_tenant(tenant_id).villages
    now = now or utcnow()
    village = _stored(village_code, repo)
    baseline = (
        RecordedBaseline(monthly=dict(monthly), source=source or "", recorded_at=now, recorded_by=principal.key_id)
        if monthly is not None
        else None
    )
    updated = replace(village, baseline=baseline, updated_at=now)
    _announce(tenant_id, village_code, now)
    return _set_state(repo, updated)


def get(*, principal: Principal, village_code: str) -> Village:
    """A registered village the caller may see."""
    principal.require(Role.DISTRICT_ADMIN, Role.OPERATOR, Role.VIEWER)
    if not principal.sees_village(village_code):
        raise NotFoundError("no such village")
    village = for_tenant(principal.tenant).villages.get(village_code)
    if village is None:
        raise NotFoundError("no such village")
    return village


def page(
    *,
    principal: Principal,
    limit: int,
    cursor: str | None,
    kecamatan_code: str | None = None,
) -> tuple[list[Village], str | None]:
    """The caller's villages (an operator's own only), in code order."""
    principal.require(Role.DISTRICT_ADMIN, Role.OPERATOR, Role.VIEWER)
    repo = for_tenant(principal.tenant).villages
    only = principal.villages if principal.role is Role.OPERATOR else None
    prefix = kecamatan_code + "." if kecamatan_code else None
    return repo.page(limit=limit, cursor=cursor, prefix=prefix, only=only)
