"""A DynamoDB call counter for tests and benchmarks: requests by operation, items written and read, and the
read capacity they cost by DynamoDB's rules, counted where botocore sends every call."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

SINGLE_WRITE_OPS = {"PutItem", "UpdateItem", "DeleteItem"}  # one item each
READ_OPS = ("GetItem", "BatchGetItem", "Query", "Scan")
WRITE_OPS = ("PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems")
_UNIT = 4096  # a read capacity unit reads up to 4 KB (strongly consistent; half a unit if eventually)


def item_size(item: dict[str, Any]) -> int:
    """An item's size by DynamoDB's rules (names plus values; numbers approximated by their digits)."""
    return sum(len(name.encode()) + _value_size(value) for name, value in item.items())


def _value_size(value: dict[str, Any]) -> int:
    (kind, raw), *_ = value.items()
    if kind == "S":
        return len(raw.encode())
    if kind == "N":
        return len(raw.strip("-").lstrip("0").replace(".", "")) // 2 + 1
    if kind == "B":
        return len(raw)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "M":
        return 3 + sum(1 + len(k.encode()) + _value_size(v) for k, v in raw.items())
    if kind == "L":
        return 3 + sum(1 + _value_size(v) for v in raw)
    return sum(len(str(v)) for v in raw)  # sets


def read_units(operation: str, params: dict[str, Any], result: dict[str, Any]) -> float:
    """Read capacity a read request consumes by DynamoDB's rules: a query or scan rounds the total size
    of what it read up to 4 KB, a get or batch get each item (a missing item still costs the minimum);
    eventually consistent reads cost half. Sizes are those of the items returned: a projection (which
    DynamoDB still charges in full) or a filter makes this an underestimate; the rollup uses neither."""
    if operation in ("Query", "Scan"):
        size = sum(item_size(i) for i in result.get("Items", []))
        return max(1, math.ceil(size / _UNIT)) * (1.0 if params.get("ConsistentRead") else 0.5)
    if operation == "GetItem":
        item = result.get("Item") or {}
        return max(1, math.ceil(item_size(item) / _UNIT)) * (1.0 if params.get("ConsistentRead") else 0.5)
    if operation == "BatchGetItem":
        units = 0.0
        for table, request in params.get("RequestItems", {}).items():
            factor = 1.0 if request.get("ConsistentRead") else 0.5
            found = result.get("Responses", {}).get(table, [])
            units += sum(max(1, math.ceil(item_size(i) / _UNIT)) * factor for i in found)
            unprocessed = len(result.get("UnprocessedKeys", {}).get(table, {}).get("Keys", []))
            units += (len(request.get("Keys", [])) - len(found) - unprocessed) * factor
        return units
    return 0.0


class DynamoCounter:
    """Counts DynamoDB requests by operation, and the items they write and read."""

    def __init__(self) -> None:
        self.requests: Counter[str] = Counter()
        self.item_writes = 0
        self.items_read = 0
        self.read_units = 0.0
        self.write_units = 0  # billed, by tests/support/billing.py: counted only with bill_writes
        self.largest_item_written = 0  # bytes, likewise
        self.queries: Counter[str] = Counter()  # Query calls by index name (the table's name without one)

    def reset(self) -> None:
        self.requests.clear()
        self.item_writes = 0
        self.items_read = 0
        self.read_units = 0.0
        self.write_units = 0
        self.largest_item_written = 0
        self.queries.clear()

    @property
    def total_requests(self) -> int:
        return sum(self.requests.values())

    @property
    def read_requests(self) -> int:
        """GetItem, BatchGetItem, Query and Scan calls (every page is a call)."""
        return sum(self.requests[op] for op in READ_OPS)

    @property
    def write_requests(self) -> int:
        return sum(self.requests[op] for op in WRITE_OPS)

    def observe(self, operation: str, params: dict[str, Any], result: dict[str, Any]) -> None:
        self.requests[operation] += 1
        if operation in SINGLE_WRITE_OPS:
            self.item_writes += 1
        elif operation == "BatchWriteItem":
            self.item_writes += sum(len(v) for v in params.get("RequestItems", {}).values())
        elif operation == "TransactWriteItems":
            self.item_writes += len(params.get("TransactItems", []))
        if operation == "Query":
            self.queries[str(params.get("IndexName") or params.get("TableName"))] += 1
        if operation in ("Query", "Scan"):
            self.items_read += int(result.get("Count", 0))
        elif operation == "GetItem":
            self.items_read += 1 if result.get("Item") else 0
        elif operation == "BatchGetItem":
            self.items_read += sum(len(v) for v in result.get("Responses", {}).values())
        self.read_units += read_units(operation, params, result)


@contextmanager
def counting_dynamodb(*, bill_writes: bool = False) -> Iterator[DynamoCounter]:
    """Count every DynamoDB call made through botocore (PynamoDB's and boto3's) while active; with
    `bill_writes`, also the write units each write is billed (tests/support/billing.py: it reads every
    written item before and after, uncounted, so it is for measuring, not for timing)."""
    import botocore.client

    from tests.support.billing import Table, WriteMeter

    counter = DynamoCounter()
    client_class, name = botocore.client.BaseClient, "_make_api_call"  # where every call goes; not in the stubs
    original = getattr(client_class, name)
    tables: dict[str, Table] = {}

    def counted(self: Any, operation: str, params: dict[str, Any]) -> Any:
        dynamodb = self.meta.service_model.service_name == "dynamodb"
        meter = WriteMeter(lambda op, p: original(self, op, p), tables)
        images = meter.before(operation, params) if dynamodb and bill_writes and operation in WRITE_OPS else []
        try:
            result = original(self, operation, params)
        except Exception:
            if dynamodb:  # a refused request (a failed condition) is a request too, and costs
                counter.requests[operation] += 1
                counter.write_units += meter.bill(images, succeeded=False)
            raise
        if dynamodb:
            counter.observe(operation, params, result)
            counter.write_units += meter.bill(images, succeeded=True)
            counter.largest_item_written = max(counter.largest_item_written, meter.largest_item)
        return result

    setattr(client_class, name, counted)
    try:
        yield counter
    finally:
        setattr(client_class, name, original)
