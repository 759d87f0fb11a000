"""The stakeholder store's contract, on DynamoDB and in memory: new records only, field updates,
and the listing's order, filters and cursors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from chalicelib.domain.commitments import Stakeholder, StakeholderKind
from chalicelib.errors import MalformedRequestError, NotFoundError
from chalicelib.stores.advocacy import StakeholderQuery, StakeholderStore
from tests.contract.conftest import StoresOf

A, B = "33.15", "33.22"
V1, V2 = f"{A}.01.2001", f"{A}.01.2002"
AT = dt.datetime(2026, 11, 5, 8, 30, tzinfo=dt.UTC)
LATER = AT + dt.timedelta(hours=1)


def stakeholder(
    sid: str, *, village: str | None = V1, kind: StakeholderKind = StakeholderKind.VILLAGE_HEAD
) -> Stakeholder:
    """A stakeholder of tenant A with a recognisable id (the other advocacy contracts use it too)."""
    return Stakeholder(sid, A, f"Kades {sid}", kind, None, "Kepala Desa", village, None, AT, AT)


def walk(page: Callable[[str | None], tuple[list[Any], str | None]], *, limit: int) -> list[Any]:
    """Every item of a listing, following its cursors (a page holds at most `limit`)."""
    found: list[Any] = []
    cursor: str | None = None
    while True:
        items, cursor = page(cursor)
        assert len(items) <= limit
        found += items
        if cursor is None:
            return found


def _walk(store: StakeholderStore, *, limit: int, **query: Any) -> list[str]:
    listed = walk(lambda cursor: store.page(StakeholderQuery(**query), limit=limit, cursor=cursor), limit=limit)
    return [s.stakeholder_id for s in listed]


def test_a_stakeholder_added_is_read_back_by_its_tenant_only(stores_of: StoresOf) -> None:
    store = stores_of(A).advocacy.stakeholders
    store.add(stakeholder("s1"))

    assert store.get("s1") == stakeholder("s1")
    assert store.get_many(["s1", "absent"]) == {"s1": stakeholder("s1")}
    assert store.get("absent") is None
    assert stores_of(B).advocacy.stakeholders.get("s1") is None
    assert stores_of(B).advocacy.stakeholders.get_many(["s1"]) == {}


def test_a_stakeholder_of_another_tenant_or_a_taken_id_is_refused_and_nothing_is_written(stores_of: StoresOf) -> None:
    store = stores_of(A).advocacy.stakeholders
    store.add(stakeholder("s1"))

    with pytest.raises(ValueError):
        stores_of(B).advocacy.stakeholders.add(stakeholder("s2"))
    with pytest.raises(RuntimeError):
        store.add(replace(stakeholder("s1"), name="another"))

    assert store.get("s1") == stakeholder("s1")
    assert stores_of(B).advocacy.stakeholders.get("s2") is None and store.get("s2") is None


def test_an_update_sets_and_clears_fields_and_counts_a_version(stores_of: StoresOf) -> None:
    store = stores_of(A).advocacy.stakeholders
    store.add(replace(stakeholder("s1"), contact="0812"))

    updated = store.update("s1", {"name": "Bu Kades", "kind": StakeholderKind.REGENT, "contact": None}, at=LATER)

    expected = replace(stakeholder("s1"), name="Bu Kades", kind=StakeholderKind.REGENT, updated_at=LATER, version=2)
    assert updated == expected and store.get("s1") == expected


def test_an_update_of_a_stakeholder_not_stored_is_not_found_and_writes_nothing(stores_of: StoresOf) -> None:
    stores_of(A).advocacy.stakeholders.add(stakeholder("s1"))

    with pytest.raises(NotFoundError):
        stores_of(A).advocacy.stakeholders.update("absent", {"name": "x"}, at=LATER)
    with pytest.raises(NotFoundError):
        stores_of(B).advocacy.stakeholders.update("s1", {"name": "x"}, at=LATER)

    assert stores_of(A).advocacy.stakeholders.get("absent") is None
    assert stores_of(B).advocacy.stakeholders.get("s1") is None
    assert stores_of(A).advocacy.stakeholders.get("s1") == stakeholder("s1")


def test_the_listing_is_in_id_order_page_by_page_with_its_filters(stores_of: StoresOf) -> None:
    store = stores_of(A).advocacy.stakeholders
    for sid, village, kind in [
        ("s4", V1, StakeholderKind.VILLAGE_HEAD),
        ("s2", V2, StakeholderKind.VILLAGE_HEAD),
        ("s1", None, StakeholderKind.REGENT),
        ("s3", V1, StakeholderKind.SCHOOL),
    ]:
        store.add(stakeholder(sid, village=village, kind=kind))

    for limit in (1, 2, 3, 10):
        assert _walk(store, limit=limit) == ["s1", "s2", "s3", "s4"]
    assert _walk(store, limit=1, kind=StakeholderKind.VILLAGE_HEAD) == ["s2", "s4"]
    assert _walk(store, limit=1, village_code=V1) == ["s3", "s4"]
    assert _walk(store, limit=2, village_codes=frozenset({V2})) == ["s2"], "the regency's are no operator's"
    with pytest.raises(ValueError):
        store.page(StakeholderQuery(village_codes=frozenset()), limit=10, cursor=None)


def test_a_cursor_is_refused_by_another_tenant_and_when_it_is_no_cursor(stores_of: StoresOf) -> None:
    store = stores_of(A).advocacy.stakeholders
    for sid in ("s1", "s2", "s3"):
        store.add(stakeholder(sid))
    _, cursor = store.page(StakeholderQuery(), limit=1, cursor=None)
    assert cursor is not None

    with pytest.raises(MalformedRequestError):
        stores_of(B).advocacy.stakeholders.page(StakeholderQuery(), limit=1, cursor=cursor)
    with pytest.raises(MalformedRequestError):
        store.page(StakeholderQuery(), limit=1, cursor="not-a-cursor")
