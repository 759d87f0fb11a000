"""The tenant store's contract, on DynamoDB and in memory."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from chalicelib.domain.tenants import Tenant, TenantStatus
from chalicelib.errors import AlreadyExistsError, ConflictError, MalformedRequestError
from chalicelib.stores import PlatformStores, TenantStore

AT = dt.datetime(2026, 11, 5, 8, 30, tzinfo=dt.UTC)
LATER = AT + dt.timedelta(hours=1)


def _tenant(code: str, status: TenantStatus = TenantStatus.ACTIVE) -> Tenant:
    return Tenant(code, f"Kabupaten {code}", "Dinas Perpustakaan", "Sri", "sri@example.id", status, AT, AT, None)


def _walk(store: TenantStore, *, status: TenantStatus | None, limit: int) -> list[list[str]]:
    pages: list[list[str]] = []
    cursor: str | None = None
    while True:
        items, cursor = store.page(status=status, limit=limit, cursor=cursor)
        assert len(items) <= limit
        pages.append([t.tenant_id for t in items])
        if cursor is None:
            return pages


def test_a_tenant_added_is_read_back_and_an_unknown_one_is_none(platform_stores: PlatformStores) -> None:
    store: TenantStore = platform_stores.tenants
    store.add(_tenant("33.15"))

    assert store.get("33.15") == _tenant("33.15")
    assert store.get("33.18") is None


def test_a_regency_cannot_be_added_twice(platform_stores: PlatformStores) -> None:
    store = platform_stores.tenants
    store.add(_tenant("33.15"))

    with pytest.raises(AlreadyExistsError):
        store.add(replace(_tenant("33.15"), office_name="Lain"))

    assert store.get("33.15") == _tenant("33.15")


def test_a_change_stores_the_new_state_and_keeps_the_profile(platform_stores: PlatformStores) -> None:
    store = platform_stores.tenants
    store.add(_tenant("33.15"))

    suspended = store.change("33.15", lambda t: replace(t.suspended(at=LATER), office_name="ignored"))

    assert suspended is not None and suspended.status is TenantStatus.SUSPENDED
    assert store.get("33.15") == replace(_tenant("33.15"), status=TenantStatus.SUSPENDED, suspended_at=LATER)
    again = store.change("33.15", lambda t: t.approved(at=LATER))
    assert again == replace(_tenant("33.15"), approved_at=LATER)
    assert store.get("33.15") == again


def test_changing_a_tenant_that_does_not_exist_is_none_and_writes_nothing(platform_stores: PlatformStores) -> None:
    store = platform_stores.tenants

    assert store.change("33.15", lambda t: t.suspended(at=LATER)) is None
    assert store.get("33.15") is None


def test_a_change_refused_by_the_rule_writes_nothing(platform_stores: PlatformStores) -> None:
    store = platform_stores.tenants
    store.add(_tenant("33.15"))

    with pytest.raises(ConflictError):
        store.change("33.15", lambda t: t.approved(at=LATER))  # already active

    assert store.get("33.15") == _tenant("33.15")


def test_a_change_is_refused_when_the_tenant_changed_after_it_was_read(platform_stores: PlatformStores) -> None:
    store = platform_stores.tenants
    store.add(_tenant("33.15"))

    def meanwhile_suspended(read: Tenant) -> Tenant:
        store.change("33.15", lambda t: t.suspended(at=AT))  # another request wins between read and write
        return read.suspended(at=LATER)

    with pytest.raises(ConflictError):
        store.change("33.15", meanwhile_suspended)

    assert store.get("33.15") == replace(_tenant("33.15"), status=TenantStatus.SUSPENDED, suspended_at=AT)


def test_pages_of_one_status_come_in_code_order(platform_stores: PlatformStores) -> None:
    store = platform_stores.tenants
    active = ["33.15", "33.16", "33.17", "33.18", "33.19"]
    for code in reversed(active):
        store.add(_tenant(code))
    store.add(_tenant("33.20", TenantStatus.SUSPENDED))

    pages = _walk(store, status=TenantStatus.ACTIVE, limit=2)

    assert [c for page in pages for c in page] == active
    assert pages[0] == active[:2]
    assert _walk(store, status=TenantStatus.SUSPENDED, limit=2) == [["33.20"]]


def test_pages_of_every_status_hold_every_tenant_once_in_no_promised_order(platform_stores: PlatformStores) -> None:
    store = platform_stores.tenants
    codes = ["33.15", "33.16", "33.17", "33.18", "33.19"]
    for code in codes:
        store.add(_tenant(code, TenantStatus.SUSPENDED if code == "33.17" else TenantStatus.ACTIVE))

    pages = _walk(store, status=None, limit=2)

    assert sorted(c for page in pages for c in page) == codes


def test_a_cursor_of_another_status_listing_is_refused(platform_stores: PlatformStores) -> None:
    store = platform_stores.tenants
    for code in ("33.15", "33.16", "33.17"):
        store.add(_tenant(code))
    _, cursor = store.page(status=TenantStatus.ACTIVE, limit=1, cursor=None)
    assert cursor is not None

    with pytest.raises(MalformedRequestError):
        store.page(status=TenantStatus.SUSPENDED, limit=1, cursor=cursor)
