"""One tenant's part of a rollup run: its dirty villages, their kecamatan and the regency.

Villages are recomputed one by one from their sources; a bad report is left out and recorded
(services/rollup_problems.py), a village whose computation fails is recorded and left dirty, and
the others go on. `should_stop` is asked before each village: once the run's time budget is
spent, the villages left keep their markers and the sums are made of what was done (every
figure stored is then as true as before; the next run does the rest).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from chalicelib import areas
from chalicelib.domain.indicators import Stock, commitment_figures, sum_figures, sum_stocks
from chalicelib.domain.official_figures import VillageBasis
from chalicelib.domain.periods import Period, PeriodKind
from chalicelib.repositories import changes
from chalicelib.repositories.aggregates import NATIONAL, REGENCY_DIRECT, STOCK, AggregateStore, Key, Stored, partition
from chalicelib.repositories.periods import PeriodRepository
from chalicelib.repositories.reports import ReportRepository
from chalicelib.repositories.villages import VillageRepository
from chalicelib.services.rollup_problems import ProblemLog
from chalicelib.services.rollup_village import FactSource, VillageSources, compute_village, sum_months

if TYPE_CHECKING:
    from chalicelib.services.rollup import RollupSummary

__all__ = ["FactSource", "TenantResult", "roll_tenant", "sum_children"]


@dataclass
class TenantResult:
    """What a tenant's part of a run did."""

    periods: set[str]  # the regency periods written (for the national markers)
    done: set[str] = field(default_factory=set)  # the scopes computed: their markers may be cleared
    stopped_at: str | None = None  # the first village not started when the budget ran out


def periods_of_month(month: str) -> tuple[Period, Period, Period]:
    """The month, its quarter and its year."""
    return Period.all_of(dt.date.fromisoformat(month + "-01"))


def _plain_sum(children: list[Mapping[str, Any]], period: str) -> dict[str, Any]:
    if period == STOCK:
        return sum_stocks(Stock.from_values(c) for c in children).as_values()
    return dict(sum_figures(children))


def sum_children(children: Iterable[Mapping[str, Any]], period: str) -> dict[str, Any]:
    """A parent's figures for a period (or its stock) from its children's, with those of each cohort
    (`by_cohort`: from the villages' `cohort`, or the children's own `by_cohort`)."""
    children = list(children)
    total = _plain_sum(children, period)
    groups: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for child in children:
        if child.get("cohort"):
            groups[str(child["cohort"])].append(child)
        for cohort, part in (child.get("by_cohort") or {}).items():
            groups[cohort].append(part)
    if groups:
        total["by_cohort"] = {cohort: _plain_sum(parts, period) for cohort, parts in sorted(groups.items())}
    return total


def roll_tenant(
    tenant_id: str,
    markers: list[changes.Marker],
    *,
    store: AggregateStore,
    facts: FactSource,
    now: dt.datetime,
    summary: RollupSummary,
    should_stop: Callable[[], bool] = lambda: False,
    resume_village: str = "",
) -> TenantResult:
    """Recompute a tenant's dirty villages (until `should_stop`; from `resume_village` round to it, so
    none waits forever behind villages that keep changing), their kecamatan and the regency."""
    village_months: dict[str, set[str]] = defaultdict(set)
    direct_months: set[str] = set()
    for marker in markers:
        for scope in marker.scopes:
            (
                direct_months.add(marker.month)
                if scope == changes.REGENCY_SCOPE
                else village_months[scope].add(marker.month)
            )

    problems = ProblemLog(tenant_id, now=now)
    villages = VillageRepository(tenant_id=tenant_id).get_many(village_months) if village_months else {}
    stock_keys = {(partition(tenant_id, "village", STOCK), code) for code in village_months}
    stored_stocks = store.read_keys(stock_keys) if stock_keys else {}
    sources = VillageSources(
        tenant_id,
        ReportRepository(tenant_id=tenant_id),
        facts,
        problems,
        PeriodRepository(tenant_id=tenant_id).settings().deadline_day if village_months else 0,
        now,
    )
    result = TenantResult(periods={STOCK})
    fresh: dict[Key, dict[str, Any]] = {}  # figures recomputed by this run
    derived: dict[str, set[Period]] = defaultdict(set)  # village -> its quarters and years to re-add
    bases: dict[str, VillageBasis | None] = {}
    kecamatan_periods: dict[str, set[str]] = defaultdict(set)

    for village in sorted(village_months, key=lambda code: (code < resume_village, code)):
        if should_stop():
            result.stopped_at = village
            break
        summary.villages += 1
        try:
            computed, months, bases[village] = compute_village(
                sources,
                village,
                village_months[village],
                village=villages.get(village),
                stored_stock=stored_stocks.get((partition(tenant_id, "village", STOCK), village)),
            )
        except Exception as exc:  # recorded (throttling is raised again); the other villages go on
            problems.failed(village, None, exc)
            continue
        problems.village_done(village)
        fresh.update(computed)
        result.done.add(village)
        for month in months:
            derived[village].update(periods_of_month(month)[1:])
        periods = {STOCK, *months, *(str(p) for p in derived[village])}
        kecamatan_periods[areas.ancestor(village, areas.Level.KECAMATAN)] |= periods
        result.periods |= periods

    direct_by_year: dict[int, set[Period]] = defaultdict(set)
    for month_text in direct_months:
        for period in periods_of_month(month_text):
            direct_by_year[period.year].add(period)
    for year, periods_of_year in sorted(direct_by_year.items()):
        span = Period(year, PeriodKind.YEAR, 1)
        year_facts = facts(tenant_id, changes.REGENCY_SCOPE, span.start, span.end)
        for period in periods_of_year:
            fresh[(partition(tenant_id, "kecamatan", str(period)), REGENCY_DIRECT)] = dict(
                commitment_figures(year_facts, period)
            )
            result.periods.add(str(period))
    if direct_months:
        result.done.add(changes.REGENCY_SCOPE)

    summary.aggregates_written += _sum_and_write(
        tenant_id, fresh, derived, bases, kecamatan_periods, result.periods, store, now, stored_stocks
    )
    problems.save()
    summary.reports_failed += problems.reports_failed
    summary.villages_failed += problems.villages_failed
    return result


def _sum_and_write(
    tenant_id: str,
    fresh: dict[Key, dict[str, Any]],
    derived: dict[str, set[Period]],
    bases: Mapping[str, VillageBasis | None],
    kecamatan_periods: dict[str, set[str]],
    regency_periods: set[str],
    store: AggregateStore,
    now: dt.datetime,
    already_read: Mapping[Key, Stored],
) -> int:
    """Re-add the villages' quarters and years, re-sum kecamatan and regency, and store what changed.

    Everything the sums need, and what is stored under every key to be written, comes in one batch
    read (100 keys a request) rather than one query per (parent, period). The children of a kecamatan
    are its villages in the reference list: the only codes reports and commitments may carry
    (commitments may name villages that are not registered, so registration is not enough)."""
    villages_of = {k: areas.children(k) for k in kecamatan_periods}
    kecamatans = (*areas.children(tenant_id), REGENCY_DIRECT)
    keys: set[Key] = set(fresh)
    for village, periods_of_village in derived.items():
        for year in {p.year for p in periods_of_village}:
            keys |= {
                (partition(tenant_id, "village", str(m)), village) for m in Period(year, PeriodKind.YEAR, 1).months()
            }
        keys |= {(partition(tenant_id, "village", str(p)), village) for p in periods_of_village}
    for kecamatan, periods in kecamatan_periods.items():
        for key in periods:
            keys |= {(partition(tenant_id, "village", key), v) for v in villages_of[kecamatan]}
            keys.add((partition(tenant_id, "kecamatan", key), kecamatan))
    for key in regency_periods:
        keys |= {(partition(tenant_id, "kecamatan", key), k) for k in kecamatans}
        keys.add((partition(NATIONAL, "regency", key), tenant_id))
    stored = {**already_read, **store.read_keys(keys - set(already_read))}

    def current(key: Key) -> Mapping[str, Any] | None:
        return fresh.get(key, stored.get(key))

    for village, periods_of_village in derived.items():
        for period in periods_of_village:
            of_months = (current((partition(tenant_id, "village", str(m)), village)) for m in period.months())
            fresh[(partition(tenant_id, "village", str(period)), village)] = sum_months(
                [m for m in of_months if m], bases.get(village), period
            )
    for kecamatan, periods in kecamatan_periods.items():
        for key in periods:
            children = (current((partition(tenant_id, "village", key), v)) for v in villages_of[kecamatan])
            fresh[(partition(tenant_id, "kecamatan", key), kecamatan)] = sum_children([c for c in children if c], key)
    for key in regency_periods:
        children = (current((partition(tenant_id, "kecamatan", key), k)) for k in kecamatans)
        fresh[(partition(NATIONAL, "regency", key), tenant_id)] = sum_children([c for c in children if c], key)
    return store.write(fresh, now=now, stored=stored)
