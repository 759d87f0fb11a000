"""The contract of one owner's keys (`KeyStore`), on DynamoDB and in memory."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from chalicelib.domain.keys import ApiKey, KeyStatus
from chalicelib.domain.principal import Role
from chalicelib.errors import ConflictError, MalformedRequestError, NotFoundError
from chalicelib.stores import KeyStore
from chalicelib.stores.access import KeptKeyGoneError
from tests.contract.conftest import StoresOf

AT = dt.datetime(2026, 11, 5, 8, 30, tzinfo=dt.UTC)
LATER = AT + dt.timedelta(hours=1)


def key(key_id: str, *, owner: str = "33.15", role: Role = Role.VIEWER, **changes: object) -> ApiKey:
    """A stored key with a recognisable id (tests/contract/test_key_directory.py uses it too)."""
    villages = ("33.15.01.2001",) if role is Role.OPERATOR else ()
    made = ApiKey(key_id, owner, role, f"label {key_id}", villages, f"hash-{key_id}", AT, created_by="k0")
    return replace(made, **changes)  # type: ignore[arg-type]


def _walk(store: KeyStore, *, limit: int, status: KeyStatus | None, role: Role | None = None) -> list[str]:
    seen: list[str] = []
    cursor: str | None = None
    while True:
        items, cursor = store.page(limit=limit, cursor=cursor, status=status, now=LATER, role=role)
        assert len(items) <= limit
        seen += [k.key_id for k in items]
        if cursor is None:
            return seen


def test_a_key_added_is_read_back_and_another_owners_key_is_none(stores_of: StoresOf) -> None:
    mine, theirs = stores_of("33.15").keys, stores_of("33.16").keys
    mine.add(key("a1"))
    theirs.add(key("b1", owner="33.16"))

    assert mine.get("a1") == key("a1")
    assert mine.get("b1") is None
    assert mine.get("zz") is None


def test_a_key_of_another_owner_is_refused_and_not_stored(stores_of: StoresOf) -> None:
    store = stores_of("33.15").keys

    with pytest.raises(ValueError):
        store.add(key("a1", owner="33.16"))

    assert stores_of("33.16").keys.get("a1") is None


def test_a_colliding_key_id_is_an_error_never_an_overwrite(stores_of: StoresOf) -> None:
    store = stores_of("33.15").keys
    store.add(key("a1"))

    with pytest.raises(RuntimeError):
        store.add(key("a1", label="another"))

    assert store.get("a1") == key("a1")


def test_pages_hold_the_owners_keys_in_id_order_filtered_by_status_and_role(stores_of: StoresOf) -> None:
    store = stores_of("33.15").keys
    for key_id in ("a5", "a3", "a1", "a4", "a2"):
        store.add(key(key_id, role=Role.OPERATOR if key_id in ("a2", "a4") else Role.VIEWER))
    store.add(replace(key("a6"), revoked_at=AT))
    store.add(replace(key("a7"), expires_at=AT))
    stores_of("33.16").keys.add(key("a0", owner="33.16"))

    assert _walk(store, limit=2, status=None) == ["a1", "a2", "a3", "a4", "a5", "a6", "a7"]
    assert _walk(store, limit=2, status=KeyStatus.ACTIVE) == ["a1", "a2", "a3", "a4", "a5"]
    assert _walk(store, limit=3, status=KeyStatus.REVOKED) == ["a6"]
    assert _walk(store, limit=3, status=KeyStatus.EXPIRED) == ["a7"]
    assert _walk(store, limit=10, status=KeyStatus.ACTIVE, role=Role.OPERATOR) == ["a2", "a4"]


def test_a_cursor_of_another_owner_is_refused(stores_of: StoresOf) -> None:
    theirs = stores_of("33.16").keys
    for key_id in ("b1", "b2", "b3"):
        theirs.add(key(key_id, owner="33.16"))
    _, cursor = theirs.page(limit=1, cursor=None, status=None, now=LATER)
    assert cursor is not None

    with pytest.raises(MalformedRequestError):
        stores_of("33.15").keys.page(limit=1, cursor=cursor, status=None, now=LATER)


def test_live_keys_are_the_active_ones_of_a_role_not_due_to_be_revoked(stores_of: StoresOf) -> None:
    store = stores_of("33.15").keys
    store.add(key("a1", role=Role.DISTRICT_ADMIN))
    store.add(key("a2", role=Role.DISTRICT_ADMIN, revoked_at=LATER + dt.timedelta(days=1)))  # rotated, in grace
    store.add(key("a3", role=Role.DISTRICT_ADMIN, expires_at=AT))
    store.add(key("a4", role=Role.VIEWER))
    stores_of("33.16").keys.add(key("b1", owner="33.16", role=Role.DISTRICT_ADMIN))

    assert [k.key_id for k in store.live_keys(role=Role.DISTRICT_ADMIN, now=LATER)] == ["a1"]


def test_a_revoked_key_is_revoked_from_then_on(stores_of: StoresOf) -> None:
    store = stores_of("33.15").keys
    store.add(key("a1"))

    store.revoke("a1", at=LATER)

    revoked = store.get("a1")
    assert revoked is not None and revoked.revoked_at == LATER
    assert revoked.status(now=LATER) is KeyStatus.REVOKED


def test_a_key_in_its_grace_period_is_revoked_at_once(stores_of: StoresOf) -> None:
    store = stores_of("33.15").keys
    store.add(key("a1", revoked_at=LATER + dt.timedelta(days=1)))

    store.revoke("a1", at=LATER)

    assert store.get("a1") == key("a1", revoked_at=LATER)


def test_revoking_a_revoked_unknown_or_other_owners_key_is_not_found(stores_of: StoresOf) -> None:
    store = stores_of("33.15").keys
    store.add(key("a1", revoked_at=AT))
    stores_of("33.16").keys.add(key("b1", owner="33.16"))

    for key_id in ("a1", "b1", "zz"):
        with pytest.raises(NotFoundError):
            store.revoke(key_id, at=LATER)

    assert stores_of("33.16").keys.get("b1") == key("b1", owner="33.16")
    assert store.get("zz") is None  # a refused revocation creates nothing


def test_revoking_while_keeping_another_key_holds_only_while_that_key_is_live(stores_of: StoresOf) -> None:
    store = stores_of("33.15").keys
    for key_id in ("a1", "a2"):
        store.add(key(key_id, role=Role.DISTRICT_ADMIN))
    store.add(key("a3", role=Role.DISTRICT_ADMIN, revoked_at=AT))

    with pytest.raises(KeptKeyGoneError):
        store.revoke("a1", at=LATER, keeping="a3")
    assert store.get("a1") == key("a1", role=Role.DISTRICT_ADMIN)  # both or neither

    store.revoke("a1", at=LATER, keeping="a2")
    revoked = store.get("a1")
    assert revoked is not None and revoked.revoked_at == LATER


def test_revoking_a_revoked_key_while_keeping_another_is_not_found(stores_of: StoresOf) -> None:
    store = stores_of("33.15").keys
    store.add(key("a1", role=Role.DISTRICT_ADMIN, revoked_at=AT))
    store.add(key("a2", role=Role.DISTRICT_ADMIN))

    with pytest.raises(NotFoundError):
        store.revoke("a1", at=LATER, keeping="a2")


def test_an_update_changes_the_label_and_an_operators_villages_and_keeps_the_rest(stores_of: StoresOf) -> None:
    store = stores_of("33.15").keys
    store.add(key("a1", role=Role.OPERATOR))

    relabelled = store.update("a1", label="new", villages=None, now=LATER)
    moved = store.update("a1", label=None, villages=("33.15.01.2002",), now=LATER)

    assert relabelled == key("a1", role=Role.OPERATOR, label="new")
    assert moved == key("a1", role=Role.OPERATOR, label="new", villages=("33.15.01.2002",))
    assert store.get("a1") == moved


def test_an_update_is_refused_for_revoked_other_owners_and_non_operator_villages(stores_of: StoresOf) -> None:
    store = stores_of("33.15").keys
    store.add(key("a1", revoked_at=AT))
    store.add(key("a2", role=Role.VIEWER))
    stores_of("33.16").keys.add(key("b1", owner="33.16"))

    for key_id, villages in (("a1", None), ("b1", None), ("zz", None), ("a2", ("33.15.01.2002",))):
        with pytest.raises(NotFoundError):
            store.update(key_id, label="new", villages=villages, now=LATER)

    assert store.get("a2") == key("a2")
    assert stores_of("33.16").keys.get("b1") == key("b1", owner="33.16")


def test_a_rotation_stores_the_new_key_and_ends_the_old_one(stores_of: StoresOf) -> None:
    store = stores_of("33.15").keys
    store.add(key("a1"))

    store.rotate(key("a1"), key("a2", rotated_from="a1"), old_ends_at=LATER)

    assert store.get("a1") == key("a1", revoked_at=LATER)
    assert store.get("a2") == key("a2", rotated_from="a1")


def test_a_rotation_of_a_key_rotated_meanwhile_writes_nothing(stores_of: StoresOf) -> None:
    store = stores_of("33.15").keys
    store.add(key("a1"))
    store.rotate(key("a1"), key("a2"), old_ends_at=LATER)

    with pytest.raises(ConflictError) as refused:
        store.rotate(key("a1"), key("a3"), old_ends_at=LATER)

    assert refused.value.code == "key_revoked"
    assert store.get("a3") is None


def test_a_rotation_to_a_key_of_another_owner_is_refused(stores_of: StoresOf) -> None:
    store = stores_of("33.15").keys
    store.add(key("a1"))

    with pytest.raises(ValueError):
        store.rotate(key("a1"), key("b2", owner="33.16"), old_ends_at=LATER)

    assert store.get("a1") == key("a1")
