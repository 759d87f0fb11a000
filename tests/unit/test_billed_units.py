"""The benchmarks' write-unit meter, on items whose billed units can be stated by hand."""

from __future__ import annotations

from tests.support.billing import Index, Table, write_units
from tests.support.dynamo_counter import item_size, read_units

REPORTS = Table(
    ("tenant_id", "submission_id"),
    (
        Index("by_date", ("tenant_id", "date_key"), "ALL"),
        Index("by_village", ("village_key", "date_key"), "KEYS_ONLY"),
        Index("review", ("review_key",), "INCLUDE", ("note",)),
    ),
)


def _report(body: int, **extra: str) -> dict[str, dict[str, str]]:
    """A report of a known size: the keys (57 bytes) and a `body` attribute padding it."""
    item = {
        "tenant_id": {"S": "33.15"},  # 9 + 5
        "submission_id": {"S": "s1"},  # 13 + 2
        "date_key": {"S": "2026-11"},  # 8 + 7
        "village_key": {"S": "v1"},  # 11 + 2
    }
    item.update({name: {"S": value} for name, value in extra.items()})
    item["body"] = {"S": "x" * (body - 4)}  # 4 + (body - 4)
    return item


def test_sizes_count_attribute_names_and_values() -> None:
    assert item_size(_report(100)) == 57 + 100
    assert item_size({"m": {"M": {"ab": {"S": "xyz"}}}}) == 1 + 3 + 1 + 2 + 3


def test_a_new_item_costs_a_unit_per_kb_and_each_index_it_enters_its_entry_s_units() -> None:
    # base 2,057 bytes: 3 units; ALL index: the whole item again, 3; KEYS_ONLY: 57 bytes, 1; not in review
    assert write_units(REPORTS, None, _report(2000)) == 3 + 3 + 1
    assert write_units(Table(("tenant_id", "submission_id")), None, _report(900)) == 1


def test_an_update_costs_the_larger_image_and_only_the_index_entries_it_changes() -> None:
    before, after = _report(100), _report(1500)
    # base max(157, 1557): 2; ALL entry changed: 2; KEYS_ONLY entry unchanged: 0
    assert write_units(REPORTS, before, after) == 2 + 2 + 0
    # the same update seen shrinking costs the same
    assert write_units(REPORTS, after, before) == 4


def test_an_item_entering_or_leaving_a_sparse_index_costs_one_entry_write() -> None:
    plain, flagged = _report(100), _report(100, review_key="33.15", note="n")
    entry = item_size({k: v for k, v in flagged.items() if k in ("tenant_id", "submission_id", "review_key", "note")})
    assert entry < 1024
    # base 1; ALL entry changed (new attributes): 1; KEYS_ONLY unchanged; review entry added: 1
    assert write_units(REPORTS, plain, flagged) == 3
    assert write_units(REPORTS, flagged, plain) == 3


def test_a_changed_index_key_is_a_delete_and_a_put_of_the_entry() -> None:
    before, after = _report(100), _report(100)
    after["date_key"] = {"S": "2026-12"}
    # base 1; ALL: old and new entries 1 + 1; KEYS_ONLY: key changed, 1 + 1
    assert write_units(REPORTS, before, after) == 5


def test_a_delete_costs_the_item_and_its_entries_and_a_refused_write_the_item_only() -> None:
    assert write_units(REPORTS, _report(3000), None) == 3 + 3 + 1
    assert write_units(REPORTS, _report(3000), _report(3000), succeeded=False) == 3
    assert write_units(REPORTS, None, None, succeeded=False) == 1


def test_reads_cost_a_unit_per_4_kb_per_item_got_and_per_4_kb_of_a_query_s_sum() -> None:
    item = _report(5000)  # 5,057 bytes: 2 units alone
    got = {"Item": item}
    assert read_units("GetItem", {"ConsistentRead": True}, got) == 2
    assert read_units("GetItem", {}, got) == 1, "eventually consistent: half"
    three = {"Items": [_report(1000)] * 3, "Count": 3}  # 3,171 bytes together: one unit
    assert read_units("Query", {"ConsistentRead": True}, three) == 1
    batch = {"RequestItems": {"t": {"Keys": [{}, {}, {}], "ConsistentRead": True}}}
    assert read_units("BatchGetItem", batch, {"Responses": {"t": [_report(1000)] * 2}}) == 3, "a missing key: 1"
