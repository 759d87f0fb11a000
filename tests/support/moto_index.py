"""Benchmark-only speed-ups of moto's DynamoDB: a Query looks items up by their hash key instead of
sorting the whole table, and item responses are written as JSON directly.

moto 5 answers every Query, on a table or on a global secondary index, by listing and sorting
every item of the table (`Table.all_items()`) and then testing each one against the key
condition: a query costs O(table size), so at a million reports one village's query takes
seconds, not the milliseconds it takes in DynamoDB. Here `Table.query` is given, for the length
of one call, only the items whose partition key matches (from the table's own hash map, or from
a side index per GSI hash attribute kept up to date on every write), in the order
`all_items()` would have listed them; moto's own code then does everything else (key and range
conditions, sorting, paging, 1 MB pages, projection, filters) exactly as it does unpatched.

The side index may hold stale entries (an item deleted or whose index key changed): they are
resolved against the live table and then rejected by moto's own key test, so results stay
identical; `tests/integration/test_rollup_scale.py` checks that against stock moto.

moto 5.2 also writes every response by walking botocore's shape model member by member (about
three quarters of a rollup's time on moto goes there). The results of DynamoDB's item operations
are already in DynamoDB's JSON form, so they are dumped as they are (bytes in base64, None left
out); `tests/integration/test_rollup_scale.py` checks that the bodies decode to the same JSON.
Nothing here is used outside benchmarks and tests; moto's classes come from devstack/moto_internals.py.
"""

from __future__ import annotations

import base64
import threading
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from devstack import moto_internals

_THREAD = threading.local()
_BUILDING = threading.Lock()
_SIDE = "_bench_gsi_keys"  # attribute name -> value -> {(hash, range)} on each moto Table


def _sort_key(item: Any) -> Any:
    return (item.hash_key, item.range_key) if item.range_key else item.hash_key


def _index_attributes(table: Any) -> set[str]:
    names: set[str] = set()
    for index in table.global_indexes or []:
        names.update(k["AttributeName"] for k in index.schema if k["KeyType"] == "HASH")
    return names


_built: list[Any] = []  # tables given a side index while the patch is active (dropped when it ends)


def _side_index(table: Any) -> dict[str, dict[Any, set[tuple[Any, Any]]]]:
    """The table's side index, built from its items on first use."""
    with _BUILDING:  # by one thread, seen by the others once whole
        side = table.__dict__.get(_SIDE)
        if side is None:
            side = {name: defaultdict(set) for name in _index_attributes(table)}
            for item in table.all_items():
                _add_to(side, item)
            table.__dict__[_SIDE] = side
            _built.append(table)
    return side  # type: ignore[no-any-return]


def _add(table: Any, item: Any) -> None:
    side = table.__dict__.get(_SIDE)
    if side:
        _add_to(side, item)


def _add_to(side: dict[str, dict[Any, set[tuple[Any, Any]]]], item: Any) -> None:
    for name, values in side.items():
        value = item.attrs.get(name)
        if value is not None:
            values[value].add((item.hash_key, item.range_key))


def _live(table: Any, keys: set[tuple[Any, Any]]) -> list[Any]:
    items = []
    for hash_key, range_key in keys:
        found = table.items.get(hash_key)  # .get: indexing the defaultdict would add an empty partition
        item = found.get(range_key) if found is not None and range_key is not None else found
        if item is not None:
            items.append(item)
    return items


def _candidates(table: Any, hash_key: Any, index_name: str | None, conditions: list[Any] | None) -> list[Any] | None:
    """The items a query can match, or None when this query is not one we narrow."""
    if not index_name:
        if hash_key is None:
            return None
        found = table.items.get(hash_key)
        if found is None:
            return []
        return list(found.values()) if table.range_key_attr else [found]
    if not conditions or len(conditions) != 1:
        return None
    name, value = conditions[0]
    side = _side_index(table)
    if name not in side:
        return None
    return _live(table, side[name].get(value, set()))


# Operations whose results are items and counts only (no timestamps or nested shapes to convert).
ITEM_OPERATIONS = frozenset(
    {"GetItem", "BatchGetItem", "Query", "Scan", "PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem"}
)


def _plain(value: Any) -> Any:
    """What moto's shape-driven JSON serializer makes of the members of an item operation's result."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    return value


@contextmanager
def direct_item_responses() -> Iterator[None]:
    """While active, results of DynamoDB item operations skip moto's shape-driven serializer."""
    serializer = moto_internals.response_serializer_class()
    original = serializer._serialize_result

    def serialize_result(self: Any, resp: Any, result: Any) -> Any:
        if self.service_model.service_name != "dynamodb" or self.operation_name not in ITEM_OPERATIONS:
            return original(self, resp, result)
        shape = self.operation_model.output_shape
        known = {k: v for k, v in result.items() if k in shape.members}  # moto adds a few legacy keys
        return self._serialized_result_to_response(resp, result, shape, _plain(known))

    with moto_internals.replaced(serializer, "_serialize_result", serialize_result):
        yield


def _overrides() -> dict[int, list[Any]]:
    """The items a query in this thread lists as a table's (threads query at once: a rollup reads a
    few villages of a tenant in parallel)."""
    found: dict[int, list[Any]] | None = getattr(_THREAD, "overrides", None)
    if found is None:
        found = _THREAD.overrides = {}
    return found


@contextmanager
def indexed_queries() -> Iterator[None]:
    """While active, moto's DynamoDB queries read only the items of the queried partition."""
    backend = moto_internals.dynamodb_backend_class()
    table_class = moto_internals.dynamodb_table_class()
    original_query = table_class.query
    original_all_items = table_class.all_items
    original_put = table_class.put_item
    original_update = backend.update_item

    def query(self: Any, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
        index_name = kwargs.get("index_name", args[6] if len(args) > 6 else None)
        candidates = _candidates(self, hash_key, index_name, kwargs.get("hash_key_conditions"))
        if candidates is None:
            return original_query(self, hash_key, *args, **kwargs)
        overrides = _overrides()
        overrides[id(self)] = sorted(candidates, key=_sort_key)  # seen by this call only, in this thread
        try:
            return original_query(self, hash_key, *args, **kwargs)
        finally:
            del overrides[id(self)]

    def all_items(self: Any) -> Any:
        override = _overrides().get(id(self))
        return original_all_items(self) if override is None else override

    def put_item(self: Any, *args: Any, **kwargs: Any) -> Any:
        item = original_put(self, *args, **kwargs)
        _add(self, item)
        return item

    def update_item(self: Any, table_name: str, *args: Any, **kwargs: Any) -> Any:
        item = original_update(self, table_name, *args, **kwargs)
        if item is not None:  # an update may set an index key in place
            _add(self.get_table(table_name), item)
        return item

    with (
        moto_internals.replaced(table_class, "query", query),
        moto_internals.replaced(table_class, "all_items", all_items),
        moto_internals.replaced(table_class, "put_item", put_item),
        moto_internals.replaced(backend, "update_item", update_item),
    ):
        try:
            yield
        finally:
            while _built:  # writes made after this point would not reach them
                _built.pop().__dict__.pop(_SIDE, None)
