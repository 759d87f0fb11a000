"""Fanned-out rollup runs: one small item per run, beside the jobs' records in the changes table.

A run names its tenants when it is planned; each tenant's worker adds it to `done` (or, when its
last attempt failed, to `failed`) with a conditional update that succeeds only once, so a message
delivered twice counts once. Figures a worker reports are added in the same update, hence once too.
The run is complete when every tenant is done or failed; `national_at` says its national step ran.
A record is kept KEPT_DAYS after its run started (DynamoDB's TTL then removes it: runs planned on every
settled change would otherwise pile up).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UnicodeSetAttribute, UTCDateTimeAttribute
from pynamodb.expressions.update import Action
from pynamodb.models import Model

from chalicelib.repositories.base import condition_held, table_meta
from chalicelib.stores.rollup import RollupRun
from chalicelib.tables import CHANGES

_PARTITION = "rollup-run"
KEPT_DAYS = 30


class RollupRunRecord(Model):
    """Storage shape of a run."""

    Meta = table_meta(CHANGES)

    pk = UnicodeAttribute(hash_key=True)  # "rollup-run"
    sk = UnicodeAttribute(range_key=True)  # the run id
    kind = UnicodeAttribute()  # "run", "rebuild" or "change"
    started_at = UTCDateTimeAttribute()
    tenants = UnicodeSetAttribute(null=True)  # DynamoDB has no empty sets: a run without tenants has none
    done = UnicodeSetAttribute(null=True)
    failed = UnicodeSetAttribute(null=True)
    villages = NumberAttribute(default=0)
    aggregates_written = NumberAttribute(default=0)
    national_at = UTCDateTimeAttribute(null=True)
    expires = NumberAttribute(null=True)  # epoch seconds, the table's TTL attribute


def create(run_id: str, *, kind: str, tenants: set[str], now: datetime) -> RollupRun:
    """Record a planned run."""
    expires = int((now + timedelta(days=KEPT_DAYS)).timestamp())
    record = RollupRunRecord(
        _PARTITION, run_id, kind=kind, started_at=now, tenants=set(tenants) or None, expires=expires
    )
    record.save(condition=RollupRunRecord.sk.does_not_exist())
    return _run(record)


def get(run_id: str) -> RollupRun | None:
    """A run, or None."""
    try:
        return _run(RollupRunRecord.get(_PARTITION, run_id, consistent_read=True))
    except RollupRunRecord.DoesNotExist:
        return None


def settle(run_id: str, tenant_id: str, *, failed: bool, villages: int = 0, aggregates_written: int = 0) -> RollupRun:
    """Count a tenant as done (or failed) once: a second call for the same tenant changes nothing,
    except that a tenant failed once and done later (its message redriven) moves to done."""
    record = RollupRunRecord(_PARTITION, run_id)
    tenant = {tenant_id}
    already = RollupRunRecord.done.contains(tenant_id)
    if failed:
        already = already | RollupRunRecord.failed.contains(tenant_id)
        actions: list[Action] = [RollupRunRecord.failed.add(tenant)]
    else:
        actions = [
            RollupRunRecord.done.add(tenant),
            RollupRunRecord.failed.delete(tenant),
            RollupRunRecord.villages.add(villages),
            RollupRunRecord.aggregates_written.add(aggregates_written),
        ]
    condition = RollupRunRecord.sk.exists() & ~already
    condition_held(lambda: record.update(actions=actions, condition=condition))
    run = get(run_id)
    if run is None:
        raise LookupError(f"no rollup run {run_id}")
    return run


def national_done(run_id: str, *, now: datetime) -> None:
    """Record that the run's national step ran."""
    RollupRunRecord(_PARTITION, run_id).update(actions=[RollupRunRecord.national_at.set(now)])


def last_started() -> datetime | None:
    """When the latest run started (run ids begin with the time it was planned for: one item read)."""
    for record in RollupRunRecord.query(_PARTITION, scan_index_forward=False, limit=1, consistent_read=True):
        return record.started_at
    return None


def _run(record: RollupRunRecord) -> RollupRun:
    return RollupRun(
        run_id=record.sk,
        kind=record.kind,
        started_at=record.started_at,
        tenants=frozenset(record.tenants or ()),
        done=frozenset(record.done or ()),
        failed=frozenset(record.failed or ()),
        villages=int(record.villages or 0),
        aggregates_written=int(record.aggregates_written or 0),
        national_at=record.national_at,
    )


class RunRecords:
    """The fanned-out runs' records (the RunRecordPort): the functions above."""

    create = staticmethod(create)
    get = staticmethod(get)
    settle = staticmethod(settle)
    national_done = staticmethod(national_done)
    last_started = staticmethod(last_started)
