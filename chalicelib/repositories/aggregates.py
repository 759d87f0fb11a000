"""Indicator aggregates: one item per (partition, scope) holding a scope's figures for a period.

Callers name figures by FigureKey (level, period, code) through a store bound to what they may see:
`tenant_figures(tenant)` or `national_figures()`. Only this module knows the storage shape: partitions
are `<owner>#<level>#<period>`, the owner being the tenant for its villages and kecamatan and the
nation's code for regencies, provinces and the nation, so that every dashboard level is one query
(the rollup reads the children it sums by key, in batches).
The period `stock` holds what does not belong to a period (registered villages, partnership series).
In a tenant's kecamatan partitions the scope REGENCY_DIRECT holds the regency's own figures that
belong to no village (commitments without a village), so the regency is the sum of that partition.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from pynamodb.attributes import JSONAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.exceptions import PutError
from pynamodb.models import Model

from chalicelib.domain.rollup_plan import NATION, FigureKey, is_national, of_tenant
from chalicelib.errors import ServiceUnavailableError, is_throttling
from chalicelib.repositories.base import BATCH_ROUNDS, backoff, batch_get, table_meta
from chalicelib.stores.rollup import Figures, Stored
from chalicelib.tables import AGGREGATES

__all__ = ["FigureKey", "FigureStore", "NationalFigures", "Stored", "TenantFigures"]
_NATIONAL = NATION  # the owner of the national partitions: the nation's scope code


class AggregateRecord(Model):
    """Storage shape of one scope's figures for one period."""

    Meta = table_meta(AGGREGATES)

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    values = JSONAttribute()
    computed_at = UTCDateTimeAttribute()


class FigureStore:
    """Reads and writes figures by FigureKey; where each lies (its partition) is decided here only."""

    def _partition(self, key: FigureKey) -> str:
        raise NotImplementedError  # each store says which figures it holds, and where

    def read_level(self, level: str, period: str) -> dict[str, Stored]:
        """Every scope of a level for a period, by scope code (one query)."""
        pk = self._partition(FigureKey(level, period, ""))
        return {r.sk: _stored(r) for r in AggregateRecord.query(pk, consistent_read=True)}

    def read_keys(self, keys: Iterable[FigureKey]) -> dict[FigureKey, Stored]:
        """The stored figures of these keys (absent ones are left out), in batches of 100."""
        rows = self.rows(keys)
        return self.of_records(rows, batch_get(AggregateRecord, rows))

    def rows(self, keys: Iterable[FigureKey]) -> dict[tuple[str, str], FigureKey]:
        """Where each key's item lies (partition, sort key), for a batch read that spans tables."""
        return {(self._partition(key), key.code): key for key in keys}

    @staticmethod
    def of_records(
        rows: Mapping[tuple[str, str], FigureKey], records: Iterable[AggregateRecord]
    ) -> dict[FigureKey, Stored]:
        """The figures of records read at `rows`, by key."""
        return {rows[(r.pk, r.sk)]: _stored(r) for r in records}

    def write(self, items: Figures, *, now: dt.datetime, stored: Figures) -> int:
        """Store figures, skipping those equal to what is stored (so a rerun writes nothing);
        returns how many items were written. `stored`: what the caller read under these keys
        (`read_keys`; a key it lacks is absent from the table)."""
        changed = [(key, values) for key, values in items.items() if dict(stored.get(key, {})) != dict(values)]
        write_all(
            [
                AggregateRecord(self._partition(key), key.code, values=dict(values), computed_at=now)
                for key, values in changed
            ]
        )
        return len(changed)


class TenantFigures(FigureStore):
    """A tenant's figures: its regency's villages and kecamatan (and the regency's own figures of no
    village), and its regency's row of the national regency level. Any other key is refused, so a
    tenant's rollup or dashboard cannot name another tenant's figures."""

    def __init__(self, tenant_id: str) -> None:
        self.tenant_id = tenant_id

    def _partition(self, key: FigureKey) -> str:
        if not of_tenant(self.tenant_id, key):
            raise ValueError(f"{key} is not a figure of tenant {self.tenant_id}")
        owner = _NATIONAL if key.level == "regency" else self.tenant_id
        return f"{owner}#{key.level}#{key.period}"

    def read_level(self, level: str, period: str) -> dict[str, Stored]:
        if level == "regency":  # the tenant's own row only, not the national level's other regencies
            return {key.code: v for key, v in self.read_keys([FigureKey(level, period, self.tenant_id)]).items()}
        return super().read_level(level, period)


class NationalFigures(FigureStore):
    """The national levels: regencies, provinces and the nation (one partition each per period)."""

    def _partition(self, key: FigureKey) -> str:
        if not is_national(key):
            raise ValueError(f"{key} is not a national figure")
        return f"{_NATIONAL}#{key.level}#{key.period}"


def tenant_figures(tenant_id: str) -> TenantFigures:
    """The figures of one tenant's regency."""
    return TenantFigures(tenant_id)


def national_figures() -> NationalFigures:
    """The figures of the national levels."""
    return NationalFigures()


def _stored(record: AggregateRecord) -> Stored:
    stored = Stored(record.values or {})
    stored.computed_at = record.computed_at
    return stored


class AllFigures:
    """Every figure of every level (the FigureReset port)."""

    def delete_all(self) -> int:
        return delete_all()


# A drop scans the table in this many segments at once, each deleting what it found (DynamoDB's
# parallel scan): the rebuild's plan takes seconds, not the minutes of one scan and its deletes in a row.
DROP_SEGMENTS = 8


def delete_all(segments: int = DROP_SEGMENTS) -> int:
    """Remove every aggregate (before a rebuild from scratch), `segments` parts of the table at once;
    returns how many were removed."""
    with ThreadPoolExecutor(max_workers=segments) as pool:
        return sum(pool.map(lambda segment: _delete_segment(segment, segments), range(segments)))


def _delete_segment(segment: int, segments: int) -> int:
    removed, chunk = 0, []
    for record in AggregateRecord.scan(segment=segment, total_segments=segments, attributes_to_get=["pk", "sk"]):
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


def _raw_key(operation: Mapping[str, Any]) -> tuple[str, str]:
    """(pk, sk) of an unprocessed BatchWriteItem request."""
    raw = operation["PutRequest"]["Item"] if "PutRequest" in operation else operation["DeleteRequest"]["Key"]
    return raw["pk"]["S"], raw["sk"]["S"]
