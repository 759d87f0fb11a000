"""The OpenRosa instance store's contract, on DynamoDB and in memory: an edit's two records are written
in one transaction, and a second edit of a replaced instance writes nothing."""

from __future__ import annotations

from chalicelib.stores.reports import InstanceRef
from tests.contract.conftest import StoresOf

A, B = "33.15", "33.22"


def test_an_edit_records_the_new_instance_and_marks_the_old_one_replaced(stores_of: StoresOf) -> None:
    store = stores_of(A).instances

    assert store.supersede(old_id="i1", old_fingerprint=None, new_id="i2", report_id="i1", fingerprint="f2")

    assert store.get_many({"i1", "i2", "i9"}) == {
        "i1": InstanceRef("i1", "i1", None, "i2"),
        "i2": InstanceRef("i2", "i1", "f2", None),
    }
    assert stores_of(B).instances.get_many({"i1", "i2"}) == {}


def test_a_second_edit_of_a_replaced_instance_writes_nothing(stores_of: StoresOf) -> None:
    store = stores_of(A).instances
    store.supersede(old_id="i1", old_fingerprint=None, new_id="i2", report_id="i1", fingerprint="f2")

    assert not store.supersede(old_id="i1", old_fingerprint=None, new_id="i3", report_id="i1", fingerprint="f3")

    assert store.get_many({"i3"}) == {}
    assert store.get_many({"i1"})["i1"].superseded_by == "i2"


def test_an_instance_already_known_is_not_recorded_again_and_its_old_one_stays(stores_of: StoresOf) -> None:
    store = stores_of(A).instances
    store.supersede(old_id="i1", old_fingerprint=None, new_id="i2", report_id="i1", fingerprint="f2")

    assert not store.supersede(old_id="x1", old_fingerprint=None, new_id="i2", report_id="x1", fingerprint="f9")

    assert store.get_many({"x1"}) == {}, "the transaction wrote neither record"
    assert store.get_many({"i2"})["i2"].fingerprint == "f2"
    assert store.supersede(old_id="i2", old_fingerprint="f2", new_id="i3", report_id="i1", fingerprint="f3")
