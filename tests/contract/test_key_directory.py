"""The contract of every owner's keys (`KeyDirectory`), on DynamoDB and in memory."""

from __future__ import annotations

import datetime as dt

from chalicelib.domain.keys import NATIONAL_OWNER, KeyStatus
from chalicelib.domain.principal import Role
from chalicelib.stores import KeyDirectory, PlatformStores
from tests.contract.test_key_store import AT, LATER, key


def _walk(directory: KeyDirectory, *, owner: str | None, role: Role | None, status: KeyStatus | None) -> list[str]:
    seen: list[str] = []
    cursor: str | None = None
    while True:
        items, cursor = directory.page(owner=owner, role=role, status=status, limit=2, cursor=cursor, now=LATER)
        assert len(items) <= 2
        seen += [k.key_id for k in items]
        if cursor is None:
            return seen


def test_a_key_is_found_by_its_id_whoever_owns_it(platform_stores: PlatformStores) -> None:
    directory = platform_stores.keys
    directory.of_owner("33.15").add(key("a1"))
    directory.of_owner(NATIONAL_OWNER).add(key("n1", owner=NATIONAL_OWNER, role=Role.NATIONAL_VIEWER))

    assert directory.find("a1") == key("a1")
    assert directory.find("n1") == key("n1", owner=NATIONAL_OWNER, role=Role.NATIONAL_VIEWER)
    assert directory.find("zz") is None


def test_the_bootstrap_key_is_stored_and_stored_again_over_itself(platform_stores: PlatformStores) -> None:
    directory = platform_stores.keys
    first = key("x1", owner=NATIONAL_OWNER, role=Role.PLATFORM_ADMIN)

    directory.put_bootstrap(first)
    directory.put_bootstrap(key("x1", owner=NATIONAL_OWNER, role=Role.PLATFORM_ADMIN, created_at=LATER))

    assert directory.find("x1") == key("x1", owner=NATIONAL_OWNER, role=Role.PLATFORM_ADMIN, created_at=LATER)


def test_a_use_is_recorded_at_most_once_a_minute(platform_stores: PlatformStores) -> None:
    directory = platform_stores.keys
    directory.of_owner("33.15").add(key("a1"))

    assert directory.record_use("a1", now=AT) is True
    assert directory.record_use("a1", now=AT + dt.timedelta(seconds=59)) is False
    found = directory.find("a1")
    assert found is not None and found.last_used_at == AT
    assert directory.record_use("a1", now=AT + dt.timedelta(seconds=60)) is True
    found = directory.find("a1")
    assert found is not None and found.last_used_at == AT + dt.timedelta(seconds=60)


def test_recording_the_use_of_an_unknown_key_writes_nothing(platform_stores: PlatformStores) -> None:
    directory = platform_stores.keys

    assert directory.record_use("zz", now=AT) is False
    assert directory.find("zz") is None


def test_pages_of_every_owner_hold_each_matching_key_once(platform_stores: PlatformStores) -> None:
    directory = platform_stores.keys
    for owner, key_id in (("33.15", "a1"), ("33.15", "a2"), ("33.16", "b1"), ("33.16", "b2")):
        directory.of_owner(owner).add(key(key_id, owner=owner, role=Role.OPERATOR if key_id == "b2" else Role.VIEWER))
    directory.of_owner("33.16").add(key("b3", owner="33.16", revoked_at=AT))
    directory.of_owner(NATIONAL_OWNER).add(key("n1", owner=NATIONAL_OWNER, role=Role.NATIONAL_VIEWER))

    every = _walk(directory, owner=None, role=None, status=None)
    assert sorted(every) == ["a1", "a2", "b1", "b2", "b3", "n1"]
    assert sorted(_walk(directory, owner=None, role=None, status=KeyStatus.ACTIVE)) == ["a1", "a2", "b1", "b2", "n1"]
    assert _walk(directory, owner=None, role=Role.OPERATOR, status=None) == ["b2"]
    assert _walk(directory, owner="33.16", role=None, status=KeyStatus.ACTIVE) == ["b1", "b2"]
