"""The incremental rollup: dirty markers in, indicator aggregates (and the national export) out.

Each run recomputes only what the change feed names. For every dirty village and year it reads
that village's reports of the year (one query), its partnerships (one query of a sparse index)
and its commitment facts, and rewrites the figures of the dirty months, their quarters and the
year. Parents are then re-summed from their children, one query per (parent, period): kecamatan,
regency, and, after every tenant, province and nation. Work grows with what changed, not with history.

Recomputing from the source makes a run idempotent: rerunning it, or finishing a run that crashed,
writes the same figures (unchanged ones are not even rewritten). A tenant's markers are cleared
only after its regency figures and a national marker are stored; national markers only after the
national figures and the export. Markers younger than the settle window are recomputed but kept,
because the change they announce may still be in flight.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from chalicelib import areas
from chalicelib.clock import utcnow
from chalicelib.config import get_settings
from chalicelib.domain.indicators import (
    Stock,
    TransitionFact,
    commitment_figures,
    partnership_series,
    sum_figures,
    sum_stocks,
    village_figures,
)
from chalicelib.domain.periods import Period, PeriodKind
from chalicelib.observability import MetricUnit, logger, metrics
from chalicelib.repositories import changes
from chalicelib.repositories.aggregates import NATIONAL, REGENCY_DIRECT, STOCK, AggregateStore, Key, partition
from chalicelib.repositories.reports import ReportRepository
from chalicelib.repositories.villages import VillageRepository

JOB = "rollup"
FactSource = Callable[[str, str, dt.date, dt.date], list[TransitionFact]]


@dataclass
class RollupSummary:
    """What a run did."""

    tenants: int = 0
    villages: int = 0
    aggregates_written: int = 0
    national_periods: list[str] = field(default_factory=list)
    exported: list[str] = field(default_factory=list)
    markers_cleared: int = 0
    markers_kept: int = 0

    def as_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


def _periods_of_month(month: str) -> tuple[Period, Period, Period]:
    return Period.all_of(dt.date.fromisoformat(month + "-01"))


def roll_tenant(
    tenant_id: str,
    markers: list[changes.Marker],
    *,
    store: AggregateStore,
    facts: FactSource,
    now: dt.datetime,
    summary: RollupSummary,
) -> set[str]:
    """Recompute a tenant's dirty villages, their kecamatan and the regency; the dirty periods."""
    village_months: dict[str, set[str]] = defaultdict(set)
    direct_months: set[str] = set()
    for marker in markers:
        for scope in marker.scopes:
            (
                direct_months.add(marker.month)
                if scope == changes.REGENCY_SCOPE
                else village_months[scope].add(marker.month)
            )

    reports = ReportRepository(tenant_id=tenant_id)
    registered = VillageRepository(tenant_id=tenant_id).registered(village_months) if village_months else set()
    writes: dict[Key, dict[str, object]] = {}
    kecamatan_periods: dict[str, set[str]] = defaultdict(set)
    regency_periods: set[str] = {STOCK}

    for village, months in sorted(village_months.items()):
        summary.villages += 1
        kecamatan = areas.ancestor(village, areas.Level.KECAMATAN)
        stock = Stock(1 if village in registered else 0, partnership_series(reports.partnerships_of(village)))
        writes[(partition(tenant_id, "village", STOCK), village)] = stock.as_values()
        kecamatan_periods[kecamatan].add(STOCK)
        by_year: dict[int, set[Period]] = defaultdict(set)
        for month in months:
            for period in _periods_of_month(month):
                by_year[period.year].add(period)
        for year, periods in sorted(by_year.items()):
            span = Period(year, PeriodKind.YEAR, 1)
            year_reports = reports.in_village_between(village, span.start, span.end)
            year_facts = facts(tenant_id, village, span.start, span.end)
            for period in periods:
                writes[(partition(tenant_id, "village", str(period)), village)] = dict(
                    village_figures(year_reports, year_facts, period)
                )
                kecamatan_periods[kecamatan].add(str(period))
                regency_periods.add(str(period))

    direct_by_year: dict[int, set[Period]] = defaultdict(set)
    for month in direct_months:
        for period in _periods_of_month(month):
            direct_by_year[period.year].add(period)
    for year, periods in sorted(direct_by_year.items()):
        span = Period(year, PeriodKind.YEAR, 1)
        year_facts = facts(tenant_id, changes.REGENCY_SCOPE, span.start, span.end)
        for period in periods:
            writes[(partition(tenant_id, "kecamatan", str(period)), REGENCY_DIRECT)] = dict(
                commitment_figures(year_facts, period)
            )
            regency_periods.add(str(period))
    summary.aggregates_written += store.write(writes, now=now)

    writes = {}
    for kecamatan, keys in kecamatan_periods.items():
        for key in keys:
            children = store.read_partition(partition(tenant_id, "village", key), prefix=kecamatan + ".")
            writes[(partition(tenant_id, "kecamatan", key), kecamatan)] = _sum(children.values(), key)
    summary.aggregates_written += store.write(writes, now=now)

    writes = {}
    for key in regency_periods:
        children = store.read_partition(partition(tenant_id, "kecamatan", key))
        writes[(partition(NATIONAL, "regency", key), tenant_id)] = _sum(children.values(), key)
    summary.aggregates_written += store.write(writes, now=now)
    return regency_periods


def _sum(children: Iterable[dict[str, object]], period: str) -> dict[str, object]:
    if period == STOCK:
        return sum_stocks(Stock.from_values(c) for c in children).as_values()
    return dict(sum_figures(children))


def roll_national(
    markers: list[changes.Marker], *, store: AggregateStore, now: dt.datetime, summary: RollupSummary
) -> list[str]:
    """Re-sum the dirty provinces and the nation for each dirty period; the periods done."""
    done = []
    for marker in sorted(markers, key=lambda m: m.month):
        period = marker.month
        writes: dict[Key, dict[str, object]] = {}
        for province in sorted(marker.scopes):
            children = store.read_partition(partition(NATIONAL, "regency", period), prefix=province + ".")
            writes[(partition(NATIONAL, "province", period), province)] = _sum(children.values(), period)
        summary.aggregates_written += store.write(writes, now=now)
        provinces = store.read_partition(partition(NATIONAL, "province", period))
        summary.aggregates_written += store.write(
            {(partition(NATIONAL, "national", period), NATIONAL): _sum(provinces.values(), period)}, now=now
        )
        done.append(period)
    return done


def _settled(marker: changes.Marker, now: dt.datetime, settle_seconds: int) -> bool:
    return marker.touched_at is None or marker.touched_at <= now - dt.timedelta(seconds=settle_seconds)


def run(
    *,
    now: dt.datetime | None = None,
    settle_seconds: int | None = None,
    facts: FactSource | None = None,
    exporter: Callable[[list[str], dt.datetime], list[str]] | None = None,
) -> RollupSummary:
    """One rollup run over every dirty tenant, then the nation."""
    now = now or utcnow()
    settle = get_settings().rollup_settle_seconds if settle_seconds is None else settle_seconds
    facts = facts or default_facts()
    store = AggregateStore()
    summary = RollupSummary()
    pending = changes.pending()
    by_tenant: dict[str, list[changes.Marker]] = defaultdict(list)
    for marker in pending:
        by_tenant[marker.tenant_id].append(marker)
    national_markers = by_tenant.pop(NATIONAL, [])

    for tenant_id, markers in sorted(by_tenant.items()):
        summary.tenants += 1
        periods = roll_tenant(tenant_id, markers, store=store, facts=facts, now=now, summary=summary)
        province = areas.ancestor(tenant_id, areas.Level.PROVINCE)
        changes.mark_changed(tenant_id=NATIONAL, changes=[(p, province) for p in periods], now=now)
        for marker in markers:
            if _settled(marker, now, settle):
                summary.markers_cleared += changes.clear(marker, marker.scopes)
            else:
                summary.markers_kept += len(marker.scopes)

    national_markers = [m for m in changes.pending() if m.tenant_id == NATIONAL]
    summary.national_periods = roll_national(national_markers, store=store, now=now, summary=summary)
    if exporter is None:
        from chalicelib.services.export import export_periods

        exporter = export_periods
    summary.exported = exporter(summary.national_periods, now)
    for marker in national_markers:
        summary.markers_cleared += changes.clear(marker, marker.scopes)

    previous = changes.last_job_run(JOB)
    changes.record_job_run(JOB, finished_at=utcnow(), summary=summary.as_dict())
    if previous is not None:
        lag = (now - previous[0]).total_seconds()
        metrics.add_metric(name="RollupLagSeconds", unit=MetricUnit.Seconds, value=max(lag, 0))
    metrics.add_metric(name="RollupSucceeded", unit=MetricUnit.Count, value=1)
    metrics.add_metric(name="RollupAggregatesWritten", unit=MetricUnit.Count, value=summary.aggregates_written)
    logger.info("rollup finished", extra={"summary": summary.as_dict()})
    return summary


def default_facts() -> FactSource:
    """Commitment facts from the commitments tracker."""
    from chalicelib.services.commitment_facts import transition_facts

    return transition_facts


def rebuild(
    *,
    now: dt.datetime | None = None,
    facts: FactSource | None = None,
    exporter: Callable[[list[str], dt.datetime], list[str]] | None = None,
) -> RollupSummary:
    """Recompute every aggregate from scratch: drop them all, mark every month of every village that
    has reports (and every registered village) dirty, and run. For a changed definition, or recovery."""
    from chalicelib.repositories import aggregates
    from chalicelib.repositories.reports import village_months
    from chalicelib.repositories.tenants import TenantRepository
    from chalicelib.services.commitment_facts import fact_months

    now = now or utcnow()
    aggregates.delete_all()
    month_now = now.strftime("%Y-%m")
    tenants, cursor = [], None
    while True:
        page, cursor = TenantRepository().page(status=None, limit=100, cursor=cursor)
        tenants += [t.tenant_id for t in page]
        if not cursor:
            break
    for tenant_id in tenants:
        dirty = village_months(tenant_id)
        dirty |= {(month_now, code) for code in VillageRepository(tenant_id=tenant_id).all_codes()}
        dirty |= fact_months(tenant_id)
        if dirty:
            changes.mark_changed(tenant_id=tenant_id, changes=dirty, now=now)
    return run(now=now, settle_seconds=0, facts=facts, exporter=exporter)
