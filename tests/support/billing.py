"""Billed write units of DynamoDB requests, computed from item sizes as AWS bills them (moto's own
ConsumedCapacity is a constant).

A write unit writes up to 1 KB: a put, update or delete of an item costs ceil(size / 1 KB) of the larger
of the item before and after it (at least 1), and every global secondary index the item is in (or was
in) costs the same again for its index entry, by that index's projection: an entry added or removed is
one write of its size, a changed index key is two (the old entry deleted, the new one put), an entry
whose projected attributes did not change costs nothing. A refused conditional write still costs the
base item's units; a transaction costs every item twice.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.support.dynamo_counter import item_size

Item = dict[str, Any]  # an item in DynamoDB's wire shape: {"name": {"S": "value"}, ...}
_UNIT = 1024


@dataclass(frozen=True)
class Index:
    """A global secondary index as its writes see it: its keys and what it projects."""

    name: str
    keys: tuple[str, ...]
    projection: str = "ALL"  # ALL, KEYS_ONLY or INCLUDE
    included: tuple[str, ...] = ()

    def entry(self, item: Item | None, table_keys: tuple[str, ...]) -> Item | None:
        """The item's entry in this index (None when the item lacks one of the index's keys)."""
        if item is None or any(key not in item for key in self.keys):
            return None
        if self.projection == "ALL":
            return item
        kept = set(table_keys) | set(self.keys) | (set(self.included) if self.projection == "INCLUDE" else set())
        return {name: value for name, value in item.items() if name in kept}


@dataclass(frozen=True)
class Table:
    """A table's keys and indexes, as DescribeTable tells them."""

    keys: tuple[str, ...]
    indexes: tuple[Index, ...] = ()

    @classmethod
    def described(cls, table: dict[str, Any]) -> Table:
        indexes = tuple(
            Index(
                index["IndexName"],
                tuple(key["AttributeName"] for key in index["KeySchema"]),
                index["Projection"]["ProjectionType"],
                tuple(index["Projection"].get("NonKeyAttributes", ())),
            )
            for index in table.get("GlobalSecondaryIndexes", [])
        )
        return cls(tuple(key["AttributeName"] for key in table["KeySchema"]), indexes)

    def key_of(self, item: Item) -> Item:
        return {name: item[name] for name in self.keys}


def units(size: int) -> int:
    """Write units of one item or index entry of `size` bytes (at least one)."""
    return max(1, math.ceil(size / _UNIT))


def index_units(index: Index, table_keys: tuple[str, ...], before: Item | None, after: Item | None) -> int:
    """What a write costs one index: nothing when its entry did not change."""
    old, new = index.entry(before, table_keys), index.entry(after, table_keys)
    if old is None and new is None:
        return 0
    if old is None or new is None:
        return units(item_size(old or new or {}))
    if any(old[key] != new[key] for key in index.keys):
        return units(item_size(old)) + units(item_size(new))
    return 0 if old == new else units(max(item_size(old), item_size(new)))


def write_units(table: Table, before: Item | None, after: Item | None, *, succeeded: bool = True) -> int:
    """Billed write units of one item's put, update or delete (`after` None for a delete)."""
    base = units(max(item_size(before or {}), item_size(after or {})))
    if not succeeded:
        return base
    return base + sum(index_units(index, table.keys, before, after) for index in table.indexes)


@dataclass
class WriteMeter:
    """Bills every write a botocore DynamoDB client makes: reads the item before and after through the
    same client (those reads are not counted), and each table's description once."""

    call: Callable[[str, dict[str, Any]], Any]  # the unwrapped _make_api_call of the client, bound
    tables: dict[str, Table]
    largest_item: int = 0  # the largest item written, in bytes

    def _table(self, name: str) -> Table:
        if name not in self.tables:
            self.tables[name] = Table.described(self.call("DescribeTable", {"TableName": name})["Table"])
        return self.tables[name]

    def _get(self, name: str, key: Item) -> Item | None:
        found: Item | None = self.call("GetItem", {"TableName": name, "Key": key, "ConsistentRead": True}).get("Item")
        return found

    def targets(self, operation: str, params: dict[str, Any]) -> list[tuple[str, Item, int]]:
        """(table, key, factor) of every item the request writes."""
        if operation == "PutItem":
            return [(params["TableName"], self._table(params["TableName"]).key_of(params["Item"]), 1)]
        if operation in ("UpdateItem", "DeleteItem"):
            return [(params["TableName"], params["Key"], 1)]
        found: list[tuple[str, Item, int]] = []
        if operation == "BatchWriteItem":
            for name, requests in params.get("RequestItems", {}).items():
                for request in requests:
                    if "PutRequest" in request:
                        found.append((name, self._table(name).key_of(request["PutRequest"]["Item"]), 1))
                    else:
                        found.append((name, request["DeleteRequest"]["Key"], 1))
        elif operation == "TransactWriteItems":
            for entry in params.get("TransactItems", []):
                ((_, action),) = entry.items()
                name = action["TableName"]
                key = action["Key"] if "Key" in action else self._table(name).key_of(action["Item"])
                found.append((name, key, 2))
        return found

    def before(self, operation: str, params: dict[str, Any]) -> list[tuple[str, Item, int, Item | None]]:
        return [(name, key, factor, self._get(name, key)) for name, key, factor in self.targets(operation, params)]

    def bill(self, images: list[tuple[str, Item, int, Item | None]], *, succeeded: bool) -> int:
        """Units of the request whose items were `images` before it ran (a transaction's condition
        check leaves its item as it was: billed like a write of it, no index entry changes)."""
        total = 0
        for name, key, factor, old in images:
            new = self._get(name, key) if succeeded else old
            if succeeded:
                self.largest_item = max(self.largest_item, item_size(new or {}))
            total += factor * write_units(self._table(name), old, new, succeeded=succeeded)
        return total
