"""The change feed the rollups read: dirty markers, written before the change they announce.

One marker item per (tenant, month) holds a map from *scope* to a random token: a scope is a
village code, or REGENCY_SCOPE for data of the regency that belongs to no village (a commitment
without a village). Every write of a scope sets a fresh token, so a rollup that processed a
scope removes it only if the token is still the one it saw (a newer change keeps it dirty).

Writers mark *before* they store the change: a crash in between leaves a marker for nothing,
which costs one harmless recomputation, never a missed change. The rollup leaves markers younger
than the settle window in place (a change announced but not yet stored is still in flight).
All markers share one partition so the rollup finds every dirty tenant with one query; at one
small update per batch that stays far below a partition's write limit.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pynamodb.attributes import MapAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.models import Model

from chalicelib.clock import utcnow
from chalicelib.domain.rollup_plan import NATION, REGENCY_SCOPE
from chalicelib.repositories.base import all_of, condition_held, table_meta
from chalicelib.tables import CHANGES

__all__ = ["REGENCY_SCOPE", "ChangeFeed", "Marker", "NationalFeed", "clear", "feed", "national_feed", "pending"]

_PARTITION = "dirty"
# Scopes set or removed by one update: DynamoDB refuses expressions over 4 KB, and each scope
# takes a clause of about 14 to 19 bytes ("#0.#12 = :11 AND "); a test checks the sizes.
_SCOPES_PER_UPDATE = 100


class ChangeMarker(Model):
    """Storage shape of a dirty marker."""

    Meta = table_meta(CHANGES)

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)  # "<tenant>#<YYYY-MM>"
    scopes: MapAttribute[str, str] = MapAttribute(default=dict)
    touched_at = UTCDateTimeAttribute(null=True)


@dataclass(frozen=True)
class Marker:
    """A tenant-month with the scopes changed in it and their tokens."""

    tenant_id: str
    month: str
    scopes: dict[str, str]
    touched_at: datetime | None


@dataclass(frozen=True)
class ChangeFeed:
    """One tenant's change feed: what its writers mark and its rollup clears. It names only its
    tenant's markers."""

    tenant_id: str

    def mark(self, changes: Iterable[tuple[str, str]], *, now: datetime | None = None) -> int:
        """Mark (month "YYYY-MM", scope) pairs dirty; returns the number of writes made (one per
        distinct month and hundred scopes)."""
        return _mark(self.tenant_id, changes, now)

    def pending(self) -> list[Marker]:
        """The tenant's dirty months with their scopes."""
        return [m for m in _all_pending() if m.tenant_id == self.tenant_id]


@dataclass(frozen=True)
class NationalFeed:
    """The national step's feed: (period, province) pairs whose regency figures changed."""

    def mark(self, province: str, periods: Iterable[str], *, now: datetime | None = None) -> int:
        """Mark a province's periods dirty; returns the number of writes made."""
        return _mark(NATION, [(period, province) for period in periods], now)

    def pending(self) -> list[Marker]:
        """The national step's dirty periods, each with its dirty provinces as scopes."""
        return [m for m in _all_pending() if m.tenant_id == NATION]


def feed(tenant_id: str) -> ChangeFeed:
    """A tenant's change feed."""
    if tenant_id == NATION:
        raise ValueError("the nation is not a tenant: use national_feed()")
    return ChangeFeed(tenant_id)


def national_feed() -> NationalFeed:
    """The national step's feed."""
    return NationalFeed()


def mark_changed(*, tenant_id: str, changes: Iterable[tuple[str, str]], now: datetime | None = None) -> int:
    """Mark (month "YYYY-MM", scope) pairs of a tenant dirty (`feed(tenant_id).mark`)."""
    return feed(tenant_id).mark(changes, now=now)


def _mark(owner: str, changes: Iterable[tuple[str, str]], now: datetime | None) -> int:
    by_month: dict[str, set[str]] = defaultdict(set)
    for month, scope in changes:
        by_month[month].add(scope)
    now = now or utcnow()
    writes = 0
    for month, scopes in sorted(by_month.items()):
        for hundred in _hundreds(scopes):
            _mark_month(owner, month, hundred, now)
            writes += 1
    return writes


def _hundreds(scopes: Iterable[str]) -> Iterator[list[str]]:
    """The distinct scopes, sorted, in lists of at most _SCOPES_PER_UPDATE (a path twice in one
    update is refused)."""
    ordered = sorted(set(scopes))
    for start in range(0, len(ordered), _SCOPES_PER_UPDATE):
        yield ordered[start : start + _SCOPES_PER_UPDATE]


def _mark_month(owner: str, month: str, scopes: list[str], now: datetime) -> None:
    token = secrets.token_hex(8)
    marker = ChangeMarker(_PARTITION, f"{owner}#{month}")
    for _ in range(5):
        # the usual case: the month is dirty already, add to its map
        if condition_held(
            lambda: marker.update(
                actions=[_entry(s).set(token) for s in scopes] + [ChangeMarker.touched_at.set(now)],
                condition=ChangeMarker.scopes.exists(),
            )
        ):
            return
        # the first change of the month since the last rollup: create the map
        if condition_held(
            lambda: marker.update(
                actions=[ChangeMarker.scopes.set({s: token for s in scopes}), ChangeMarker.touched_at.set(now)],
                condition=ChangeMarker.scopes.does_not_exist(),
            )
        ):
            return
    raise RuntimeError("could not mark a change after 5 attempts")  # only under a pathological race


def pending() -> list[Marker]:
    """Every dirty tenant-month of every tenant (strongly consistent; one query)."""
    return [m for m in _all_pending() if m.tenant_id != NATION]


def _all_pending() -> list[Marker]:
    return [
        Marker(
            tenant_id=record.sk.split("#", 1)[0],
            month=record.sk.split("#", 1)[1],
            scopes={str(k): str(v) for k, v in (record.scopes.as_dict() if record.scopes else {}).items()},
            touched_at=record.touched_at,
        )
        for record in ChangeMarker.query(_PARTITION, consistent_read=True)
    ]


def clear(marker: Marker, scopes: Iterable[str]) -> int:
    """Remove processed scopes whose token has not changed since `marker` was read; returns how
    many were removed. The item disappears once its map is empty.

    Scopes go a hundred to an update, on the condition that none of their tokens changed (one
    write instead of a hundred: each write of a marker costs a write unit per KB of the whole
    map); if one did, that hundred is cleared scope by scope, so the changed one stays."""
    removed = 0
    record = ChangeMarker(_PARTITION, f"{marker.tenant_id}#{marker.month}")
    for hundred in _hundreds(scopes):
        if _remove_unchanged(record, marker, hundred):
            removed += len(hundred)
        elif len(hundred) > 1:
            removed += sum(_remove_unchanged(record, marker, [scope]) for scope in hundred)
    # the item goes once its map is empty; a non-empty map stays, as it should
    condition_held(lambda: record.delete(condition=ChangeMarker.scopes.does_not_exist() | (ChangeMarker.scopes == {})))
    return removed


def _remove_unchanged(record: ChangeMarker, marker: Marker, scopes: list[str]) -> bool:
    """Remove these scopes if every one still holds the token `marker` saw; whether it did."""
    return condition_held(
        lambda: record.update(
            actions=[_entry(scope).remove() for scope in scopes],
            condition=all_of([_entry(scope) == marker.scopes[scope] for scope in scopes]),
        )
    )


def _entry(scope: str) -> Any:
    """The document path of one scope's token (PynamoDB's typing has no map-entry paths)."""
    scopes: Any = ChangeMarker.scopes
    return scopes[scope]
