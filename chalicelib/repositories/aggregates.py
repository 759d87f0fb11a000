"""Indicator aggregates: one item per (partition, scope) holding a scope's figures for a period.

Partitions are `<owner>#<level>#<period>`: the owner is the tenant for its villages and kecamatan,
and NATIONAL for regencies, provinces and the nation, so that every dashboard level is one query
(the rollup reads the children it sums by key, in batches).
The period `stock` holds what does not belong to a period (registered villages, partnership series).
In a tenant's kecamatan partitions the scope REGENCY_DIRECT holds the regency's own figures that
belong to no village (commitments without a village), so the regency is the sum of that partition.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pynamodb.attributes import JSONAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.exceptions import PutError
from pynamodb.models import Model

from chalicelib.errors import ServiceUnavailableError, is_throttling
from chalicelib.repositories.base import BATCH_ROUNDS, backoff, batch_get, table_meta
from chalicelib.tables import AGGREGATES

NATIONAL = "ID"
STOCK = "stock"
REGENCY_DIRECT = "regency"

Key = tuple[str, str]


def partition(owner: str, level: str, period: str) -> str:
    """The partition holding a level's scopes for a period."""
    return f"{owner}#{level}#{period}"


class AggregateRecord(Model):
    """Storage shape of one scope's figures for one period."""

    Meta = table_meta(AGGREGATES)

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    values = JSONAttribute()
    computed_at = UTCDateTimeAttribute()


class Stored(dict[str, Any]):
    """Figures as stored, with the time they were computed."""

    computed_at: dt.datetime | None = None


class AggregateStore:
    """Reads and writes aggregates; callers build partitions from their own scope."""

    def read_partition(self, pk: str) -> dict[str, Stored]:
        """Every scope of a partition, by scope code."""
        return {r.sk: _stored(r) for r in AggregateRecord.query(pk, consistent_read=True)}

    def read_keys(self, keys: Iterable[Key]) -> dict[Key, Stored]:
        """The stored figures of these keys (absent ones are left out)."""
        return {(r.pk, r.sk): _stored(r) for r in batch_get(AggregateRecord, keys)}

    def write(
        self,
        items: Mapping[Key, Mapping[str, Any]],
        *,
        now: dt.datetime,
        stored: Mapping[Key, Mapping[str, Any]],
    ) -> int:
        """Store figures, skipping those equal to what is stored (so a rerun writes nothing);
        returns how many items were written. `stored`: what the caller read under these keys
        (`read_keys`; a key it lacks is absent from the table)."""
        changed = [(key, values) for key, values in items.items() if dict(stored.get(key, {})) != dict(values)]
        write_all([AggregateRecord(pk, sk, values=dict(values), computed_at=now) for (pk, sk), values in changed])
        return len(changed)


def _stored(record: AggregateRecord) -> Stored:
    stored = Stored(record.values or {})
    stored.computed_at = record.computed_at
    return stored


def delete_all() -> int:
    """Remove every aggregate (before a rebuild from scratch); returns how many were removed."""
    removed, chunk = 0, []
    for record in AggregateRecord.scan(attributes_to_get=["pk", "sk"]):
        chunk.append(record)
        if len(chunk) == 1000:  # a bounded list, whatever the size of the table
            write_all([], deletes=chunk)
            removed, chunk = removed + len(chunk), []
    write_all([], deletes=chunk)
    return removed + len(chunk)


def write_all(saves: Sequence[AggregateRecord], deletes: Sequence[AggregateRecord] = ()) -> None:
    """BatchWriteItem in chunks of 25, resending with exponential backoff whatever DynamoDB leaves
    unprocessed or throttles (PynamoDB alone resends unprocessed items twice, at once, then fails).
    Puts and deletes of whole items are idempotent, so resending is safe. Raises ServiceUnavailableError
    when items are still unwritten after every round: the caller (a rollup) is rerun, never half-trusted."""
    pending: list[tuple[AggregateRecord, bool]] = [(r, False) for r in saves] + [(r, True) for r in deletes]
    for round_number in range(BATCH_ROUNDS):  # each round PynamoDB itself tries 3 times
        backoff(round_number)
        left: list[tuple[AggregateRecord, bool]] = []
        for start in range(0, len(pending), 25):
            chunk = pending[start : start + 25]
            batch = AggregateRecord.batch_write(auto_commit=False)
            for record, delete in chunk:
                batch.delete(record) if delete else batch.save(record)
            try:
                batch.commit()
            except PutError as exc:
                if batch.failed_operations:  # still unprocessed after PynamoDB's own resends
                    unwritten = {_raw_key(op) for op in batch.failed_operations}
                    left += [(r, d) for r, d in chunk if (r.pk, r.sk) in unwritten]
                elif is_throttling(exc):  # the call itself was throttled past botocore's retries
                    left += chunk
                else:
                    raise
        pending = left
        if not pending:
            return
    raise ServiceUnavailableError(f"{len(pending)} aggregates are still unwritten: the data store is throttling")


def _raw_key(operation: Mapping[str, Any]) -> Key:
    """(pk, sk) of an unprocessed BatchWriteItem request."""
    raw = operation["PutRequest"]["Item"] if "PutRequest" in operation else operation["DeleteRequest"]["Key"]
    return raw["pk"]["S"], raw["sk"]["S"]
