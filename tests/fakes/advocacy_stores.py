"""In-memory twins of the advocacy stores (chalicelib/stores/advocacy.py); tests/contract holds them
to the PynamoDB ones.

A tenant's records are kept by value in one dict by the sort key of their DynamoDB item, so listings
come in the order of the table and its indexes, pages are filled as a query with a limit fills them
(the limit counts what is read before the filters), cursors are refused by any other listing, and
each transaction checks all its conditions before it writes anything.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from chalicelib.domain.commitment_edits import CommitmentEdit
from chalicelib.domain.commitments import Action, Commitment, Stakeholder, Transition
from chalicelib.domain.indicators import TransitionFact
from chalicelib.errors import NotFoundError, VersionConflictError
from chalicelib.repositories.advocacy_items import checked_cursor
from chalicelib.stores.advocacy import AdvocacyStores, CommitmentQuery, HistoryKind, Page, StakeholderQuery, scope_of
from tests.fakes.access_stores import _page

T = TypeVar("T")


@dataclass
class AdvocacyData:
    """One tenant's advocacy records by sort key, and the next-step due dates announced."""

    items: dict[str, Any] = field(default_factory=dict)
    announced: dict[str, dt.date] = field(default_factory=dict)


def _kept(village_code: str | None, villages: frozenset[str] | None, record_village: str | None) -> bool:
    if villages is not None and not villages:
        raise ValueError("a village-limited listing needs at least one village")
    return (village_code is None or record_village == village_code) and (villages is None or record_village in villages)


class _Bound:
    def __init__(self, tenant_id: str, data: AdvocacyData) -> None:
        self.tenant_id, self._data = tenant_id, data

    def _add(self, sk: str, record: Any) -> None:
        if getattr(record, "tenant_id", self.tenant_id) != self.tenant_id:
            raise ValueError("the record belongs to another tenant")
        if sk in self._data.items:
            raise RuntimeError("advocacy id collision")
        self._data.items[sk] = copy.deepcopy(record)

    def _read(self, sk: str, kind: type[T]) -> T | None:
        found = self._data.items.get(sk)
        return copy.deepcopy(found) if isinstance(found, kind) else None

    def _page(
        self,
        rows: list[tuple[dict[str, str], T]],
        scope: dict[str, str],
        *,
        prefix: str,
        index: bool = False,
        **kw: Any,
    ) -> tuple[list[T], str | None]:
        """A query's page over rows keyed as the items of the table, or of a commitments index, are."""
        keys = {*scope, "tenant_id", "sk"} | ({"commitment_sort"} if index else set())
        checked_cursor(kw["cursor"], scope=scope, keys=keys, sk_prefix=prefix)
        items, cursor = _page(rows, scope=scope, **kw)
        return [copy.deepcopy(i) for i in items], cursor

    def _commitments(self) -> list[Commitment]:
        return [c for c in self._data.items.values() if isinstance(c, Commitment)]


class MemoryStakeholders(_Bound):
    def add(self, stakeholder: Stakeholder) -> None:
        self._add(f"stakeholder#{stakeholder.stakeholder_id}", stakeholder)

    def get(self, stakeholder_id: str) -> Stakeholder | None:
        return self._read(f"stakeholder#{stakeholder_id}", Stakeholder)

    def get_many(self, stakeholder_ids: Iterable[str]) -> dict[str, Stakeholder]:
        return {s.stakeholder_id: s for i in set(stakeholder_ids) if (s := self.get(i)) is not None}

    def update(self, stakeholder_id: str, changes: Mapping[str, Any], *, at: dt.datetime) -> Stakeholder:
        stored = self.get(stakeholder_id)
        if stored is None:
            raise NotFoundError("no such stakeholder")
        updated = replace(stored, **changes, updated_at=at, version=stored.version + 1)
        self._data.items[f"stakeholder#{stakeholder_id}"] = updated
        return copy.deepcopy(updated)

    def page(self, query: StakeholderQuery, *, limit: int, cursor: str | None) -> tuple[list[Stakeholder], str | None]:
        rows = [
            ({"tenant_id": self.tenant_id, "sk": sk}, s)
            for sk, s in self._data.items.items()
            if isinstance(s, Stakeholder)
        ]

        def keep(s: Stakeholder) -> bool:
            kind_held = query.kind is None or s.kind == query.kind
            return kind_held and _kept(query.village_code, query.village_codes, s.village_code)

        scope = {"tenant_id": self.tenant_id}
        return self._page(rows, scope, prefix="stakeholder#", limit=limit, cursor=cursor, keep=keep)


def _sort(c: Commitment) -> str:
    return f"{c.due_date.isoformat()}#{c.commitment_id}"


class MemoryCommitments(_Bound):
    def add(self, commitment: Commitment) -> None:
        self._add(f"commitment#{commitment.commitment_id}", commitment)

    def get(self, commitment_id: str) -> Commitment | None:
        return self._read(f"commitment#{commitment_id}", Commitment)

    def page(self, query: CommitmentQuery, *, limit: int, cursor: str | None) -> tuple[list[Commitment], str | None]:
        scope = {"tenant_id": self.tenant_id}
        if query.stakeholder_id is not None:
            scope = {"stakeholder_key": f"{self.tenant_id}#{query.stakeholder_id}", **scope}
        rows = [
            ({**scope, "commitment_sort": _sort(c), "sk": f"commitment#{c.commitment_id}"}, c)
            for c in self._commitments()
            if (query.stakeholder_id is None or c.stakeholder_id == query.stakeholder_id)
            and (query.due_before is None or _sort(c) < query.due_before.isoformat())
        ]

        def keep(c: Commitment) -> bool:
            held = (query.status is None or c.status is query.status) and (
                query.overdue is None or c.overdue is query.overdue
            )
            return held and _kept(query.village_code, query.village_codes, c.village_code)

        return self._page(rows, scope, prefix="commitment#", index=True, limit=limit, cursor=cursor, keep=keep)

    def of_stakeholder(self, stakeholder_id: str, *, village_codes: frozenset[str] | None) -> list[Commitment]:
        return [
            copy.deepcopy(c)
            for c in sorted(self._commitments(), key=_sort)
            if c.stakeholder_id == stakeholder_id and _kept(None, village_codes, c.village_code)
        ]

    def _change(self, before: Commitment, after: Commitment, entries: dict[str, Any], *, open_only: bool) -> None:
        """Write `after` and its entries when the stored commitment is still at `before.version`."""
        if after.tenant_id != self.tenant_id:
            raise ValueError("the record belongs to another tenant")
        stored = self.get(after.commitment_id)
        if (
            stored is None
            or stored.version != before.version
            or (open_only and stored.is_final)
            or any(sk in self._data.items for sk in entries)
        ):
            raise VersionConflictError("the commitment changed meanwhile; reload it and retry")
        self._data.items.update({f"commitment#{after.commitment_id}": copy.deepcopy(after), **entries})

    def transition(self, *, before: Commitment, after: Commitment, step: Transition, counted: bool) -> None:
        entries: dict[str, Any] = {f"commitment#{after.commitment_id}#transition#{step.version:06d}": step}
        if counted:
            fact = TransitionFact(
                after.commitment_id, step.to_status.value, step.on, after.counted_amount(step.to_status)
            )
            entries[f"fact#{scope_of(after)}#{step.on.isoformat()}#{after.commitment_id}#{step.version:06d}"] = fact
        self._change(before, after, entries, open_only=False)

    def edit(self, *, before: Commitment, after: Commitment, edit: CommitmentEdit) -> None:
        entries = {f"commitment#{after.commitment_id}#edit#{edit.version:06d}": edit}
        self._change(before, after, entries, open_only=True)


class MemoryHistory(_Bound):
    def add_action(self, action: Action) -> None:
        at = f"{action.date.isoformat()}#{action.recorded_at.isoformat()}#{action.action_id}"
        self._add(f"commitment#{action.commitment_id}#action#{at}", action)

    def _entries(self, prefix: str) -> list[tuple[str, Any]]:
        return sorted((sk, r) for sk, r in self._data.items.items() if sk.startswith(prefix))

    def of(self, commitment_id: str) -> tuple[Commitment, list[Transition], list[Action]] | None:
        commitment = self._read(f"commitment#{commitment_id}", Commitment)
        if commitment is None:
            return None
        entries = [copy.deepcopy(r) for _, r in self._entries(f"commitment#{commitment_id}#")]
        return (
            commitment,
            [t for t in entries if isinstance(t, Transition)],
            [a for a in entries if isinstance(a, Action)],
        )

    def page(self, commitment_id: str, kind: HistoryKind, *, limit: int, cursor: str | None) -> Page:
        prefix = f"commitment#{commitment_id}#{kind}#"
        rows = [({"tenant_id": self.tenant_id, "sk": sk}, r) for sk, r in self._entries(prefix)]
        scope = {"tenant_id": self.tenant_id}
        return self._page(rows, scope, prefix=prefix, limit=limit, cursor=cursor, keep=lambda _: True)


class MemoryReminderMarks(_Bound):
    def set_overdue(self, commitment_id: str, *, overdue: bool, at: dt.datetime) -> bool:
        stored = self._read(f"commitment#{commitment_id}", Commitment)
        if stored is None or stored.overdue is overdue or (overdue and stored.is_final):
            return False
        self._data.items[f"commitment#{commitment_id}"] = replace(stored, overdue=overdue)
        return True

    def claim_next_step(self, commitment_id: str, *, due: dt.date) -> bool:
        stored = self._read(f"commitment#{commitment_id}", Commitment)
        if stored is None or stored.next_step_due != due or self._data.announced.get(commitment_id) == due:
            return False
        self._data.announced[commitment_id] = due
        return True

    def release_next_step(self, commitment_id: str) -> None:
        self._data.announced.pop(commitment_id, None)


class MemoryFacts(_Bound):
    def between(self, scope: str, start: dt.date, end: dt.date) -> list[TransitionFact]:
        low, high = f"fact#{scope}#{start.isoformat()}", f"fact#{scope}#{end.isoformat()}#~"
        return [copy.deepcopy(f) for sk, f in sorted(self._data.items.items()) if low <= sk <= high]

    def months(self) -> set[tuple[str, str]]:
        return {(sk.split("#")[2][:7], sk.split("#")[1]) for sk in self._data.items if sk.startswith("fact#")}

    def every_fact(self) -> dict[str, list[TransitionFact]]:
        found: dict[str, list[TransitionFact]] = {}
        for sk, fact in sorted(self._data.items.items()):
            if sk.startswith("fact#"):
                found.setdefault(sk.split("#")[1], []).append(copy.deepcopy(fact))
        return found


class MemoryAdvocacy:
    """Every tenant's advocacy records: a tenant's stores see only its own, the open commitments all."""

    def __init__(self) -> None:
        self._tenants: dict[str, AdvocacyData] = {}

    def for_tenant(self, tenant_id: str) -> AdvocacyStores:
        data = self._tenants.setdefault(tenant_id, AdvocacyData())
        return AdvocacyStores(
            stakeholders=MemoryStakeholders(tenant_id, data),
            commitments=MemoryCommitments(tenant_id, data),
            history=MemoryHistory(tenant_id, data),
            reminders=MemoryReminderMarks(tenant_id, data),
            facts=MemoryFacts(tenant_id, data),
        )

    def _open(self) -> list[tuple[Commitment, dt.date | None]]:
        found = [
            (c, data.announced.get(c.commitment_id))
            for data in self._tenants.values()
            for c in data.items.values()
            if isinstance(c, Commitment) and not c.is_final
        ]
        return sorted(found, key=lambda pair: (pair[0].due_date, pair[0].tenant_id, pair[0].commitment_id))

    def due_before(self, before: dt.date) -> Iterator[Commitment]:
        return iter([copy.deepcopy(c) for c, _ in self._open() if c.due_date < before])

    def next_steps_due(self, by: dt.date) -> list[Commitment]:
        return [
            copy.deepcopy(c)
            for c, announced in self._open()
            if c.next_step_due is not None and c.next_step_due <= by and announced != c.next_step_due
        ]
