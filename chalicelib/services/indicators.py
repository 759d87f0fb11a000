"""Reading the indicators: tenant views (village, kecamatan, regency) and national views."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from chalicelib import areas
from chalicelib.clock import as_text
from chalicelib.domain.indicators import Stock
from chalicelib.domain.periods import Period
from chalicelib.domain.principal import Principal, Role
from chalicelib.domain.readings import scope_blocks
from chalicelib.domain.rollup_plan import NATION, REGENCY_DIRECT, STOCK, FigureKey
from chalicelib.errors import PermissionDeniedError
from chalicelib.services.approval_state import Approvals, approval_blocks
from chalicelib.stores import FigurePort, for_tenant, platform
from chalicelib.stores.rollup import Stored

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
    return "Indonesia" if code == NATION else (areas.name_of(code) or code)


def _read(store: FigurePort, level: str, period: str, only: set[str] | None) -> dict[str, Stored]:
    if only is not None and len(only) <= 100:
        return {key.code: values for key, values in store.read_keys(FigureKey(level, period, c) for c in only).items()}
    items = store.read_level(level, period)
    return {k: v for k, v in items.items() if only is None or k in only}


def of_cohort(values: Mapping[str, Any] | None, cohort: str | None) -> Mapping[str, Any] | None:
    """A stored item's figures, or (with a cohort) those of its villages of that cohort: a village's own
    when it is of it, a parent's from its `by_cohort`; None when it has none of that cohort."""
    if cohort is None or values is None:
        return values
    if values.get("cohort") == cohort:
        return values
    by_cohort: Mapping[str, Mapping[str, Any]] = values.get("by_cohort") or {}
    return by_cohort.get(cohort)


def assemble(
    store: FigurePort,
    *,
    level: str,
    period: Period,
    only: set[str] | None = None,
    cohort: str | None = None,
) -> list[IndicatorItem]:
    """Indicators of every scope of a level that has registered villages (or of `only`); with a cohort,
    of its villages of that cohort in the scopes that have some."""
    stocks = {k: v for k, v in _read(store, level, STOCK, only).items() if k != REGENCY_DIRECT}
    current = _read(store, level, str(period), only)
    before = _read(store, level, str(period.previous()), only)
    year_ago = _read(store, level, str(period.a_year_earlier()), only)
    items = []
    for code in sorted(stocks):
        stock_values = of_cohort(stocks[code], cohort)
        if stock_values is None:
            continue
        blocks = scope_blocks(
            of_cohort(current.get(code), cohort) or {},
            of_cohort(before.get(code), cohort) or {},
            of_cohort(year_ago.get(code), cohort) or {},
            Stock.from_values(stock_values),
            period,
        )
        computed = current[code].computed_at if code in current else stocks[code].computed_at
        items.append(IndicatorItem(level, code, _name(code), str(period), blocks, computed))
    return items


def tenant_indicators(*, principal: Principal, period: Period, level: str) -> list[IndicatorItem]:
    """The caller's tenant at one level; an operator reads its villages only."""
    principal.require(Role.DISTRICT_ADMIN, Role.OPERATOR, Role.VIEWER)
    tenant = principal.tenant
    if principal.role is Role.OPERATOR and level != "village":
        raise PermissionDeniedError("an operator key reads the indicators of its villages (level=village)")
    only = set(principal.villages) if principal.role is Role.OPERATOR else None
    return assemble(for_tenant(tenant).figures, level=level, period=period, only=only)


def national_indicators(
    *,
    principal: Principal,
    period: Period,
    level: str,
    cohort: str | None = None,
) -> list[IndicatorItem]:
    """National, province or regency indicators across tenants (national viewer, platform admin);
    with a cohort, of its villages only."""
    principal.require(Role.NATIONAL_VIEWER, Role.PLATFORM_ADMIN)
    return national_items(level, period, cohort)


def national_items(
    level: str, period: Period, cohort: str | None = None, approvals: Approvals | None = None
) -> list[IndicatorItem]:
    """A national level's items with their approval blocks (the reads and the export; an export
    shares `approvals` between its levels and periods)."""
    figures = platform().national_figures
    return with_approval(assemble(figures, level=level, period=period, cohort=cohort), level, period, approvals)


def cohorts(*, principal: Principal) -> list[tuple[str, int]]:
    """The cohorts the nation's villages belong to, with how many registered villages each has."""
    principal.require(Role.NATIONAL_VIEWER, Role.PLATFORM_ADMIN)
    stock: Mapping[str, Any] = _read(platform().national_figures, "national", STOCK, {NATION}).get(NATION) or {}
    by_cohort: Mapping[str, Mapping[str, Any]] = stock.get("by_cohort") or {}
    return [(name, int(values.get("villages_registered", 0))) for name, values in sorted(by_cohort.items())]


def with_approval(
    items: list[IndicatorItem], level: str, period: Period, approvals: Approvals | None = None
) -> list[IndicatorItem]:
    """National items with their `approval` block (approved or provisional, share of approved regencies)."""
    blocks = approval_blocks(level, [i.code for i in items], period, approvals)
    return [replace(i, approval=blocks.get(i.code)) for i in items]


def as_public(item: IndicatorItem) -> dict[str, Any]:
    """The API and export shape of an item."""
    return {
        "scope": {"level": item.level, "code": item.code, "name": item.name},
        "period": item.period,
        "indicators": item.indicators,
        "computed_at": as_text(item.computed_at) if item.computed_at else None,
        **({"approval": item.approval} if item.approval is not None else {}),
    }


def last_rollup_at(*, principal: Principal) -> dt.datetime | None:
    """When the rollup last finished without error (national viewer, platform admin)."""
    from chalicelib.services.rollup import JOB

    principal.require(Role.NATIONAL_VIEWER, Role.PLATFORM_ADMIN)
    last = platform().job_runs.last_run(JOB)
    return last[0] if last else None
