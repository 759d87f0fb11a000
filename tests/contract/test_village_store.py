"""The village store's contract, on DynamoDB and in memory."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from chalicelib.domain.villages import RecordedBaseline, Village
from chalicelib.errors import MalformedRequestError
from chalicelib.stores import VillageStore
from tests.contract.conftest import StoresOf

A, B = "33.15", "33.22"
AT = dt.datetime(2026, 11, 5, 8, 30, tzinfo=dt.UTC)
LATER = AT + dt.timedelta(days=1)


def _village(code: str, tenant: str = A, name: str = "Perpusdes") -> Village:
    return Village(
        tenant_id=tenant,
        village_code=code,
        library_name=name,
        joined_year=2024,
        cohort="perpuseru-2016",
        created_at=AT,
        updated_at=AT,
        joined_on=dt.date(2024, 3, 1),
    )


def _codes(n: int, kecamatan: str = "01") -> list[str]:
    return [f"{A}.{kecamatan}.{2001 + i}" for i in range(n)]


def _walk(
    store: VillageStore, *, limit: int, prefix: str | None = None, only: frozenset[str] | None = None
) -> list[list[str]]:
    pages: list[list[str]] = []
    cursor: str | None = None
    while True:
        items, cursor = store.page(limit=limit, cursor=cursor, prefix=prefix, only=only)
        assert len(items) <= limit
        pages.append([v.village_code for v in items])
        if cursor is None:
            return pages


def test_a_village_added_is_read_back_with_every_field(stores_of: StoresOf) -> None:
    store: VillageStore = stores_of(A).villages
    village = _village(f"{A}.01.2001")

    assert store.add(village) is True

    assert store.get(village.village_code) == village


def test_a_village_that_was_never_added_is_not_found(stores_of: StoresOf) -> None:
    store = stores_of(A).villages

    assert store.get(f"{A}.01.2001") is None
    assert store.get_many([f"{A}.01.2001"]) == {}


def test_adding_a_registered_code_again_is_refused_and_keeps_the_first(stores_of: StoresOf) -> None:
    store = stores_of(A).villages
    first = _village(f"{A}.01.2001", name="Pertama")
    store.add(first)

    assert store.add(_village(first.village_code, name="Kedua")) is False

    assert store.get(first.village_code) == first


def test_update_replaces_the_details_and_keeps_creation_baseline_and_deactivation(stores_of: StoresOf) -> None:
    store = stores_of(A).villages
    code = f"{A}.01.2001"
    baseline = RecordedBaseline(monthly={"visits": 20.0}, source="survei", recorded_at=AT, recorded_by="k1")
    store.add(_village(code))
    store.set_state(replace(_village(code), baseline=baseline, deactivated_on=dt.date(2026, 11, 5)))

    details = replace(
        _village(code, name="Baru"), joined_year=2025, joined_on=None, cohort=None, created_at=LATER, updated_at=LATER
    )
    assert store.update(details) is True

    stored = store.get(code)
    assert stored == replace(
        _village(code, name="Baru"),
        joined_year=2025,
        joined_on=None,
        cohort=None,
        updated_at=LATER,
        baseline=baseline,
        deactivated_on=dt.date(2026, 11, 5),
    )


def test_set_state_stores_baseline_and_deactivation_and_can_remove_the_baseline(stores_of: StoresOf) -> None:
    store = stores_of(A).villages
    code = f"{A}.01.2001"
    store.add(_village(code))
    baseline = RecordedBaseline(monthly={"visits": 12.5}, source="survei", recorded_at=AT, recorded_by="k1")

    assert store.set_state(replace(_village(code), baseline=baseline, updated_at=LATER)) is True
    assert store.get(code) == replace(_village(code), baseline=baseline, updated_at=LATER)

    assert store.set_state(replace(_village(code), baseline=None, updated_at=LATER)) is True
    assert store.get(code) == replace(_village(code), updated_at=LATER)


def test_update_and_set_state_of_an_unregistered_village_write_nothing(stores_of: StoresOf) -> None:
    store = stores_of(A).villages
    code = f"{A}.01.2001"

    assert store.update(_village(code)) is False
    assert store.set_state(replace(_village(code), deactivated_on=dt.date(2026, 1, 1))) is False

    assert store.get(code) is None


def test_a_handle_refuses_to_store_another_tenants_village(stores_of: StoresOf) -> None:
    store = stores_of(A).villages

    with pytest.raises(ValueError):
        store.add(_village(f"{B}.01.2001", tenant=B))


def test_get_many_returns_the_registered_ones_by_code_beyond_one_batch(stores_of: StoresOf) -> None:
    store = stores_of(A).villages
    codes = _codes(105)
    for code in codes:
        store.add(_village(code))

    found = store.get_many([*codes, f"{A}.09.2001", codes[0]])

    assert sorted(found) == codes
    assert found[codes[104]] == _village(codes[104])


def test_pages_come_in_code_order_and_together_hold_every_village_once(stores_of: StoresOf) -> None:
    store = stores_of(A).villages
    codes = _codes(7)
    for code in reversed(codes):
        store.add(_village(code))

    pages = _walk(store, limit=3)

    assert [c for page in pages for c in page] == codes
    assert pages[0] == codes[:3]


def test_paging_within_a_kecamatan_prefix_stays_in_it(stores_of: StoresOf) -> None:
    store = stores_of(A).villages
    for code in _codes(3, "01") + _codes(4, "02"):
        store.add(_village(code))

    pages = _walk(store, limit=2, prefix=f"{A}.02.")

    assert [c for page in pages for c in page] == _codes(4, "02")


def test_paging_among_some_codes_returns_only_those_though_a_page_may_be_short(stores_of: StoresOf) -> None:
    store = stores_of(A).villages
    codes = _codes(6)
    for code in codes:
        store.add(_village(code))
    only = frozenset({codes[1], codes[4]})

    pages = _walk(store, limit=2, only=only)

    # The limit counts the villages read before the filter (as a DynamoDB query does): pages may be
    # short or empty while a cursor follows, but the walk yields exactly the wanted ones, in order.
    assert [c for page in pages for c in page] == [codes[1], codes[4]]


def test_all_and_all_codes_list_every_village_in_code_order(stores_of: StoresOf) -> None:
    store = stores_of(A).villages
    codes = _codes(4)
    for code in reversed(codes):
        store.add(_village(code))

    assert store.all_codes() == codes
    assert [v.village_code for v in store.all()] == codes


def test_a_tenants_handle_sees_none_of_another_tenants_villages(stores_of: StoresOf) -> None:
    mine, theirs = stores_of(A).villages, stores_of(B).villages
    their_code = f"{B}.01.2001"
    theirs.add(_village(their_code, tenant=B))

    assert mine.get(their_code) is None
    assert mine.get_many([their_code]) == {}
    assert mine.all_codes() == []
    assert mine.all() == []
    assert mine.page(limit=10, cursor=None) == ([], None)
    assert mine.update(_village(their_code, tenant=A)) is False
    assert theirs.get(their_code) == _village(their_code, tenant=B)


def test_a_cursor_of_another_tenant_is_refused(stores_of: StoresOf) -> None:
    theirs = stores_of(B).villages
    for i in range(3):
        theirs.add(_village(f"{B}.01.{2001 + i}", tenant=B))
    _, cursor = theirs.page(limit=1, cursor=None)
    assert cursor is not None

    with pytest.raises(MalformedRequestError):
        stores_of(A).villages.page(limit=1, cursor=cursor)


def test_a_cursor_that_is_not_one_is_refused(stores_of: StoresOf) -> None:
    with pytest.raises(MalformedRequestError):
        stores_of(A).villages.page(limit=1, cursor="not-a-cursor")
