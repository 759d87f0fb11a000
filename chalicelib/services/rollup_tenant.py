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


@dataclass
class Touched:
    """The periods a set of recomputed village months (and the regency's own months) touch: each
    village's quarters and years to re-add, each kecamatan's periods, and the regency's."""

    derived: dict[str, set[Period]] = field(default_factory=lambda: defaultdict(set))
    kecamatan_periods: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    regency_periods: set[str] = field(default_factory=lambda: {STOCK})

    @classmethod
    def of(cls, village_months: Mapping[str, set[str]], direct_periods: Iterable[Period]) -> Touched:
        touched = cls()
        for village, months in village_months.items():
            for month in months:
                touched.derived[village].update(periods_of_month(month)[1:])
            periods = {STOCK, *months, *(str(p) for p in touched.derived[village])}
            touched.kecamatan_periods[areas.ancestor(village, areas.Level.KECAMATAN)] |= periods
            touched.regency_periods |= periods
        touched.regency_periods |= {str(p) for p in direct_periods}
        return touched

    def keys(self, tenant_id: str, village_months: Mapping[str, set[str]]) -> set[Key]:
        """Every stored figure the sums need and every key to be written: the villages' stocks and
        months, all months of each year re-added, the children of every kecamatan and of the regency.
        The children of a kecamatan are its villages in the reference list: the only codes reports
        and commitments may carry (commitments may name villages that are not registered)."""
        keys: set[Key] = set()
        for village, months in village_months.items():
            keys.add((partition(tenant_id, "village", STOCK), village))
            keys |= {(partition(tenant_id, "village", m), village) for m in months}
        for village, periods_of_village in self.derived.items():
            for year in {p.year for p in periods_of_village}:
                keys |= {
                    (partition(tenant_id, "village", str(m)), village)
                    for m in Period(year, PeriodKind.YEAR, 1).months()
                }
            keys |= {(partition(tenant_id, "village", str(p)), village) for p in periods_of_village}
        for kecamatan, periods in self.kecamatan_periods.items():
            for key in periods:
                keys |= {(partition(tenant_id, "village", key), v) for v in areas.children(kecamatan)}
                keys.add((partition(tenant_id, "kecamatan", key), kecamatan))
        for key in self.regency_periods:
            keys |= {(partition(tenant_id, "kecamatan", key), k) for k in (*areas.children(tenant_id), REGENCY_DIRECT)}
            keys.add((partition(NATIONAL, "regency", key), tenant_id))
        return keys


def _scopes(markers: list[changes.Marker]) -> tuple[dict[str, set[str]], set[str]]:
    """The dirty months of each village, and the regency's own dirty months."""
    village_months: dict[str, set[str]] = defaultdict(set)
    direct_months: set[str] = set()
    for marker in markers:
        for scope in marker.scopes:
            if scope == changes.REGENCY_SCOPE:
                direct_months.add(marker.month)
            else:
                village_months[scope].add(marker.month)
    return village_months, direct_months


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
    none waits forever behind villages that keep changing), their kecamatan and the regency.

    Everything the sums need, and what is stored under every key about to be written, comes in one
    batch read (100 keys a request) planned from the markers, rather than one query per (parent,
    period); a village whose basis changed recomputes more months, and only their keys are read after."""
    village_months, direct_months = _scopes(markers)
    direct_periods = {period for month in direct_months for period in periods_of_month(month)}
    problems = ProblemLog(tenant_id, now=now)
    villages = VillageRepository(tenant_id=tenant_id).get_many(village_months) if village_months else {}
    planned = Touched.of(village_months, direct_periods).keys(tenant_id, village_months)
    stored = store.read_keys(planned)
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
    computed_months: dict[str, set[str]] = {}
    bases: dict[str, VillageBasis | None] = {}

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
                stored_stock=stored.get((partition(tenant_id, "village", STOCK), village)),
            )
        except Exception as exc:  # recorded (throttling is raised again); the other villages go on
            problems.failed(village, None, exc)
            continue
        problems.village_done(village)
        fresh.update(computed)
        result.done.add(village)
        computed_months[village] = months

    direct_by_year: dict[int, set[Period]] = defaultdict(set)
    for period in direct_periods:
        direct_by_year[period.year].add(period)
    for year, periods_of_year in sorted(direct_by_year.items()):
        span = Period(year, PeriodKind.YEAR, 1)
        year_facts = facts(tenant_id, changes.REGENCY_SCOPE, span.start, span.end)
        for period in periods_of_year:
            fresh[(partition(tenant_id, "kecamatan", str(period)), REGENCY_DIRECT)] = dict(
                commitment_figures(year_facts, period)
            )
    if direct_months:
        result.done.add(changes.REGENCY_SCOPE)

    touched = Touched.of(computed_months, direct_periods)
    unread = touched.keys(tenant_id, computed_months) - planned
    if unread:  # months a changed basis added
        stored = {**stored, **store.read_keys(unread)}
    result.periods = set(touched.regency_periods)
    summary.aggregates_written += store.write(_sums(tenant_id, fresh, stored, touched, bases), now=now, stored=stored)
    problems.save()
    summary.reports_failed += problems.reports_failed
    summary.villages_failed += problems.villages_failed
    return result


def _sums(
    tenant_id: str,
    fresh: dict[Key, dict[str, Any]],
    stored: Mapping[Key, Stored],
    touched: Touched,
    bases: Mapping[str, VillageBasis | None],
) -> dict[Key, dict[str, Any]]:
    """The recomputed figures with the villages' quarters and years re-added, and kecamatan and
    regency re-summed from their children (recomputed, else stored)."""

    def current(key: Key) -> Mapping[str, Any] | None:
        return fresh.get(key, stored.get(key))

    for village, periods_of_village in touched.derived.items():
        for period in periods_of_village:
            of_months = (current((partition(tenant_id, "village", str(m)), village)) for m in period.months())
            fresh[(partition(tenant_id, "village", str(period)), village)] = sum_months(
                [m for m in of_months if m], bases.get(village), period
            )
    for kecamatan, periods in touched.kecamatan_periods.items():
        for key in periods:
            children = (current((partition(tenant_id, "village", key), v)) for v in areas.children(kecamatan))
            fresh[(partition(tenant_id, "kecamatan", key), kecamatan)] = sum_children([c for c in children if c], key)
    kecamatans = (*areas.children(tenant_id), REGENCY_DIRECT)
    for key in touched.regency_periods:
        children = (current((partition(tenant_id, "kecamatan", key), k)) for k in kecamatans)
        fresh[(partition(NATIONAL, "regency", key), tenant_id)] = sum_children([c for c in children if c], key)
    return fresh
