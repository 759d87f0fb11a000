"""The rollup fanned out over a queue: a run plans, workers roll one tenant each, the last one the nation.

`plan` reads the change feed, records a run naming the tenants with pending changes, and sends one
message per tenant (run id, tenant, the run's clock and settle window); it rolls nothing itself.
A worker (`work`) rolls its tenant exactly as the serial run does (`rollup.roll_one`: its markers
cleared only once its figures and its province's national marker are stored), then counts it done
in the run's record (once, whatever the redeliveries). A worker whose tenant fails raises: the queue
retries it alone; on its last receive it counts the tenant *failed* before it starts (done if it then
succeeds), so the run settles even if that worker is killed; a failing tenant's message is parked in
the dead-letter queue with its markers kept. Whichever worker settles a run's last tenant runs the
province and national step and the export, once: under the rollup's lease (one national step at a
time), and not again once the record says it ran. When the lease is busy, a message of the run's own
(`FinishMessage`) tries again FINISH_RETRY_SECONDS later: the tenant is done, so its message is not
the one to retry. A run without tenants runs its national step in `plan` (a failed tenant's province
may still wait).

Every step recomputes from the source, so a redelivered message or two overlapping runs rewrite
the same figures; the serial `rollup.run` shares every piece and stays for tests and tools.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from chalicelib import queues
from chalicelib.clock import utcnow
from chalicelib.config import get_settings
from chalicelib.domain.periods import month_key
from chalicelib.errors import InvalidInputError
from chalicelib.observability import MetricUnit, logger, metrics
from chalicelib.services import rollup
from chalicelib.services.rollup_rebuild import drop_figures, mark_tenant, tenant_ids
from chalicelib.services.rollup_tenant import FactSource
from chalicelib.services.rollup_village import read_history
from chalicelib.stores import for_tenant, platform
from chalicelib.stores.rollup import RollupRun

if TYPE_CHECKING:
    from chalicelib.stores.rollup import Marker

__all__ = [
    "FinishMessage",
    "RollupRun",
    "TenantMessage",
    "finish",
    "handle",
    "parse",
    "plan",
    "plan_rebuild",
    "progress",
    "work",
]
Exporter = Callable[[list[str], dt.datetime], list[str]]
# How long a national step may hold the lease: seconds, or a function of the seconds left (a Lambda's
# remaining time, read when the lease is taken, not when its message arrived).
LeaseTime = float | Callable[[], float]
# A run's id: when it was planned and a random part.
RUN_ID = re.compile(r"\d{8}T\d{6}-[0-9a-f]{8}")
# A settled run whose national step met another's lease tries again this much later.
FINISH_RETRY_SECONDS = 30


@dataclass(frozen=True)
class TenantMessage:
    """One tenant's work in a run: what a queue message carries."""

    run_id: str
    tenant_id: str
    now: dt.datetime  # the run's clock: every tenant of a run is computed as of it
    settle_seconds: int
    # a rebuild that owes the tenant (its run id): mark everything the tenant has data in first, and
    # roll it from its history; None for a run's changes
    rebuild: str | None = None

    def body(self) -> dict[str, object]:
        """The message's JSON body."""
        body: dict[str, object] = {
            "run": self.run_id,
            "tenant": self.tenant_id,
            "now": self.now.isoformat(),
            "settle": self.settle_seconds,
        }
        return body | {"rebuild": self.rebuild} if self.rebuild else body

    @classmethod
    def parse(cls, text: str) -> TenantMessage:
        """A message's body, or InvalidInputError (such a message can never succeed)."""
        try:
            data = json.loads(text)
            if not isinstance(data, dict):
                raise TypeError("a message is an object")
            run_id, rebuild = str(data["run"]), data.get("rebuild")
            if rebuild is True or rebuild is False:  # sent before a rebuild named itself: its own run's
                rebuild = run_id if rebuild else None
            if rebuild is not None and not (isinstance(rebuild, str) and RUN_ID.fullmatch(rebuild)):
                raise TypeError("rebuild is a run id")
            return cls(
                run_id,
                str(data["tenant"]),
                dt.datetime.fromisoformat(data["now"]),
                int(data["settle"]),
                rebuild,
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise InvalidInputError(f"not a rollup message: {text[:200]!r}") from exc


def plan(
    *,
    now: dt.datetime | None = None,
    kind: str = "run",
    settle_seconds: int | None = None,
    exporter: Exporter | None = None,
    rebuild: Rebuild | None = None,
) -> RollupRun:
    """Plan a run: record it with the tenants that have pending changes and those a rebuild still owes
    whose rebuild's plan has ended (`rebuild`: a rebuild's own plan, of every tenant it owes), and
    enqueue one message each."""
    now = now or utcnow()
    settle = get_settings().rollup_settle_seconds if settle_seconds is None else settle_seconds
    rollup.mark_matured(platform().job_runs.last_run(rollup.JOB), now=now)
    markers = [] if rebuild else platform().tenant_feeds.pending()
    owed = {t: rebuild.run_id for t in rebuild.tenants} if rebuild else _owed_after_their_plan(now)
    tenants = {marker.tenant_id for marker in markers} | set(owed)
    _ask_again(markers, now=now, settle=settle)
    previous = platform().rollup_runs.last_started() if markers else None  # a rebuild's plan reads none
    wait = waited(markers, now=now, settle=settle, previous=previous)
    metrics.add_metric(name="RollupWaitSeconds", unit=MetricUnit.Seconds, value=wait)
    run_id = rebuild.run_id if rebuild else _new_run_id(now)
    run = platform().rollup_runs.create(run_id, kind=kind, tenants=tenants, now=now)
    messages = [TenantMessage(run_id, tenant, now, settle, owed.get(tenant)) for tenant in sorted(tenants)]
    queues.send_all([message.body() for message in messages])
    logger.info("rollup planned", extra={"run_id": run_id, "tenants": len(tenants), "kind": kind, "owed": len(owed)})
    return finish(run, now=now, exporter=exporter) if not tenants else run


@dataclass(frozen=True)
class Rebuild:
    """A rebuild's own plan: its run id and the tenants it owes."""

    run_id: str
    tenants: frozenset[str]


def _new_run_id(now: dt.datetime) -> str:
    """A run's id: when it was planned and a random part (what RUN_ID matches)."""
    return f"{now:%Y%m%dT%H%M%S}-{secrets.token_hex(4)}"


def _owed_after_their_plan(now: dt.datetime) -> dict[str, str]:
    """The tenants a rebuild still owes whose rebuild was planned a lease ago or more: that plan has
    ended (it drops the figures under the lease), so its messages were sent or never will be; each
    gets a rebuild message again (a rebuild's message sent twice recomputes the same figures)."""
    ended = now - dt.timedelta(seconds=rollup.LEASE_SECONDS)
    return {tenant: run_id for tenant, (run_id, since) in platform().rebuilds.owed().items() if since <= ended}


def plan_rebuild(*, now: dt.datetime | None = None, exporter: Exporter | None = None) -> RollupRun:
    """Plan a rebuild of every tenant: under the lease, record every tenant as owed, then drop every
    figure; then one message each, whose worker marks and rolls everything the tenant has (`work`) and
    pays what is owed. A plan stopped after the drop leaves the tenants owed: the next run sends them."""
    now = now or utcnow()
    rebuild = Rebuild(_new_run_id(now), frozenset(tenant_ids()))
    with rollup.lease(utcnow()):
        platform().rebuilds.owe(rebuild.tenants, run_id=rebuild.run_id, now=now)
        drop_figures()
    return plan(now=now, kind="rebuild", settle_seconds=0, exporter=exporter, rebuild=rebuild)


def work(
    message: TenantMessage,
    *,
    final_attempt: bool,
    facts: FactSource | None = None,
    exporter: Exporter | None = None,
    lease_seconds: LeaseTime = rollup.LEASE_SECONDS,
) -> RollupRun:
    """Roll up one tenant of a run and count it; the run's national step if it was the last. Raises
    when the tenant failed. On its last attempt the tenant is counted failed before it starts (and
    done if it then succeeds), so a worker killed mid-tenant (out of memory, a hard crash) still lets
    the run finish: it is parked in the dead-letter queue, its markers kept, and the national step runs
    for the others. A rebuild's tenant reads its history whole and marks everything in it first (its
    markers are then what a failure leaves for the next run, as any change's); on its last attempt it
    is marked before that read, since the rebuild dropped its figures and a failure must leave markers."""
    summary = rollup.RollupSummary()
    if final_attempt:
        _count_failed_first(message, exporter, lease_seconds)
    try:
        history = read_history(message.tenant_id) if message.rebuild else None
        if message.rebuild and history is not None:
            mark_tenant(message.tenant_id, message.now, history)
            platform().rebuilds.paid(message.tenant_id, run_id=message.rebuild)  # its markers say it now
        result = rollup.roll_one(
            message.tenant_id,
            for_tenant(message.tenant_id).changes.pending(),
            now=message.now,
            settle=message.settle_seconds,
            facts=facts or rollup.default_facts(),
            summary=summary,
            history=history,
        )
    except Exception:  # on its last attempt it is counted failed already: parked with its markers
        logger.exception("rollup of a tenant failed", extra={"tenant_id": message.tenant_id, "final": final_attempt})
        raise
    if result.again_at is not None:  # changes it had to leave: a plan for them once they are settled
        platform().fresh_plans.plan_after(result.again_at)
    run = platform().rollup_runs.settle(
        message.run_id,
        message.tenant_id,
        failed=False,
        villages=summary.villages,
        aggregates_written=summary.aggregates_written,
    )
    if final_attempt and run.national_at is not None:  # the nation went while it was counted failed:
        platform().fresh_plans.plan_after(utcnow())  # its national markers wait for a plan, one soon
    _settle_owing_rebuild(message, failed=False, exporter=exporter, lease_seconds=lease_seconds)
    return finish(run, now=message.now, exporter=exporter, lease_seconds=lease_seconds)


def _settle_owing_rebuild(
    message: TenantMessage, *, failed: bool, exporter: Exporter | None, lease_seconds: LeaseTime
) -> None:
    """A tenant a stopped rebuild owed, rolled by a later run: counted in that rebuild's run too (its
    figures are the later run's), so the rebuild completes, its national step with it, once its last
    tenant is rebuilt, instead of showing tenants to go until its record expires. Nothing when the
    message is the rebuild's own, or when the rebuild's plan stopped before it recorded its run."""
    if message.rebuild is None or message.rebuild == message.run_id:
        return
    try:
        owing = platform().rollup_runs.settle(message.rebuild, message.tenant_id, failed=failed)
    except LookupError:
        return
    finish(owing, now=message.now, exporter=exporter, lease_seconds=lease_seconds)


def _count_failed_first(message: TenantMessage, exporter: Exporter | None, lease_seconds: LeaseTime) -> None:
    """Count a tenant on its last attempt failed before it starts; the national step if that made its
    run complete. A rebuild's tenant is marked then (a failure of the marking is logged: the attempt
    goes on, and marks it from its history)."""
    run = platform().rollup_runs.settle(message.run_id, message.tenant_id, failed=True)
    finish(run, now=message.now, exporter=exporter, lease_seconds=lease_seconds)
    _settle_owing_rebuild(message, failed=True, exporter=exporter, lease_seconds=lease_seconds)
    if message.rebuild:
        try:
            mark_tenant(message.tenant_id, message.now)
            platform().rebuilds.paid(message.tenant_id, run_id=message.rebuild)
        except Exception:
            logger.exception("a rebuild's tenant could not be marked before its last attempt")


def finish(
    run: RollupRun,
    *,
    now: dt.datetime,
    exporter: Exporter | None = None,
    lease_seconds: LeaseTime = rollup.LEASE_SECONDS,
) -> RollupRun:
    """Run the national step of a settled run once (under the lease, for `lease_seconds` at most: the
    time the caller's function has left); the run as it then is. When another holds the lease, a
    FinishMessage tries again FINISH_RETRY_SECONDS later (SQS's retry of a failed message would wait
    out the queue's visibility timeout, 30 minutes)."""
    if not run.settled or run.national_at is not None:
        return run
    try:
        return _national_step(run, now=now, exporter=exporter, seconds=lease_seconds)
    except rollup.RollupBusyError:
        queues.send_later(FinishMessage(run.run_id, now).body(), delay_seconds=FINISH_RETRY_SECONDS)
        logger.info("national step deferred: another holds the lease", extra={"run_id": run.run_id})
        return run


def _national_step(run: RollupRun, *, now: dt.datetime, exporter: Exporter | None, seconds: LeaseTime) -> RollupRun:
    """The national step under the lease (RollupBusyError if another holds it), unless it ran meanwhile."""
    with rollup.lease(utcnow(), seconds() if callable(seconds) else seconds):
        current = platform().rollup_runs.get(run.run_id) or run
        if current.national_at is not None:  # another worker ran it meanwhile
            return current
        summary = rollup.RollupSummary(
            tenants=len(current.tenants),
            villages=current.villages,
            aggregates_written=current.aggregates_written,
            tenants_failed=sorted(current.failed),
        )
        previous = platform().job_runs.last_run(rollup.JOB)
        rollup.roll_nation(now=now, exporter=exporter, summary=summary)
        platform().rollup_runs.national_done(run.run_id, now=utcnow())
        platform().job_runs.record_run(
            rollup.JOB,
            finished_at=utcnow(),
            summary=summary.as_dict() | {"month": month_key(now), "run_id": run.run_id},
        )
        rollup.emit(summary, previous, now)
    return platform().rollup_runs.get(run.run_id) or current


def _ask_again(markers: list[Marker], *, now: dt.datetime, settle: int) -> None:
    """Fresh on change: markers too young for this run get a plan of their own once they are settled
    (the one a change asked for is this one; changes made meanwhile asked none)."""
    young = [m.touched_at for m in markers if m.touched_at and not rollup.settled(m, now, settle)]
    if young:
        platform().fresh_plans.plan_after(max(young) + dt.timedelta(seconds=settle), now=now)


def waited(markers: list[Marker], *, now: dt.datetime, settle: int, previous: dt.datetime | None = None) -> float:
    """How long the oldest change no plan has read yet waited for one past its settle window (0 if
    none): what the RollupLag alarm watches. The `previous` plan read every change made until it (a
    plan rolls young changes too, and keeps their markers for a plan of their own): a marker item with
    nothing newer (kept by a failed village, or its worker still to come) waits for no plan. An item
    opened since waits from its first change; one opened before, from its first change announced
    after a quiet spell (what a kept item's next change is), and from that plan at the earliest.
    Fresh on change keeps it at seconds; the schedule alone, up to its interval."""
    window = dt.timedelta(seconds=settle)
    waits = [0.0]
    for marker in markers:
        for span in marker.spans:
            if previous is None or span.opened > previous:
                waits.append((now - window - span.opened).total_seconds())
            elif span.last > previous:
                waits.append((now - window - max(span.announced, previous)).total_seconds())
    return max(waits)


@dataclass(frozen=True)
class FinishMessage:
    """A settled run's national step, to try again: what `finish` sends when the lease is busy."""

    run_id: str
    now: dt.datetime  # the run's clock

    def body(self) -> dict[str, object]:
        """The message's JSON body."""
        return {"finish": self.run_id, "now": self.now.isoformat()}


Message = TenantMessage | FinishMessage | None


def parse(text: str) -> Message:
    """A message of the rollup's queue: one tenant of a run, a run's national step to try again, or None
    for a plan a change asked for (InvalidInputError for anything else: it can never succeed)."""
    try:
        data = json.loads(text)
    except ValueError:
        data = None  # TenantMessage.parse says what is wrong with it
    if data == queues.PLAN_REQUEST:
        return None
    if isinstance(data, dict) and set(data) == {"finish", "now"}:
        try:
            return FinishMessage(str(data["finish"]), dt.datetime.fromisoformat(str(data["now"])))
        except ValueError as exc:
            raise InvalidInputError(f"not a rollup message: {text[:200]!r}") from exc
    return TenantMessage.parse(text)


def handle(
    message: Message,
    *,
    final_attempt: bool,
    lease_seconds: LeaseTime = rollup.LEASE_SECONDS,
    exporter: Exporter | None = None,
) -> RollupRun | None:
    """One parsed message of the rollup's queue: a plan asked for by a change (None), a run's national
    step to try again (None if the run is gone), or a tenant of a run."""
    if message is None:
        return plan(kind="change", exporter=exporter)
    if isinstance(message, FinishMessage):
        run = platform().rollup_runs.get(message.run_id)
        if run is None:
            logger.warning("no such rollup run to finish", extra={"run_id": message.run_id})
            return None
        return finish(run, now=message.now, exporter=exporter, lease_seconds=lease_seconds)
    return work(message, final_attempt=final_attempt, lease_seconds=lease_seconds, exporter=exporter)


def progress(run_id: str) -> RollupRun | None:
    """A run as far as it got, or None (also for what is no run id: it is never looked up)."""
    return platform().rollup_runs.get(run_id) if RUN_ID.fullmatch(run_id) else None
