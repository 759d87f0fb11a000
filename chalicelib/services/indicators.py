"""Reading the indicators: tenant views (village, kecamatan, regency) and national views."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from chalicelib import areas
from chalicelib.domain.indicators import Stock, indicator_blocks, indicator_values
from chalicelib.domain.periods import Period
from chalicelib.domain.principal import Principal, Role
from chalicelib.errors import PermissionDeniedError
from chalicelib.repositories.aggregates import NATIONAL, REGENCY_DIRECT, STOCK, AggregateStore, Stored, partition
from chalicelib.services.approval_state import approval_blocks

TENANT_LEVELS = ("village", "kecamatan", "regency")
NATIONAL_LEVELS = ("national", "province", "regency")


@dataclass(frozen=True)
class IndicatorItem:
    """One scope's indicators for a period."""

    level: str
    code: str
    name: str
    period: str
    indicators: dict[str, dict[str, float | int | None]]
    computed_at: dt.datetime | None
    approval: dict[str, Any] | None = None  # national reads: whether the figures are final


def _name(code: str) -> str:
    return "Indonesia" if code == NATIONAL else (areas.name_of(code) or code)


def _read(store: AggregateStore, owner: str, level: str, period: str, only: set[str] | None) -> dict[str, Stored]:
    if only is not None and len(only) <= 100:
        pk = partition(owner, level, period)
        return {sk: values for (_, sk), values in store.read_keys((pk, code) for code in only).items()}
    items = store.read_partition(partition(owner, level, period))
    return {k: v for k, v in items.items() if only is None or k in only}


def assemble(
    *, owner: str, level: str, period: Period, only: set[str] | None = None, store: AggregateStore | None = None
) -> list[IndicatorItem]:
    """Indicators of every scope of a level that has registered villages (or of `only`)."""
    store = store or AggregateStore()
    stocks = {k: v for k, v in _read(store, owner, level, STOCK, only).items() if k != REGENCY_DIRECT}
    previous, last_year = period.previous(), period.a_year_earlier()
    current = _read(store, owner, level, str(period), only)
    before = _read(store, owner, level, str(previous), only)
    year_ago = _read(store, owner, level, str(last_year), only)
    items = []
    for code in sorted(stocks):
        stock = Stock.from_values(stocks[code])
        now_values = indicator_values(current.get(code, {}), stock, period)
        blocks = indicator_blocks(
            now_values,
            indicator_values(before.get(code, {}), stock, previous),
            indicator_values(year_ago.get(code, {}), stock, last_year),
        )
        computed = current[code].computed_at if code in current else stocks[code].computed_at
        items.append(IndicatorItem(level, code, _name(code), str(period), blocks, computed))
    return items


def tenant_indicators(
    *, principal: Principal, period: Period, level: str, store: AggregateStore | None = None
) -> list[IndicatorItem]:
    """The caller's tenant at one level; an operator reads its villages only."""
    principal.require(Role.DISTRICT_ADMIN, Role.OPERATOR, Role.VIEWER)
    tenant = principal.tenant
    if principal.role is Role.OPERATOR and level != "village":
        raise PermissionDeniedError("an operator key reads the indicators of its villages (level=village)")
    if level == "regency":
        return assemble(owner=NATIONAL, level="regency", period=period, only={tenant}, store=store)
    only = set(principal.villages) if principal.role is Role.OPERATOR else None
    return assemble(owner=tenant, level=level, period=period, only=only, store=store)


def national_indicators(
    *, principal: Principal, period: Period, level: str, store: AggregateStore | None = None
) -> list[IndicatorItem]:
    """National, province or regency indicators across tenants (national viewer, platform admin)."""
    principal.require(Role.NATIONAL_VIEWER, Role.PLATFORM_ADMIN)
    return with_approval(assemble(owner=NATIONAL, level=level, period=period, store=store), level, period, store)


def with_approval(
    items: list[IndicatorItem], level: str, period: Period, store: AggregateStore | None = None
) -> list[IndicatorItem]:
    """National items with their `approval` block (approved or provisional, share of approved regencies)."""
    blocks = approval_blocks(level, [i.code for i in items], period, store=store)
    return [replace(i, approval=blocks.get(i.code)) for i in items]


def as_public(item: IndicatorItem) -> dict[str, Any]:
    """The API and export shape of an item."""
    return {
        "scope": {"level": item.level, "code": item.code, "name": item.name},
        "period": item.period,
        "indicators": item.indicators,
        "computed_at": item.computed_at.isoformat() if item.computed_at else None,
        **({"approval": item.approval} if item.approval is not None else {}),
    }


def last_rollup_at(*, principal: Principal) -> dt.datetime | None:
    """When the rollup last finished without error (national viewer, platform admin)."""
    from chalicelib.repositories import changes
    from chalicelib.services.rollup import JOB

    principal.require(Role.NATIONAL_VIEWER, Role.PLATFORM_ADMIN)
    last = changes.last_job_run(JOB)
    return last[0] if last else None
