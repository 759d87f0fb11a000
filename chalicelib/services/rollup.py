"""The incremental rollup: dirty markers in, indicator aggregates (and the national export) out.

Each run recomputes only what the change feed names. For every dirty village it reads, per dirty
month, that month's reports (one query) and commitment facts (one query), and its partnerships
(one query of a sparse index) for its stock; its quarters and year are then re-added from its
month figures. Parents are re-summed from their children: for each tenant, one batch read (100
keys a request) fetches every child figure the sums of its kecamatan and its regency need, and
what is stored under every key about to be written; one batch write stores what changed. After
every tenant, provinces and the nation are re-summed the same way. Reads grow with what changed
(a village-month's reports, its kecamatan's and regency's children), not with history.

Recomputing from the source makes a run idempotent: rerunning it, or finishing a run that crashed,
writes the same figures (unchanged ones are not even rewritten). A tenant's markers are cleared
only after its regency figures and a national marker are stored; national markers only after the
national figures and the export. Markers younger than the settle window are recomputed but kept,
because the change they announce may still be in flight.

The same makes a time budget safe: a run given one starts no tenant once it is spent; the tenants
left keep their markers, and the next run starts with the first of them (round robin by tenant id,
so none waits forever). A rebuild of the whole country thus spreads over a few scheduled runs
instead of outliving Lambda's 15 minutes (docs/benchmarks.md).
"""

from __future__ import annotations

import datetime as dt
import secrets
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
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
from chalicelib.errors import ConflictError, is_throttling
from chalicelib.observability import MetricUnit, logger, metrics, span
from chalicelib.repositories import changes
from chalicelib.repositories.aggregates import NATIONAL, REGENCY_DIRECT, STOCK, AggregateStore, Key, partition
from chalicelib.repositories.reports import ReportRepository
from chalicelib.repositories.villages import VillageRepository

JOB = "rollup"
# How long a run's lease lasts: Lambda's longest timeout, so a run that was killed frees it in time.
LEASE_SECONDS = 900
FactSource = Callable[[str, str, dt.date, dt.date], list[TransitionFact]]


class RollupBusyError(ConflictError):
    """Another run holds the lease."""

    code = "rollup_running"


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
    tenants_deferred: int = 0  # dirty tenants left for the next run when the time budget ran out
    resume_from: str | None = None  # the first of them: where the next run starts
    tenants_failed: list[str] = field(default_factory=list)  # kept their markers for the next run

    def as_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


def _periods_of_month(month: str) -> tuple[Period, Period, Period]:
    return Period.all_of(dt.date.fromisoformat(month + "-01"))


def _sum_months(months: Iterable[Mapping[str, object]]) -> dict[str, object]:
    """A village's quarter or year from its months: flows add up, it reported if it did in any month."""
    figures = sum_figures(months)
    figures["villages_reporting"] = min(1, figures["villages_reporting"])
    return dict(figures)


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
    fresh: dict[Key, dict[str, object]] = {}  # figures recomputed by this run
    derived: dict[str, set[Period]] = defaultdict(set)  # village -> its quarters and years to re-add
    kecamatan_periods: dict[str, set[str]] = defaultdict(set)
    regency_periods: set[str] = {STOCK}

    # From the sources: each dirty village's stock and dirty months (per year, one query of its
    # reports and one of its commitment facts, from its first to its last dirty month of that year),
    # and the regency's own figures.
    for village, months in sorted(village_months.items()):
        summary.villages += 1
        stock = Stock(1 if village in registered else 0, partnership_series(reports.partnerships_of(village)))
        fresh[(partition(tenant_id, "village", STOCK), village)] = stock.as_values()
        by_year: dict[int, list[Period]] = defaultdict(list)
        for text in sorted(months):
            month = Period.parse(text)
            by_year[month.year].append(month)
        for dirty in by_year.values():
            start, end = dirty[0].start, dirty[-1].end
            span_reports = reports.in_village_between(village, start, end)
            span_facts = facts(tenant_id, village, start, end)
            for month in dirty:
                fresh[(partition(tenant_id, "village", str(month)), village)] = dict(
                    village_figures(span_reports, span_facts, month)
                )
                derived[village].update(_periods_of_month(str(month))[1:])
        periods = {STOCK, *months, *(str(p) for p in derived[village])}
        kecamatan_periods[areas.ancestor(village, areas.Level.KECAMATAN)] |= periods
        regency_periods |= periods

    direct_by_year: dict[int, set[Period]] = defaultdict(set)
    for month_text in direct_months:
        for period in _periods_of_month(month_text):
            direct_by_year[period.year].add(period)
    for year, periods_of_year in sorted(direct_by_year.items()):
        span = Period(year, PeriodKind.YEAR, 1)
        year_facts = facts(tenant_id, changes.REGENCY_SCOPE, span.start, span.end)
        for period in periods_of_year:
            fresh[(partition(tenant_id, "kecamatan", str(period)), REGENCY_DIRECT)] = dict(
                commitment_figures(year_facts, period)
            )
            regency_periods.add(str(period))

    # Everything the sums need, and what is stored under every key to be written, in one batch read
    # (100 keys a request) rather than one query per (parent, period). The children of a kecamatan
    # are its villages in the reference list: the only codes reports and commitments may carry
    # (commitments may name villages that are not registered, so registration is not enough).
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
    stored = store.read_keys(keys)

    def current(key: Key) -> Mapping[str, object] | None:
        return fresh.get(key, stored.get(key))

    for village, periods_of_village in derived.items():
        for period in periods_of_village:
            of_months = (current((partition(tenant_id, "village", str(m)), village)) for m in period.months())
            fresh[(partition(tenant_id, "village", str(period)), village)] = _sum_months(m for m in of_months if m)
    for kecamatan, periods in kecamatan_periods.items():
        for key in periods:
            children = (current((partition(tenant_id, "village", key), v)) for v in villages_of[kecamatan])
            fresh[(partition(tenant_id, "kecamatan", key), kecamatan)] = _sum([c for c in children if c], key)
    for key in regency_periods:
        children = (current((partition(tenant_id, "kecamatan", key), k)) for k in kecamatans)
        fresh[(partition(NATIONAL, "regency", key), tenant_id)] = _sum([c for c in children if c], key)
    summary.aggregates_written += store.write(fresh, now=now, stored=stored)
    return regency_periods


def _sum(children: Iterable[Mapping[str, object]], period: str) -> dict[str, object]:
    if period == STOCK:
        return sum_stocks(Stock.from_values(c) for c in children).as_values()
    return dict(sum_figures(children))


def roll_national(
    markers: list[changes.Marker], *, store: AggregateStore, now: dt.datetime, summary: RollupSummary
) -> list[str]:
    """Re-sum the dirty provinces and the nation for each dirty period (one batch read for all of
    them); the periods done."""
    dirty = {marker.month: sorted(marker.scopes) for marker in markers}
    provinces = [p.code for p in areas.all_of_level(areas.Level.PROVINCE)]
    keys: set[Key] = set()
    for period, scopes in dirty.items():
        for province in scopes:
            keys |= {(partition(NATIONAL, "regency", period), r) for r in areas.children(province)}
        keys |= {(partition(NATIONAL, "province", period), p) for p in provinces}
        keys.add((partition(NATIONAL, "national", period), NATIONAL))
    stored = store.read_keys(keys)
    fresh: dict[Key, dict[str, object]] = {}
    for period, scopes in sorted(dirty.items()):
        for province in scopes:
            children = (stored.get((partition(NATIONAL, "regency", period), r)) for r in areas.children(province))
            fresh[(partition(NATIONAL, "province", period), province)] = _sum([c for c in children if c], period)
        parts = (fresh.get(k, stored.get(k)) for k in ((partition(NATIONAL, "province", period), p) for p in provinces))
        fresh[(partition(NATIONAL, "national", period), NATIONAL)] = _sum([p for p in parts if p], period)
    summary.aggregates_written += store.write(fresh, now=now, stored=stored)
    return sorted(dirty)


def _settled(marker: changes.Marker, now: dt.datetime, settle_seconds: int) -> bool:
    return marker.touched_at is None or marker.touched_at <= now - dt.timedelta(seconds=settle_seconds)


def run(
    *,
    now: dt.datetime | None = None,
    settle_seconds: int | None = None,
    facts: FactSource | None = None,
    exporter: Callable[[list[str], dt.datetime], list[str]] | None = None,
    budget_seconds: float | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> RollupSummary:
    """One rollup run over the dirty tenants, then the nation; one run at a time (a lease in the
    changes table: whoever holds it, the schedule or run-now, the other gets RollupBusyError).
    With a budget, no tenant is started once it is spent (one always is, so every run makes
    progress). A tenant that fails keeps its markers and does not stop the others; throttling,
    which would fail them all, stops the run."""
    now = now or utcnow()
    with _lease(now):
        return _run(now, settle_seconds, facts, exporter, budget_seconds, clock)


@contextmanager
def _lease(now: dt.datetime) -> Iterator[None]:
    """Hold the rollup's lease for the block, or raise RollupBusyError."""
    holder = secrets.token_hex(8)
    if not changes.acquire_lease(JOB, holder=holder, now=now, seconds=LEASE_SECONDS):
        raise RollupBusyError("a rollup is running; its figures will be ready when it ends")
    try:
        yield
    finally:
        changes.release_lease(JOB, holder=holder)


def _run(
    now: dt.datetime,
    settle_seconds: int | None,
    facts: FactSource | None,
    exporter: Callable[[list[str], dt.datetime], list[str]] | None,
    budget_seconds: float | None,
    clock: Callable[[], float],
) -> RollupSummary:
    started = clock()
    settle = get_settings().rollup_settle_seconds if settle_seconds is None else settle_seconds
    facts = facts or default_facts()
    store = AggregateStore()
    summary = RollupSummary()
    pending = changes.pending()
    by_tenant: dict[str, list[changes.Marker]] = defaultdict(list)
    for marker in pending:
        by_tenant[marker.tenant_id].append(marker)
    by_tenant.pop(NATIONAL, None)
    previous = changes.last_job_run(JOB)
    resume = str((previous[1] if previous else {}).get("resume_from") or "")

    order = sorted(by_tenant, key=lambda tenant: (tenant < resume, tenant))  # from `resume` round to it
    for done, tenant_id in enumerate(order):
        if done and budget_seconds is not None and clock() - started >= budget_seconds:
            summary.tenants_deferred, summary.resume_from = len(order) - done, tenant_id
            break
        markers = by_tenant[tenant_id]
        summary.tenants += 1
        try:
            with span("roll_tenant", tenant_id=tenant_id):
                periods = roll_tenant(tenant_id, markers, store=store, facts=facts, now=now, summary=summary)
            province = areas.ancestor(tenant_id, areas.Level.PROVINCE)
            changes.mark_changed(tenant_id=NATIONAL, changes=[(p, province) for p in periods], now=now)
        except Exception as exc:  # its markers stay: the next run tries again; the others go on
            if is_throttling(exc):  # unless the store is overloaded for everyone: stop here
                raise
            logger.exception("rollup of a tenant failed", extra={"tenant_id": tenant_id})
            summary.tenants_failed.append(tenant_id)
            continue
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

    changes.record_job_run(JOB, finished_at=utcnow(), summary=summary.as_dict())
    if previous is not None:
        lag = (now - previous[0]).total_seconds()
        metrics.add_metric(name="RollupLagSeconds", unit=MetricUnit.Seconds, value=max(lag, 0))
    if not summary.tenants_failed:
        metrics.add_metric(name="RollupSucceeded", unit=MetricUnit.Count, value=1)
    metrics.add_metric(name="RollupAggregatesWritten", unit=MetricUnit.Count, value=summary.aggregates_written)
    metrics.add_metric(name="RollupTenantsDeferred", unit=MetricUnit.Count, value=summary.tenants_deferred)
    metrics.add_metric(name="RollupTenantsFailed", unit=MetricUnit.Count, value=len(summary.tenants_failed))
    logger.info("rollup finished", extra={"summary": summary.as_dict()})
    return summary


def default_facts() -> FactSource:
    """Commitment facts from the commitments tracker."""
    from chalicelib.repositories.advocacy import transition_facts

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
    from chalicelib.repositories.advocacy import fact_months
    from chalicelib.repositories.reports import village_months
    from chalicelib.repositories.tenants import TenantRepository

    now = now or utcnow()
    with _lease(now):
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
        return _run(now, 0, facts, exporter, None, time.monotonic)
