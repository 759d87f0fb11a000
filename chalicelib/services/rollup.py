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
import math
import secrets
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from chalicelib import areas
from chalicelib.clock import utcnow
from chalicelib.config import get_settings
from chalicelib.domain.baselines import matures_in
from chalicelib.domain.periods import month_key
from chalicelib.domain.rollup_plan import national_keys, national_sums
from chalicelib.errors import ConflictError, is_throttling
from chalicelib.observability import MetricUnit, logger, metrics, span
from chalicelib.services.rollup_rebuild import mark_everything, tenant_ids
from chalicelib.services.rollup_tenant import FactSource, TenantResult, roll_tenant
from chalicelib.services.rollup_village import TenantHistory, read_history
from chalicelib.stores import for_tenant, platform

if TYPE_CHECKING:
    from chalicelib.stores.rollup import Marker

JOB = "rollup"
# How long a run's lease lasts unless its caller says (the time its function has left): the rollup
# function's timeout, so a run that was killed frees it when it would have ended anyway.
LEASE_SECONDS = 900
__all__ = ["RollupBusyError", "RollupSummary", "rebuild", "roll_tenant", "run"]


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
    resume_village: str | None = None  # and in it, the first village left when its budget ran out
    tenants_failed: list[str] = field(default_factory=list)  # kept their markers for the next run
    reports_failed: int = 0  # reports left out of the figures (listed in GET /v1/rollup/problems)
    villages_failed: int = 0  # villages whose computation failed (kept dirty, listed too)
    deferred_runs: int = 0  # consecutive runs, this one included, that left tenants for the next

    def as_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


def roll_national(markers: list[Marker], *, now: dt.datetime, summary: RollupSummary) -> list[str]:
    """Re-sum the dirty provinces and the nation for each dirty period (one batch read for all of
    them); the periods done."""
    dirty = {marker.month: sorted(marker.scopes) for marker in markers}
    store = platform().national_figures
    stored = store.read_keys(national_keys(dirty))
    summary.aggregates_written += store.write(national_sums(dirty, stored), now=now, stored=stored)
    return sorted(dirty)


def settled(marker: Marker, now: dt.datetime, settle_seconds: int) -> bool:
    """Whether a marker's last change is older than the settle window (its markers may be cleared)."""
    return marker.touched_at is None or marker.touched_at <= now - dt.timedelta(seconds=settle_seconds)


def roll_one(
    tenant_id: str,
    markers: list[Marker],
    *,
    now: dt.datetime,
    settle: int,
    facts: FactSource,
    summary: RollupSummary,
    should_stop: Callable[[], bool] = lambda: False,
    resume_village: str = "",
    history: TenantHistory | None = None,
) -> TenantResult:
    """Roll up one tenant from its markers (from its `history` when read whole: a rebuild's), mark its
    province dirty for the national step, then clear the markers it processed (those settled); raises
    whatever failed, its markers kept. The serial run and the queue's worker share it."""
    stores = for_tenant(tenant_id)
    with span("roll_tenant", tenant_id=tenant_id):
        result = roll_tenant(
            tenant_id,
            markers,
            store=stores.figures,
            facts=facts,
            now=now,
            summary=summary,
            should_stop=should_stop,
            resume_village=resume_village,
            history=history,
        )
    province = areas.ancestor(tenant_id, areas.Level.PROVINCE)
    platform().national_feed.mark(province, result.periods, now=now)
    later: list[dt.datetime] = []  # when what it leaves behind is settled: unsettled, or changed since read
    for marker in markers:
        processed = [scope for scope in marker.scopes if scope in result.done]
        if settled(marker, now, settle):
            cleared = stores.changes.clear(marker, processed)
            summary.markers_cleared += cleared
            if cleared < len(processed):
                later.append(utcnow() + dt.timedelta(seconds=settle))
        else:
            summary.markers_kept += len(processed)
            later.append((marker.touched_at or now) + dt.timedelta(seconds=settle))
    result.again_at = max(later, default=None)
    return result


def roll_nation(
    *,
    now: dt.datetime,
    exporter: Callable[[list[str], dt.datetime], list[str]] | None,
    summary: RollupSummary,
) -> None:
    """The national step: re-sum the dirty provinces and the nation, export the periods, then clear
    the national markers (the caller holds the lease)."""
    national = platform().national_feed
    national_markers = national.pending()
    summary.national_periods = roll_national(national_markers, now=now, summary=summary)
    if exporter is None:
        from chalicelib.services.export import export_periods

        exporter = export_periods
    summary.exported = exporter(summary.national_periods, now)
    for marker in national_markers:
        summary.markers_cleared += national.clear(marker, marker.scopes)


def run(
    *,
    now: dt.datetime | None = None,
    settle_seconds: int | None = None,
    facts: FactSource | None = None,
    exporter: Callable[[list[str], dt.datetime], list[str]] | None = None,
    budget_seconds: float | None = None,
    clock: Callable[[], float] = time.monotonic,
    lease_seconds: float = LEASE_SECONDS,
) -> RollupSummary:
    """One rollup run over the dirty tenants, then the nation; one run at a time (a lease in the
    jobs' records: whoever holds it, the schedule or run-now, the other gets RollupBusyError).
    The lease lasts `lease_seconds` (the time the caller's function has left), so a run killed with
    its function never holds it longer. With a budget, no village is started once it is spent
    (one always is, so every run makes progress): the rest keeps its markers for the next run.
    A tenant or a village that fails keeps its markers and does not stop the others; throttling,
    which would fail them all, stops the run."""
    now = now or utcnow()
    with lease(now, lease_seconds):
        return _run(now, settle_seconds, facts, exporter, budget_seconds, clock)


def lease_for(context: object, *, timeout: float) -> float:
    """The lease a run may take: the whole seconds its function has left (Lambda's remaining time),
    never more than `timeout` (the function's), and `timeout` when there is no Lambda context."""
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    if not callable(remaining):
        return timeout
    return max(1.0, min(timeout, math.floor(int(remaining()) / 1000)))


@contextmanager
def lease(now: dt.datetime, seconds: float = LEASE_SECONDS) -> Iterator[None]:
    """Hold the rollup's lease for the block, or raise RollupBusyError."""
    holder = secrets.token_hex(8)
    leases = platform().lease
    if not leases.acquire_lease(JOB, holder=holder, now=now, seconds=seconds):
        raise RollupBusyError("a rollup is running; its figures will be ready when it ends")
    try:
        yield
    finally:
        leases.release_lease(JOB, holder=holder)


def _run(
    now: dt.datetime,
    settle_seconds: int | None,
    facts: FactSource | None,
    exporter: Callable[[list[str], dt.datetime], list[str]] | None,
    budget_seconds: float | None,
    clock: Callable[[], float],
    whole: bool = False,
) -> RollupSummary:
    started = clock()
    settle = get_settings().rollup_settle_seconds if settle_seconds is None else settle_seconds
    facts = facts or default_facts()
    summary = RollupSummary()
    previous = platform().job_runs.last_run(JOB)
    last = previous[1] if previous else {}
    mark_matured(previous, now=now)
    by_tenant: dict[str, list[Marker]] = defaultdict(list)
    for marker in platform().tenant_feeds.pending():
        by_tenant[marker.tenant_id].append(marker)
    resume, resume_village = str(last.get("resume_from") or ""), str(last.get("resume_village") or "")

    def spent() -> bool:
        return budget_seconds is not None and clock() - started >= budget_seconds

    def village_budget_spent() -> bool:  # once a village was done: every run makes progress
        return summary.villages > 0 and spent()

    order = sorted(by_tenant, key=lambda tenant: (tenant < resume, tenant))  # from `resume` round to it
    for done, tenant_id in enumerate(order):
        if done and spent():
            summary.tenants_deferred, summary.resume_from = len(order) - done, tenant_id
            break
        summary.tenants += 1
        try:
            result = roll_one(
                tenant_id,
                by_tenant[tenant_id],
                now=now,
                settle=settle,
                facts=facts,
                summary=summary,
                should_stop=village_budget_spent,
                resume_village=resume_village if tenant_id == resume else "",
                history=read_history(tenant_id) if whole else None,
            )
        except Exception as exc:  # its markers stay: the next run tries again; the others go on
            if is_throttling(exc):  # unless the store is overloaded for everyone: stop here
                raise
            logger.exception("rollup of a tenant failed", extra={"tenant_id": tenant_id})
            summary.tenants_failed.append(tenant_id)
            continue
        if result.stopped_at:  # the budget ran out inside this tenant: it comes first next time
            summary.tenants_deferred, summary.resume_from = len(order) - done, tenant_id
            summary.resume_village = result.stopped_at
            break

    roll_nation(now=now, exporter=exporter, summary=summary)
    if summary.tenants_deferred:
        summary.deferred_runs = int(str(last.get("deferred_runs") or 0)) + 1
    # the month of the run's clock: the next run of a later month looks for baselines that matured
    platform().job_runs.record_run(JOB, finished_at=utcnow(), summary=summary.as_dict() | {"month": month_key(now)})
    emit(summary, previous, now)
    return summary


def emit(summary: RollupSummary, previous: tuple[dt.datetime, dict[str, object]] | None, now: dt.datetime) -> None:
    """The run's metrics (the alarms of infrastructure/monitoring.py read them) and its log line."""
    if previous is not None:
        lag = (now - previous[0]).total_seconds()
        metrics.add_metric(name="RollupLagSeconds", unit=MetricUnit.Seconds, value=max(lag, 0))
    if not summary.tenants_failed:
        metrics.add_metric(name="RollupSucceeded", unit=MetricUnit.Count, value=1)
    metrics.add_metric(name="RollupAggregatesWritten", unit=MetricUnit.Count, value=summary.aggregates_written)
    metrics.add_metric(name="RollupTenantsDeferred", unit=MetricUnit.Count, value=summary.tenants_deferred)
    metrics.add_metric(name="RollupDeferredRuns", unit=MetricUnit.Count, value=summary.deferred_runs)
    metrics.add_metric(name="RollupTenantsFailed", unit=MetricUnit.Count, value=len(summary.tenants_failed))
    metrics.add_metric(name="RollupProblems", unit=MetricUnit.Count, value=platform().rollup_problems.count())
    logger.info("rollup finished", extra={"summary": summary.as_dict()})


def mark_matured(previous: tuple[dt.datetime, dict[str, object]] | None, *, now: dt.datetime) -> None:
    """On the first run of a month (after the `previous` run's month), mark the villages whose
    derived baseline matured since then."""
    last = previous[1] if previous else {}
    last_month = str(last.get("month") or (month_key(previous[0]) if previous else ""))
    if last_month and last_month < month_key(now):
        _mark_matured_baselines(after=last_month, until=month_key(now), now=now)


def _mark_matured_baselines(*, after: str, until: str, now: dt.datetime) -> None:
    """Mark the villages whose derived baseline came into being in a month after `after` up to
    `until` (its three full months are over): their figures gain it. One query per tenant, once a month."""
    for tenant_id in tenant_ids():
        matured = [
            (until, v.village_code)
            for v in for_tenant(tenant_id).villages.all()
            if v.baseline is None and v.joined is not None and after < matures_in(v.joined) <= until
        ]
        if matured:
            for_tenant(tenant_id).changes.mark(matured, now=now)


def default_facts() -> FactSource:
    """Commitment facts from the commitments tracker."""
    return lambda tenant_id, scope, start, end: for_tenant(tenant_id).advocacy.facts.between(scope, start, end)


def rebuild(
    *,
    now: dt.datetime | None = None,
    facts: FactSource | None = None,
    exporter: Callable[[list[str], dt.datetime], list[str]] | None = None,
) -> RollupSummary:
    """Recompute every aggregate from scratch: drop them all, mark every month of every village that
    has reports (and every registered village) dirty, and run, each tenant from its history read whole.
    For a changed definition, or recovery."""
    now = now or utcnow()
    with lease(now):
        mark_everything(now)
        return _run(now, 0, facts, exporter, None, time.monotonic, whole=True)
