"""A rollup world for the benchmark and the tests: tenants, villages and reports written straight into
the tables through the repositories' storage shape (BatchWriteItem, with the change-feed markers
ingestion writes), and one counted, timed rollup run over everything dirty.

Used by benchmarks/rollup.py (at national scale) and tests/integration/test_rollup_scale.py (small).
"""

from __future__ import annotations

import datetime as dt
import random
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from tests.support.dynamo_counter import DynamoCounter, counting_dynamodb

NOW = dt.datetime(2026, 11, 28, 20, 0, tzinfo=dt.UTC)
MONTH = "2026-11"
# The mix of a month (share of reports): weekly visit and computer logs, a few activities, some press.
MIX = (("visits", 0.42), ("ict", 0.25), ("activity", 0.18), ("media", 0.10), ("partnership", 0.05))


@dataclass
class Run:
    """What one rollup run read and wrote, and how long it took."""

    label: str
    history: int
    new_reports: int
    villages: int
    tenants: int
    seconds: float
    read_requests: int
    items_read: int
    read_units: float
    write_requests: int
    item_writes: int
    by_operation: dict[str, int]
    tenant_seconds: list[float] = field(default_factory=list)
    tenant_read_requests: int = 0  # the part of read_requests made for tenants (the rest: national, export)
    tenant_items_read: int = 0


def _fields(kind: str, rng: random.Random) -> dict[str, Any]:
    if kind == "visits":
        visitors = rng.randint(3, 80)
        return {"visitors": visitors, "women": visitors // 2, "children": visitors // 4}
    if kind == "ict":
        sessions = rng.randint(1, 40)
        return {"computer_sessions": sessions, "internet_users": rng.randint(0, sessions)}
    if kind == "activity":
        participants = rng.randint(5, 40)
        return {
            "title": "Pelatihan pemasaran daring",
            "category": rng.choice(["training", "workshop", "class", "discussion"]),
            "participants": participants,
            "women": participants // 2,
            "youth": participants // 3,
            "entrepreneurs": participants // 5,
        }
    if kind == "media":
        return {"outlet": "Radio Kabupaten", "medium": rng.choice(["radio", "online_news", "social_media"])}
    ends = {"ends_on": f"{2027 + rng.randint(0, 2)}-06-30"} if rng.random() < 0.5 else {}
    return {"partner_name": "Kelompok Wanita Tani", "partner_kind": "community", "agreement": "mou", **ends}


def make_reports(rng: random.Random, villages: list[str], count: int, days: tuple[int, int]) -> Iterator[Any]:
    """`count` reports of random villages, types in the month's mix, dated within `days` of MONTH."""
    from chalicelib.domain.reports import Report, ReportContent, ReportType

    kinds, weights = [kind for kind, _ in MIX], [share for _, share in MIX]
    for kind in rng.choices(kinds, weights, k=count):
        village = rng.choice(villages)
        date = dt.date(NOW.year, NOW.month, rng.randint(*days))
        content = ReportContent(village, ReportType(kind), date, _fields(kind, rng))
        yield Report.new(tenant_id=village[:5], submission_id=str(uuid.uuid4()), content=content, by="bench", at=NOW)


def add_tenants(regencies: list[str]) -> None:
    """Approved tenants for these regency codes."""
    from chalicelib import areas
    from chalicelib.domain.tenants import Tenant, TenantStatus
    from chalicelib.repositories.tenants import TenantRepository

    tenants = TenantRepository()
    for code in regencies:
        name = areas.name_of(code) or code
        tenants.add(Tenant(code, name, "Dinas Perpustakaan", "Sri", "sri@example.id", TenantStatus.ACTIVE, NOW, NOW))


def register_villages(villages: list[str]) -> None:
    """Register villages (BatchWriteItem) with the markers registration writes."""
    from chalicelib.domain.villages import Village
    from chalicelib.repositories import changes
    from chalicelib.repositories.villages import VillageRecord, VillageRepository

    by_tenant: dict[str, list[str]] = defaultdict(list)
    for code in villages:
        by_tenant[code[:5]].append(code)
    with VillageRecord.batch_write() as batch:
        for tenant_id, own in by_tenant.items():
            repo = VillageRepository(tenant_id=tenant_id)
            # registration marks the village dirty in the current month, as services.villages.register does
            changes.mark_changed(tenant_id=tenant_id, changes=[(MONTH, code) for code in own], now=NOW)
            for code in own:
                batch.save(repo._record(Village(tenant_id, code, "Perpustakaan Desa", 2024, None, NOW, NOW)))


def store_reports(reports: Iterator[Any]) -> int:
    """Write reports with BatchWriteItem and mark their (month, village) dirty per tenant, as ingestion does."""
    from chalicelib.repositories import changes
    from chalicelib.repositories.reports import ReportRecord, ReportRepository

    repos: dict[str, ReportRepository] = {}
    dirty: dict[str, set[tuple[str, str]]] = defaultdict(set)
    count = 0
    with ReportRecord.batch_write() as batch:
        for report in reports:
            repo = repos.get(report.tenant_id) or repos.setdefault(
                report.tenant_id, ReportRepository(tenant_id=report.tenant_id)
            )
            batch.save(repo.record_of(report))  # the repository's own storage shape
            dirty[report.tenant_id].add((report.content.month, report.content.village_code))
            count += 1
    for tenant_id, scopes in dirty.items():
        changes.mark_changed(tenant_id=tenant_id, changes=scopes, now=NOW)
    return count


@contextmanager
def _per_tenant(counter: DynamoCounter, seconds: list[float], reads: list[int]) -> Iterator[None]:
    """Time and count each tenant's part of a run (roll_tenant), to size one invocation per tenant."""
    from chalicelib.services import rollup

    original = rollup.roll_tenant

    def timed(*args: Any, **kwargs: Any) -> Any:
        started, requests, items = time.perf_counter(), counter.read_requests, counter.items_read
        try:
            return original(*args, **kwargs)
        finally:
            seconds.append(time.perf_counter() - started)
            reads[0] += counter.read_requests - requests
            reads[1] += counter.items_read - items

    rollup.roll_tenant = timed
    try:
        yield
    finally:
        rollup.roll_tenant = original


COUNTED = ("read_requests", "items_read", "read_units", "write_requests", "item_writes")  # Run's counter fields


def measure(label: str, history: int, new_reports: int) -> Run:
    """One rollup run over everything dirty, counted and timed."""
    from chalicelib.services import rollup

    tenant_seconds: list[float] = []
    tenant_reads = [0, 0]
    with counting_dynamodb() as counter, _per_tenant(counter, tenant_seconds, tenant_reads):
        started = time.perf_counter()
        summary = rollup.run(now=NOW, settle_seconds=0)
        seconds = time.perf_counter() - started
    return Run(
        label=label,
        history=history,
        new_reports=new_reports,
        villages=summary.villages,
        tenants=summary.tenants,
        seconds=seconds,
        by_operation=dict(counter.requests),
        **{name: getattr(counter, name) for name in COUNTED},
        tenant_seconds=tenant_seconds,
        tenant_read_requests=tenant_reads[0],
        tenant_items_read=tenant_reads[1],
    )
