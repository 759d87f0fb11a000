"""Shared benchmark plumbing: an in-process moto account and a DynamoDB call counter."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_WRITE_OPS = {"PutItem", "UpdateItem", "DeleteItem"}


def quiet_aws_environment() -> None:
    """Throwaway credentials and region, no leftover endpoints: everything stays in moto."""
    for name in [n for n in os.environ if n.startswith("AWS_ENDPOINT_URL")]:
        del os.environ[name]
    os.environ.update(
        AWS_DEFAULT_REGION="ap-southeast-3",
        AWS_ACCESS_KEY_ID="bench",
        AWS_SECRET_ACCESS_KEY="bench",
        TPBIS_STAGE="bench",
        POWERTOOLS_METRICS_DISABLED="true",
        POWERTOOLS_LOG_LEVEL="WARNING",
    )


class DynamoCounter:
    """Counts DynamoDB requests by operation, and the items they write and read."""

    def __init__(self) -> None:
        self.requests: Counter[str] = Counter()
        self.item_writes = 0
        self.items_read = 0

    def reset(self) -> None:
        self.requests.clear()
        self.item_writes = 0
        self.items_read = 0

    @property
    def total_requests(self) -> int:
        return sum(self.requests.values())

    def observe(self, operation: str, params: dict[str, Any], result: dict[str, Any]) -> None:
        self.requests[operation] += 1
        if operation in _WRITE_OPS:
            self.item_writes += 1
        elif operation == "BatchWriteItem":
            self.item_writes += sum(len(v) for v in params.get("RequestItems", {}).values())
        elif operation == "TransactWriteItems":
            self.item_writes += len(params.get("TransactItems", []))
        if operation in ("Query", "Scan"):
            self.items_read += int(result.get("Count", 0))
        elif operation == "GetItem":
            self.items_read += 1 if result.get("Item") else 0
        elif operation == "BatchGetItem":
            self.items_read += sum(len(v) for v in result.get("Responses", {}).values())


@contextmanager
def counting_dynamodb() -> Iterator[DynamoCounter]:
    """Count every DynamoDB call made through botocore (PynamoDB's and boto3's) while active."""
    import botocore.client

    counter = DynamoCounter()
    original = botocore.client.BaseClient._make_api_call

    def counted(self: Any, operation: str, params: dict[str, Any]) -> Any:
        result = original(self, operation, params)
        if self.meta.service_model.service_name == "dynamodb":
            counter.observe(operation, params, result)
        return result

    botocore.client.BaseClient._make_api_call = counted  # type: ignore[method-assign]
    try:
        yield counter
    finally:
        botocore.client.BaseClient._make_api_call = original  # type: ignore[method-assign]
