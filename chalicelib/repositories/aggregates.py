"""Indicator aggregates: one item per (partition, scope) holding a scope's figures for a period.

Partitions are `<owner>#<level>#<period>`: the owner is the tenant for its villages and kecamatan,
and NATIONAL for regencies, provinces and the nation, so that every parent is re-summed from one
query of its children (`begins_with` the parent's code) and every dashboard level is one query.
The period `stock` holds what does not belong to a period (registered villages, partnership series).
In a tenant's kecamatan partitions the scope REGENCY_DIRECT holds the regency's own figures that
belong to no village (commitments without a village), so the regency is the sum of that partition.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from pynamodb.attributes import JSONAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.models import Model

from chalicelib.repositories.base import table_meta
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

    def read_partition(self, pk: str, *, prefix: str | None = None) -> dict[str, Stored]:
        """Every scope of a partition (within a code prefix), by scope code."""
        condition = AggregateRecord.sk.startswith(prefix) if prefix else None
        return {r.sk: _stored(r) for r in AggregateRecord.query(pk, condition, consistent_read=True)}

    def read_keys(self, keys: Iterable[Key]) -> dict[Key, Stored]:
        """The stored figures of these keys (absent ones are left out)."""
        unique = sorted(set(keys))
        found: dict[Key, Stored] = {}
        for start in range(0, len(unique), 100):
            for r in AggregateRecord.batch_get(unique[start : start + 100], consistent_read=True):
                found[(r.pk, r.sk)] = _stored(r)
        return found

    def write(
        self,
        items: Mapping[Key, Mapping[str, Any]],
        *,
        now: dt.datetime,
        stored: Mapping[Key, Mapping[str, Any]] | None = None,
    ) -> int:
        """Store figures, skipping those equal to what is stored (so a rerun writes nothing);
        returns how many items were written. `stored`: what the caller read under these keys
        already (a key it lacks is absent from the table), which spares the read."""
        existing = self.read_keys(items) if stored is None else stored
        changed = [(key, values) for key, values in items.items() if dict(existing.get(key, {})) != dict(values)]
        with AggregateRecord.batch_write() as batch:
            for (pk, sk), values in changed:
                batch.save(AggregateRecord(pk, sk, values=dict(values), computed_at=now))
        return len(changed)


def _stored(record: AggregateRecord) -> Stored:
    stored = Stored(record.values or {})
    stored.computed_at = record.computed_at
    return stored


def delete_all() -> int:
    """Remove every aggregate (before a rebuild from scratch); returns how many were removed."""
    removed = 0
    with AggregateRecord.batch_write() as batch:
        for record in AggregateRecord.scan(attributes_to_get=["pk", "sk"]):
            batch.delete(record)
            removed += 1
    return removed
