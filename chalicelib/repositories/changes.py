"""The change feed the rollups read: dirty markers, written before the change they announce.

A marker item holds a map from *scope* to a random token for one (tenant, month) and one group of
scopes: a scope is a village code, or REGENCY_SCOPE for data of the regency that belongs to no village
(a commitment without a village); a group is a village code without its last two digits (at most a
hundred villages, so an item stays under 4 KB and is set by one update), or the scope itself. Every
write of a scope sets a fresh token, so a rollup that processed a scope removes it only if the token
is still the one it saw (a newer change keeps it dirty). Readers see one `Marker` per tenant-month.

Writers mark *before* they store the change: a crash in between leaves a marker for nothing,
which costs one harmless recomputation, never a missed change. The rollup leaves markers younger
than the settle window in place (a change announced but not yet stored is still in flight).
Markers are spread over _SHARDS partitions by their owner's id (`dirty#<shard>`), so tenants posting
at once write to many partitions, never to one hot key; `pending()` reads every shard, a tenant's feed
only its own. Markers of the earlier shape (one item per tenant-month, partition "dirty") are moved
into this one when read.
"""

from __future__ import annotations

import secrets
import zlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pynamodb.attributes import MapAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.expressions.condition import size
from pynamodb.models import Model

from chalicelib.clock import utcnow
from chalicelib.config import get_settings
from chalicelib.domain.rollup_plan import NATION, REGENCY_SCOPE
from chalicelib.repositories.base import all_of, condition_held, table_meta
from chalicelib.tables import CHANGES

__all__ = [
    "REGENCY_SCOPE",
    "ChangeFeed",
    "Marked",
    "Marker",
    "NationalFeed",
    "clear",
    "feed",
    "national_feed",
    "pending",
]

_LEGACY = "dirty"  # the one partition of the earlier shape
_SHARDS = 16
# Scopes set or removed by one update: DynamoDB refuses expressions over 4 KB, and each scope
# takes a clause of about 14 to 19 bytes ("#0.#12 = :11 AND "); a test checks the sizes.
_SCOPES_PER_UPDATE = 100


class ChangeMarker(Model):
    """Storage shape of a dirty marker."""

    Meta = table_meta(CHANGES)

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)  # "<tenant>#<YYYY-MM>#<group>" (earlier: "<tenant>#<YYYY-MM>")
    scopes: MapAttribute[str, str] = MapAttribute(default=dict)
    touched_at = UTCDateTimeAttribute(null=True)
    opened_at = UTCDateTimeAttribute(null=True)  # its first change since the rollup last cleared it
    announced_at = UTCDateTimeAttribute(null=True)  # its latest change announced to fresh on change


@dataclass(frozen=True)
class Span:
    """The changes a marker item holds: its first since the rollup last cleared it, its latest announced
    to fresh on change (the first after a quiet spell longer than the settle window), and its last."""

    opened: datetime
    announced: datetime
    last: datetime


@dataclass(frozen=True)
class Marker:
    """A tenant-month with the scopes changed in it and their tokens."""

    tenant_id: str
    month: str
    scopes: dict[str, str]
    # each of its items' changes: (first since the rollup cleared it, latest announced, last)
    spans: tuple[Span, ...] = ()

    @property
    def touched_at(self) -> datetime | None:
        """Its last change (that of its latest item; None if no item has a time)."""
        return max((span.last for span in self.spans), default=None)


@dataclass(frozen=True)
class Marked:
    """What a mark did: its writes, and how many marker items it announces to fresh on change (those
    it opened: their first change since the rollup last cleared them; and those whose last change was
    older than the settle window)."""

    writes: int
    announced: int


@dataclass(frozen=True)
class ChangeFeed:
    """One tenant's change feed: what its writers mark and its rollup clears. It names only its
    tenant's markers."""

    tenant_id: str

    def mark(self, changes: Iterable[tuple[str, str]], *, now: datetime | None = None) -> Marked:
        """Mark (month "YYYY-MM", scope) pairs dirty: one write per distinct month and hundred scopes."""
        return _mark(self.tenant_id, changes, now)

    def pending(self) -> list[Marker]:
        """The tenant's dirty months with their scopes (one query of its shard)."""
        return _read(self.tenant_id)


@dataclass(frozen=True)
class NationalFeed:
    """The national step's feed: (period, province) pairs whose regency figures changed."""

    def mark(self, province: str, periods: Iterable[str], *, now: datetime | None = None) -> int:
        """Mark a province's periods dirty; returns the number of writes made."""
        return _mark(NATION, [(period, province) for period in periods], now).writes

    def pending(self) -> list[Marker]:
        """The national step's dirty periods, each with its dirty provinces as scopes."""
        return _read(NATION)


def feed(tenant_id: str) -> ChangeFeed:
    """A tenant's change feed."""
    if tenant_id == NATION:
        raise ValueError("the nation is not a tenant: use national_feed()")
    return ChangeFeed(tenant_id)


def national_feed() -> NationalFeed:
    """The national step's feed."""
    return NationalFeed()


def mark_changed(*, tenant_id: str, changes: Iterable[tuple[str, str]], now: datetime | None = None) -> int:
    """Mark (month "YYYY-MM", scope) pairs of a tenant dirty (`feed(tenant_id).mark`); the writes made."""
    return feed(tenant_id).mark(changes, now=now).writes


def _partition(owner: str) -> str:
    """The shard of a tenant's (or the nation's) markers: a regency's code read as a number, so the
    regencies of a province (which post at the same hours) take neighbouring shards in turn."""
    digits = owner.replace(".", "")
    number = int(digits) if digits.isdigit() else zlib.crc32(owner.encode())
    return f"dirty#{number % _SHARDS:02d}"


def _group(scope: str) -> str:
    """The item a scope's token lives in: a village's hundred ("33.15.01.20"), else the scope alone."""
    parts = scope.split(".")
    return scope[:-2] if len(parts) == 4 and len(parts[3]) == 4 and parts[3].isdigit() else scope


def _mark(owner: str, changes: Iterable[tuple[str, str]], now: datetime | None) -> Marked:
    by_item: dict[tuple[str, str], set[str]] = defaultdict(set)
    for month, scope in changes:
        by_item[(month, _group(scope))].add(scope)
    now = now or utcnow()
    writes = announced = 0
    for (month, group), scopes in sorted(by_item.items()):
        for hundred in _hundreds(scopes):
            announced += _mark_item(ChangeMarker(_partition(owner), f"{owner}#{month}#{group}"), hundred, now)
            writes += 1
    return Marked(writes, announced)


def _hundreds(scopes: Iterable[str]) -> Iterator[list[str]]:
    """The distinct scopes, sorted, in lists of at most _SCOPES_PER_UPDATE (a path twice in one
    update is refused)."""
    ordered = sorted(set(scopes))
    for start in range(0, len(ordered), _SCOPES_PER_UPDATE):
        yield ordered[start : start + _SCOPES_PER_UPDATE]


def _mark_item(marker: ChangeMarker, scopes: list[str], now: datetime) -> bool:
    """Set the scopes' tokens in the item; whether this change is to be announced to fresh on change:
    it opened the item (no pending change in it), or the item's last change is older than the settle
    window (a plan may have read the item already, and would clear only what it read: the change would
    otherwise wait for the schedule; `announced_at` then dates the changes no plan has read yet).
    A burst into one item is announced once. The item's time of last change never moves back: a
    rebuild marks as of its plan's clock, and a change made since must keep its item too young to clear
    until it is settled."""
    token = secrets.token_hex(8)
    tokens = [_entry(s).set(token) for s in scopes]
    held = ChangeMarker.scopes.exists() & (size(ChangeMarker.scopes) > 0)
    recent = now - timedelta(seconds=get_settings().rollup_settle_seconds)
    for _ in range(5):
        # the usual case: the item holds changes, the last one within the settle window
        if condition_held(
            lambda: marker.update(
                actions=[*tokens, ChangeMarker.touched_at.set(now)],
                condition=held & (ChangeMarker.touched_at > recent) & (ChangeMarker.touched_at <= now),
            )
        ):
            return False
        # the first change of the item since the rollup cleared it (or emptied it: it deletes it next)
        if condition_held(
            lambda: marker.update(
                actions=[
                    ChangeMarker.scopes.set({s: token for s in scopes}),
                    ChangeMarker.touched_at.set(now),
                    ChangeMarker.opened_at.set(now),
                    ChangeMarker.announced_at.set(now),
                ],
                condition=ChangeMarker.scopes.does_not_exist() | (size(ChangeMarker.scopes) == 0),
            )
        ):
            return True
        # changes older than the settle window, kept (a failed village, or a plan's clear to come)
        if condition_held(
            lambda: marker.update(
                actions=[*tokens, ChangeMarker.touched_at.set(now), ChangeMarker.announced_at.set(now)],
                condition=held & (ChangeMarker.touched_at.does_not_exist() | (ChangeMarker.touched_at <= recent)),
            )
        ):
            return True
        # changes later than `now` (a rebuild marking as of its plan): its tokens only
        if condition_held(lambda: marker.update(actions=tokens, condition=held)):
            return False
    raise RuntimeError("could not mark a change after 5 attempts")  # only under a pathological race


def pending() -> list[Marker]:
    """Every dirty tenant-month of every tenant (strongly consistent; one query a shard)."""
    _move_legacy("")
    found: list[ChangeMarker] = []
    for shard in range(_SHARDS):
        found += ChangeMarker.query(f"dirty#{shard:02d}", consistent_read=True)
    return [m for m in _markers(found) if m.tenant_id != NATION]


def _read(owner: str) -> list[Marker]:
    """One owner's dirty months (strongly consistent; one query of its shard)."""
    _move_legacy(f"{owner}#")
    prefix = ChangeMarker.sk.startswith(f"{owner}#")
    return _markers(ChangeMarker.query(_partition(owner), prefix, consistent_read=True))


def _markers(records: Iterable[ChangeMarker]) -> list[Marker]:
    """Items merged into one Marker per owner and month (each item's span of changes kept)."""
    merged: dict[tuple[str, str], Marker] = {}
    for record in records:
        owner, month, _ = record.sk.split("#", 2)
        scopes = {str(k): str(v) for k, v in _scopes_of(record).items()}
        known = merged.get((owner, month))
        if known is not None:
            scopes = {**known.scopes, **scopes}
        spans = known.spans if known else ()
        if record.touched_at:
            first = record.opened_at or record.touched_at
            spans = (*spans, Span(first, record.announced_at or first, record.touched_at))
        merged[(owner, month)] = Marker(owner, month, scopes, spans)
    return [merged[key] for key in sorted(merged)]


def _move_legacy(prefix: str) -> None:
    """Move markers of the earlier shape (one item per tenant-month in one partition) into this one:
    marked here first, then removed there only if unchanged (a change still written by the earlier code
    keeps it for the next read)."""
    condition = ChangeMarker.sk.startswith(prefix) if prefix else None
    for record in ChangeMarker.query(_LEGACY, condition, consistent_read=True):
        owner, month = record.sk.split("#", 1)
        scopes = _scopes_of(record)
        _mark(owner, [(month, str(scope)) for scope in scopes], record.touched_at)
        _delete(record, ChangeMarker.scopes == scopes)


def clear(marker: Marker, scopes: Iterable[str]) -> int:
    """Remove processed scopes whose token has not changed since `marker` was read; returns how
    many were removed. An item disappears once its map is empty.

    Each item's scopes go a hundred to an update, on the condition that none of their tokens
    changed; if one did, that hundred is cleared scope by scope, so the changed one stays."""
    removed = 0
    by_group: dict[str, list[str]] = defaultdict(list)
    for scope in scopes:
        by_group[_group(scope)].append(scope)
    for group, grouped in sorted(by_group.items()):
        record = ChangeMarker(_partition(marker.tenant_id), f"{marker.tenant_id}#{marker.month}#{group}")
        updated = False
        for hundred in _hundreds(grouped):
            if _remove_unchanged(record, marker, hundred):
                removed, updated = removed + len(hundred), True
            elif len(hundred) > 1:
                cleared = sum(_remove_unchanged(record, marker, [scope]) for scope in hundred)
                removed, updated = removed + cleared, updated or cleared > 0
        if updated and not _scopes_of(record):  # the last update left the map empty: the item goes
            _delete(record, ChangeMarker.scopes.does_not_exist() | (ChangeMarker.scopes == {}))
    return removed


def _delete(record: ChangeMarker, condition: Any) -> bool:
    """Delete the item if the condition holds; whether it did."""
    return condition_held(lambda: record.delete(condition=condition))


def _scopes_of(record: ChangeMarker) -> dict[str, Any]:
    return record.scopes.as_dict() if record.scopes else {}


def _remove_unchanged(record: ChangeMarker, marker: Marker, scopes: list[str]) -> bool:
    """Remove these scopes if every one still holds the token `marker` saw; whether it did (the
    record then holds the item as the update left it)."""
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
