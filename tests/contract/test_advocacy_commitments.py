"""The commitment store's contract, on DynamoDB and in memory: new records only, the listings'
order, filters and cursors, and the two transactions (a transition with its step and fact, an edit
with its entry) that write everything or nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest

from chalicelib.domain.commitment_edits import edited
from chalicelib.domain.commitments import Commitment, CommitmentKind, CommitmentStatus, TransitionRequest
from chalicelib.domain.indicators import TransitionFact
from chalicelib.domain.rollup_plan import REGENCY_SCOPE
from chalicelib.errors import MalformedRequestError, VersionConflictError
from chalicelib.stores.advocacy import CommitmentQuery, CommitmentStore
from tests.contract.conftest import StoresOf
from tests.contract.test_advocacy_stakeholders import LATER, V1, V2, A, B, walk
from tests.support.commitments import commitment

S = CommitmentStatus
ON = dt.date(2026, 11, 5)


def made(
    cid: str, *, due: int = 10, village: str | None = V1, stakeholder: str = "s1", **changes: object
) -> Commitment:
    """A proposed budget commitment of tenant A at version 1, due on a day of December."""
    base = commitment(S.PROPOSED, CommitmentKind.BUDGET, commitment_id=cid, version=1, stakeholder_id=stakeholder)
    return replace(base, due_date=dt.date(2026, 12, due), village_code=village, **changes)  # type: ignore[arg-type]


def moved(store: CommitmentStore, c: Commitment, to: S, **request: object) -> Commitment:
    """`c` moved to `to` through the store (counted as the indicators count)."""
    after, step = c.transition(TransitionRequest(to=to, expected_version=c.version, **request), at=LATER, on=ON, by="k")  # type: ignore[arg-type]
    store.transition(before=c, after=after, step=step, counted=to in (S.COMMITTED, S.FULFILLED))
    return after


def _walk(store: CommitmentStore, *, limit: int, **query: Any) -> list[str]:
    listed = walk(lambda cursor: store.page(CommitmentQuery(**query), limit=limit, cursor=cursor), limit=limit)
    return [c.commitment_id for c in listed]


def test_a_commitment_added_is_read_back_by_its_tenant_only_and_never_overwritten(stores_of: StoresOf) -> None:
    store = stores_of(A).advocacy.commitments
    store.add(made("c1"))

    assert store.get("c1") == made("c1")
    assert stores_of(B).advocacy.commitments.get("c1") is None
    with pytest.raises(RuntimeError):
        store.add(made("c1", description="another"))
    with pytest.raises(ValueError):
        stores_of(B).advocacy.commitments.add(made("c2"))
    assert store.get("c1") == made("c1") and stores_of(B).advocacy.commitments.get("c2") is None


def test_the_listings_are_by_due_date_page_by_page_with_their_filters(stores_of: StoresOf) -> None:
    store = stores_of(A).advocacy.commitments
    for cid, due, village, stakeholder in [
        ("c4", 4, V1, "s1"),
        ("c1", 20, V2, "s2"),
        ("c3", 9, None, "s1"),
        ("c2", 1, V1, "s2"),
    ]:
        store.add(made(cid, due=due, village=village, stakeholder=stakeholder))
    moved(store, made("c4", due=4), S.COMMITTED)
    stores_of(B).advocacy.commitments.add(replace(made("b1"), tenant_id=B))

    for limit in (1, 2, 3, 10):
        assert _walk(store, limit=limit) == ["c2", "c4", "c3", "c1"]
    assert _walk(store, limit=1, status=S.PROPOSED) == ["c2", "c3", "c1"]
    assert _walk(store, limit=1, stakeholder_id="s1") == ["c4", "c3"]
    assert _walk(store, limit=1, stakeholder_id="s2", village_code=V2) == ["c1"]
    assert _walk(store, limit=2, village_codes=frozenset({V1})) == ["c2", "c4"], "the regency's are no operator's"
    assert _walk(store, limit=1, due_before=dt.date(2026, 12, 9)) == ["c2", "c4"], "due before, not on, the date"
    assert _walk(store, limit=2, overdue=True) == []
    assert [c.commitment_id for c in store.of_stakeholder("s2", village_codes=None)] == ["c2", "c1"]
    assert [c.commitment_id for c in store.of_stakeholder("s1", village_codes=frozenset({V1}))] == ["c4"]
    with pytest.raises(ValueError):
        store.page(CommitmentQuery(village_codes=frozenset()), limit=10, cursor=None)


def test_a_cursor_is_refused_by_another_tenant_and_across_the_tenant_s_and_a_stakeholder_s_listing(
    stores_of: StoresOf,
) -> None:
    store = stores_of(A).advocacy.commitments
    for cid in ("c1", "c2", "c3"):
        store.add(made(cid))
    _, of_tenant = store.page(CommitmentQuery(), limit=1, cursor=None)
    _, of_stakeholder = store.page(CommitmentQuery(stakeholder_id="s1"), limit=1, cursor=None)
    assert of_tenant is not None and of_stakeholder is not None

    with pytest.raises(MalformedRequestError):
        stores_of(B).advocacy.commitments.page(CommitmentQuery(), limit=1, cursor=of_tenant)
    with pytest.raises(MalformedRequestError):
        store.page(CommitmentQuery(stakeholder_id="s1"), limit=1, cursor=of_tenant)
    with pytest.raises(MalformedRequestError):
        store.page(CommitmentQuery(), limit=1, cursor=of_stakeholder)
    with pytest.raises(MalformedRequestError):
        store.page(CommitmentQuery(stakeholder_id="s2"), limit=1, cursor=of_stakeholder)


def test_a_counted_transition_writes_the_state_its_step_and_its_fact_and_an_uncounted_one_no_fact(
    stores_of: StoresOf,
) -> None:
    stores = stores_of(A).advocacy
    stores.commitments.add(made("c1"))
    stores.commitments.add(made("c2", village=None, kind=CommitmentKind.POLICY, amount_idr=None))

    committed = moved(stores.commitments, made("c1"), S.COMMITTED)
    withdrawn = moved(
        stores.commitments, made("c2", village=None, kind=CommitmentKind.POLICY, amount_idr=None), S.WITHDRAWN
    )

    assert stores.commitments.get("c1") == committed and committed.version == 2
    assert stores.commitments.get("c2") == withdrawn
    found = stores.history.of("c1")
    assert found is not None and [(t.version, t.to_status) for t in found[1]] == [(2, S.COMMITTED)]
    assert stores.facts.between(V1, ON, ON) == [TransitionFact("c1", "committed", ON, 25_000_000)]
    assert stores.facts.between(REGENCY_SCOPE, ON, ON) == []
    assert stores.facts.months() == {("2026-11", V1)}
    assert stores_of(B).advocacy.facts.months() == set()
    assert stores.facts.every_fact() == {V1: [TransitionFact("c1", "committed", ON, 25_000_000)]}
    assert stores_of(B).advocacy.facts.every_fact() == {}


def test_a_transition_from_a_version_no_longer_stored_writes_nothing(stores_of: StoresOf) -> None:
    stores = stores_of(A).advocacy
    stores.commitments.add(made("c1"))
    moved(stores.commitments, made("c1"), S.COMMITTED)
    stale, step = made("c1").transition(TransitionRequest(to=S.WITHDRAWN, expected_version=1), at=LATER, on=ON, by="k")

    with pytest.raises(VersionConflictError):
        stores.commitments.transition(before=made("c1"), after=stale, step=step, counted=True)
    with pytest.raises(VersionConflictError):
        stores_of(B).advocacy.commitments.transition(
            before=replace(made("c1"), tenant_id=B), after=replace(stale, tenant_id=B), step=step, counted=True
        )

    current = stores.commitments.get("c1")
    assert current is not None and (current.status, current.version) == (S.COMMITTED, 2)
    found = stores.history.of("c1")
    assert found is not None and len(found[1]) == 1, "no second step"
    assert len(stores.facts.between(V1, ON, ON)) == 1, "no fact of the refused transition"
    assert stores_of(B).advocacy.commitments.get("c1") is None


def test_an_edit_writes_the_commitment_with_its_entry_or_nothing(stores_of: StoresOf) -> None:
    stores = stores_of(A).advocacy
    stores.commitments.add(made("c1"))
    after, entry = edited(
        made("c1"), {"due_date": dt.date(2027, 1, 31), "next_step": "Rapat"}, expected_version=1, at=LATER, by="k"
    )
    assert entry is not None

    stores.commitments.edit(before=made("c1"), after=after, edit=entry)
    with pytest.raises(VersionConflictError):
        stores.commitments.edit(
            before=made("c1"), after=replace(after, description="late"), edit=replace(entry, version=3)
        )

    assert stores.commitments.get("c1") == after
    assert stores.history.page("c1", "edit", limit=10, cursor=None) == ([entry], None)
    assert _walk(stores.commitments, limit=5, due_before=dt.date(2027, 1, 1)) == [], "listed by its new due date"


def test_a_final_commitment_is_not_edited(stores_of: StoresOf) -> None:
    stores = stores_of(A).advocacy
    stores.commitments.add(made("c1"))
    final = moved(stores.commitments, made("c1"), S.WITHDRAWN)
    after, entry = edited(replace(final, status=S.PROPOSED), {"description": "x"}, expected_version=2, at=LATER, by="k")
    assert entry is not None

    with pytest.raises(VersionConflictError):
        stores.commitments.edit(before=final, after=after, edit=entry)

    assert stores.commitments.get("c1") == final
    assert stores.history.page("c1", "edit", limit=10, cursor=None)[0] == []
