"""The national rebuild through the queue, counted step by step, and its wall time modelled in AWS.

A rebuild plans (drops the figures, lists the tenants, records the run, sends one message per
tenant), the workers rebuild one tenant each (read its history, mark it, roll it), and the last one
runs the national step. Each step's DynamoDB requests are counted here; in AWS a tenant's worker makes
its requests one after another, so its time is its requests at LATENCY_MS each, the workers run
CONCURRENCY tenants at once (the longest first, as a queue drained by free workers roughly does), and
the wall time is the plan, the tenants' makespan and the national step, one after the other. The
plan's drop scans the table in DROP_SEGMENTS parts at once, so its requests count for that share of
their time. The serial figure is the same requests made by one function in a row.

Locally the same rebuild is also drained by one and by four worker threads (as `make run` does) and
timed: one Python process with moto in it, so the threads share one interpreter lock, unlike Lambda's
separate functions; the ratio says what the pool gains here, not in AWS.
"""

from __future__ import annotations

import heapq
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from chalicelib.repositories.aggregates import DROP_SEGMENTS
from tests.support.dynamo_counter import DynamoCounter, counting_dynamodb

LATENCY_MS = 5.0  # a DynamoDB request from Lambda in the same region, single-digit milliseconds
CONCURRENCY = 50


@dataclass
class Steps:
    """The requests of each step of one rebuild through the queue."""

    plan: int = 0  # the drop included
    drop: int = 0  # the plan's drop: DROP_SEGMENTS scans (and their deletes) at once
    tenants: dict[str, int] = field(default_factory=dict)
    national: int = 0
    reads: int = 0  # the read requests of the whole rebuild
    tenant_months: int = 0  # (tenant, month) pairs with reports
    report_pages: int = 0  # the pages of the tenants' report queries

    @property
    def read_floor(self) -> int:
        """The fewest reads a rebuild can make: every report read once, one query (of its pages) per
        tenant-month at least, and one read of each tenant's villages and of its facts."""
        return max(self.tenant_months, self.report_pages) + 2 * len(self.tenants)

    @property
    def total(self) -> int:
        return self.plan + sum(self.tenants.values()) + self.national

    def makespan(self, workers: int) -> float:
        """Seconds until the last tenant is done with `workers` at once, longest tenant first."""
        free = [0.0] * workers
        for requests in sorted(self.tenants.values(), reverse=True):
            heapq.heappush(free, heapq.heappop(free) + requests * LATENCY_MS / 1000)
        return max(free, default=0.0)

    def wall(self, workers: int) -> float:
        """The modelled wall time of the rebuild at `workers` concurrent workers, in seconds."""
        return self.plan_seconds() + self.national * LATENCY_MS / 1000 + self.makespan(workers)

    def plan_seconds(self) -> float:
        """The plan's modelled time: its drop's segments at once, the rest in a row."""
        return (self.plan - self.drop + self.drop / DROP_SEGMENTS) * LATENCY_MS / 1000

    def report(self, serial_requests: int) -> str:
        ordered = sorted(self.tenants.values())
        median = ordered[len(ordered) // 2] if ordered else 0
        largest = max(self.tenants, key=lambda t: self.tenants[t], default="-")
        ms = LATENCY_MS / 1000
        return "\n".join(
            [
                f"Rebuild through the queue ({len(self.tenants)} tenants), DynamoDB requests by step, modelled at "
                f"{LATENCY_MS:.0f} ms a request:",
                f"  plan (drop, list the tenants, record, enqueue): {self.plan:,} requests, of which the drop "
                f"{self.drop:,} in {DROP_SEGMENTS} segments at once: {self.plan_seconds():.1f} s",
                f"  per tenant: largest {largest} {self.tenants.get(largest, 0):,} requests "
                f"({self.tenants.get(largest, 0) * ms:.1f} s), median {median:,} ({median * ms:.2f} s), "
                f"all {sum(ordered):,}",
                f"  national step (provinces, nation, export): {self.national:,} requests, {self.national * ms:.1f} s",
                f"  reads of the whole rebuild: {self.reads:,}; the floor (one query per tenant-month with reports, "
                f"{self.tenant_months:,}, or its pages, {self.report_pages:,}, and two reads per tenant): "
                f"{self.read_floor:,} -> {self.reads / max(1, self.read_floor):.2f}x (goal <= 3x)",
                f"  modelled wall time at {CONCURRENCY} workers: {self.wall(CONCURRENCY):.1f} s "
                f"(goal <= 180 s at SCALE=1); one function in a row: {self.total * ms:.1f} s; the serial run's "
                f"{serial_requests:,} requests in a row (today's serial figure): {serial_requests * ms:.1f} s",
            ]
        )


def measure_rebuild(now: Any) -> Steps:
    """Rebuild through the queue, drained in this thread, each step counted."""
    from chalicelib.services import rollup, rollup_runs
    from tests.support.rollup_queue import drain_rollup_queue

    steps = Steps()
    with counting_dynamodb() as counter:
        before = counter.read_requests + counter.write_requests
        with _step(counter, rollup_runs, "drop_figures", steps, "drop"):
            rollup_runs.plan_rebuild(now=now)
        steps.plan = counter.read_requests + counter.write_requests - before
        national = _step(counter, rollup, "roll_nation", steps, "national")
        with national, _per_tenant(counter, rollup_runs, steps), _months(rollup_runs, steps):
            drain_rollup_queue()
        steps.reads, steps.report_pages = counter.read_requests, counter.queries["by_tenant_date"]
    return steps


@contextmanager
def _months(rollup_runs: Any, steps: Steps) -> Iterator[None]:
    """Count the (tenant, month) pairs with reports in the histories the tenants read."""
    original = rollup_runs.read_history

    def counted(tenant_id: str) -> Any:
        history = original(tenant_id)
        steps.tenant_months += len(
            {r.content.date.isoformat()[:7] for rs in history.reports.by_village.values() for r in rs}
        )
        return history

    rollup_runs.read_history = counted
    try:
        yield
    finally:
        rollup_runs.read_history = original


@contextmanager
def _per_tenant(counter: DynamoCounter, rollup_runs: Any, steps: Steps) -> Iterator[None]:
    """Count each tenant's message (`rollup_runs.work`), less the national step the last one runs."""
    original = rollup_runs.work

    def counted(message: Any, *args: Any, **kwargs: Any) -> Any:
        before, national = counter.read_requests + counter.write_requests, steps.national
        try:
            return original(message, *args, **kwargs)
        finally:
            made = counter.read_requests + counter.write_requests - before - (steps.national - national)
            steps.tenants[message.tenant_id] = steps.tenants.get(message.tenant_id, 0) + made

    rollup_runs.work = counted
    try:
        yield
    finally:
        rollup_runs.work = original


@contextmanager
def _step(counter: DynamoCounter, module: Any, function: str, steps: Steps, step: str) -> Iterator[None]:
    """Count the requests made in `module.function` (the plan's drop, the national step) into `steps.<step>`."""
    original = getattr(module, function)

    def counted(*args: Any, **kwargs: Any) -> Any:
        before = counter.read_requests + counter.write_requests
        try:
            return original(*args, **kwargs)
        finally:
            made = counter.read_requests + counter.write_requests - before
            setattr(steps, step, getattr(steps, step) + made)

    setattr(module, function, counted)
    try:
        yield
    finally:
        setattr(module, function, original)


def timed_rebuild(now: Any, workers: int) -> float:
    """Seconds for a rebuild through the queue drained by `workers` threads (as `make run`'s pool), on a
    moto made atomic for threads (devstack.atomic, installed by the benchmark as by the tests)."""
    from app import app
    from chalicelib.jobs.rollup_worker import WORKER_FUNCTION
    from chalicelib.services import rollup_runs
    from devstack.queue_workers import drain

    handler = app.handler_map[WORKER_FUNCTION]
    started = time.perf_counter()
    run = rollup_runs.plan_rebuild(now=now)
    threads = [threading.Thread(target=drain, args=(handler,)) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    done = rollup_runs.progress(run.run_id)
    assert done is not None and done.national_at is not None, "the rebuild's national step did not run"
    return elapsed
