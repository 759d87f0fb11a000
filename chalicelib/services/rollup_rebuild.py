"""A rebuild from scratch: drop every figure, mark everything a tenant has data in, recompute it.

Serially (`rollup.rebuild`) every tenant is marked first, the figures dropped and the run follows;
through the queue (`rollup_runs.plan_rebuild`) the plan records every tenant as owed
(repositories/rollup_rebuilds.py), drops the figures and sends every tenant a message, and each
tenant's worker reads its history whole (one paged query of its reports, one of its facts), marks its
months from it, pays what is owed and rolls them from it: the plan stays a few seconds and a tenant's
reads are a few pages rather than three queries per village. Either way, a rebuild stopped halfway
leaves what it dropped marked or owed, for the next run.
"""

from __future__ import annotations

import datetime as dt

from chalicelib.services.rollup_village import TenantHistory
from chalicelib.stores import for_tenant, platform

__all__ = ["drop_figures", "mark_everything", "mark_tenant", "tenant_ids"]


def tenant_ids() -> list[str]:
    """Every tenant's id, whatever its state."""
    tenants, cursor = [], None
    while True:
        page, cursor = platform().tenants.page(status=None, limit=100, cursor=cursor)
        tenants += [t.tenant_id for t in page]
        if not cursor:
            return tenants


def drop_figures() -> int:
    """Remove every figure of every level; how many were removed."""
    return platform().all_figures.delete_all()


def mark_tenant(tenant_id: str, now: dt.datetime, history: TenantHistory | None = None) -> None:
    """Mark dirty every month of a tenant's villages with reports or commitment facts (from its
    `history` when read already), and every registered village's current month."""
    stores = for_tenant(tenant_id)
    if history is not None:
        dirty = history.months()
    else:
        dirty = stores.reports.village_months() | stores.advocacy.facts.months()
    dirty |= {(now.strftime("%Y-%m"), code) for code in stores.villages.all_codes()}
    if dirty:
        stores.changes.mark(dirty, now=now)


def mark_everything(now: dt.datetime) -> None:
    """Mark every tenant's months dirty, then drop every figure (the caller holds the lease): stopped
    at any point, what is dropped is marked, and the next run recomputes it."""
    for tenant_id in tenant_ids():
        mark_tenant(tenant_id, now)
    drop_figures()
