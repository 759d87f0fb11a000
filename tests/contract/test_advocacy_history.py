"""A commitment's history, on DynamoDB and in memory: read whole in order, or page by page by kind
with cursors that no other commitment's or kind's listing follows."""

from __future__ import annotations

import datetime as dt

import pytest

from chalicelib.domain.commitments import Action, ActionKind, CommitmentStatus
from chalicelib.errors import MalformedRequestError
from chalicelib.stores.advocacy import AdvocacyStores, HistoryKind
from tests.contract.conftest import StoresOf
from tests.contract.test_advocacy_commitments import made, moved
from tests.contract.test_advocacy_stakeholders import AT, A, B, walk

S = CommitmentStatus


def action(aid: str, day: int, *, cid: str = "c1", minutes: int = 0) -> Action:
    """An action of a commitment, done on a day of November and recorded `minutes` after AT."""
    recorded = AT + dt.timedelta(minutes=minutes)
    return Action(aid, cid, dt.date(2026, 11, day), ActionKind.MEETING, f"note {aid}", recorded, "k")


def _ids(stores: AdvocacyStores, kind: HistoryKind, *, limit: int) -> list[object]:
    listed = walk(lambda cursor: stores.history.page("c1", kind, limit=limit, cursor=cursor), limit=limit)
    return [getattr(item, "action_id", None) or getattr(item, "version", None) for item in listed]


def test_a_commitment_is_read_with_its_transitions_by_version_and_its_actions_by_date(stores_of: StoresOf) -> None:
    stores = stores_of(A).advocacy
    stores.commitments.add(made("c1"))
    stores.commitments.add(made("c2"))
    for a in [action("a3", 9), action("a1", 2, minutes=5), action("a2", 2, minutes=1), action("x1", 1, cid="c2")]:
        stores.history.add_action(a)
    committed = moved(stores.commitments, made("c1"), S.COMMITTED)
    current = moved(stores.commitments, committed, S.IN_PROGRESS)

    found = stores.history.of("c1")

    assert found is not None
    commitment, transitions, actions = found
    assert commitment == current
    assert [(t.version, t.from_status, t.to_status) for t in transitions] == [
        (2, S.PROPOSED, S.COMMITTED),
        (3, S.COMMITTED, S.IN_PROGRESS),
    ]
    assert actions == [action("a2", 2, minutes=1), action("a1", 2, minutes=5), action("a3", 9)]
    assert stores.history.of("absent") is None
    assert stores_of(B).advocacy.history.of("c1") is None


def test_each_kind_of_history_is_paged_in_its_order(stores_of: StoresOf) -> None:
    stores = stores_of(A).advocacy
    stores.commitments.add(made("c1"))
    for a in [action("a3", 9), action("a1", 2), action("a2", 4)]:
        stores.history.add_action(a)
    moved(stores.commitments, moved(stores.commitments, made("c1"), S.COMMITTED), S.FULFILLED, realized_amount_idr=1)

    for limit in (1, 2, 5):
        assert _ids(stores, "action", limit=limit) == ["a1", "a2", "a3"]
        assert _ids(stores, "transition", limit=limit) == [2, 3]
    assert _ids(stores, "edit", limit=2) == []


def test_a_history_cursor_is_refused_by_another_kind_commitment_or_tenant(stores_of: StoresOf) -> None:
    stores = stores_of(A).advocacy
    stores.commitments.add(made("c1"))
    stores.commitments.add(made("c2"))
    for a in [action("a1", 2), action("a2", 3), action("b1", 2, cid="c2"), action("b2", 3, cid="c2")]:
        stores.history.add_action(a)
    _, cursor = stores.history.page("c1", "action", limit=1, cursor=None)
    assert cursor is not None

    with pytest.raises(MalformedRequestError):
        stores.history.page("c1", "transition", limit=1, cursor=cursor)
    with pytest.raises(MalformedRequestError):
        stores.history.page("c2", "action", limit=1, cursor=cursor)
    with pytest.raises(MalformedRequestError):
        stores_of(B).advocacy.history.page("c1", "action", limit=1, cursor=cursor)
