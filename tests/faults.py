"""Fault injection at the DynamoDB endpoint: where moto answers botocore's HTTP request.

`DynamoFaults` wraps moto's request stubber (the `before-send` handler through which mock_aws serves
every botocore call), so each fault looks exactly like the real DynamoDB answering: a throttling
error is an HTTP 400 with `ProvisionedThroughputExceededException` that botocore's own retry logic
sees and retries, an `UnprocessedItems` / `UnprocessedKeys` answer is a 200 whose body says which
items were not done (the others really were), and a crash is an exception raised instead of a
chosen write (the process dies there: nothing after it runs). Everything above the wire, botocore's
retries, PynamoDB and the service, is the real code.
"""

from __future__ import annotations

import json
import random
import threading
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.compat import HTTPHeaders

from devstack import moto_internals
from tests.support.dynamo_counter import WRITE_OPS

WRITES = frozenset(WRITE_OPS)


class Crash(BaseException):
    """The process dies here (a BaseException: no `except Exception` in the service catches it)."""


@dataclass
class DynamoFaults:
    """What to inject, and counts of what was injected.

    throttle: share of DynamoDB calls answered ProvisionedThroughputExceededException.
    unprocessed: share of the items of a BatchWriteItem / keys of a BatchGetItem left unprocessed.
    only: when set, a predicate (operation, table name) choosing the calls that may be throttled.
    unprocessed_operations: which batch operations leave items or keys unprocessed.
    crash_at: crash instead of the n-th (1-based) write call matching `crash_on` (default: any write).
    before: operation name -> a function (operation, table) run once just before the first such call
        reaches the store (another writer getting there first).
    """

    throttle: float = 0.0
    unprocessed: float = 0.0
    seed: int = 7
    only: Callable[[str, str], bool] | None = None
    crash_at: int | None = None
    crash_on: Callable[[str, str], bool] | None = None
    unprocessed_operations: frozenset[str] = frozenset({"BatchWriteItem", "BatchGetItem"})
    before: dict[str, Callable[[str, str], None]] = field(default_factory=dict)
    counts: Counter[str] = field(default_factory=Counter)
    crashed: bool = False

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)
        self._lock = threading.Lock()

    def _chance(self, share: float) -> bool:
        with self._lock:
            return share > 0 and self._random.random() < share

    def handle(self, original: Callable[..., Any], stubber: Any, event_name: str, request: AWSPreparedRequest) -> Any:
        header = request.headers.get("X-Amz-Target") or ""
        target = header.decode() if isinstance(header, bytes) else str(header)
        if not target.startswith("DynamoDB_"):
            return original(stubber, event_name, request)
        operation = target.split(".", 1)[1]
        raw = request.body if isinstance(request.body, str | bytes | bytearray) else None  # DynamoDB: bytes
        body = json.loads(raw or b"{}")
        table = str(body.get("TableName") or ",".join(sorted(body.get("RequestItems") or {})))
        self.counts[f"calls:{operation}"] += 1
        crashable = operation in WRITES and self.crash_at is not None and not self.crashed
        if crashable and (self.crash_on is None or self.crash_on(operation, table)):
            with self._lock:
                self.counts["writes-seen"] += 1
                due = self.counts["writes-seen"] == self.crash_at
            if due:
                self.crashed = True
                raise Crash(f"crash instead of {operation} on {table}")
        if (self.only is None or self.only(operation, table)) and self._chance(self.throttle):
            self.counts["throttled"] += 1
            return _response(
                request,
                400,
                {
                    "__type": "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
                    "message": "The level of configured provisioned throughput for the table was exceeded.",
                },
            )
        hook = self.before.pop(operation, None)
        if hook is not None:
            self.counts[f"before:{operation}"] += 1
            hook(operation, table)
        batching = self.unprocessed and operation in self.unprocessed_operations
        if operation == "BatchWriteItem" and batching:
            return self._batch_write(original, stubber, event_name, request, body)
        if operation == "BatchGetItem" and batching:
            return self._batch_get(original, stubber, event_name, request, body)
        return original(stubber, event_name, request)

    def _batch_write(self, original: Any, stubber: Any, event_name: str, request: Any, body: dict[str, Any]) -> Any:
        kept: dict[str, list[Any]] = {}
        left: dict[str, list[Any]] = {}
        for table, items in body["RequestItems"].items():
            for item in items:
                (left if self._chance(self.unprocessed) else kept).setdefault(table, []).append(item)
        self.counts["unprocessed-items"] += sum(len(v) for v in left.values())
        if not kept:
            return _response(request, 200, {"UnprocessedItems": left})
        answer = original(stubber, event_name, _with_body(request, {**body, "RequestItems": kept}))
        data = json.loads(answer.content or b"{}")
        data["UnprocessedItems"] = {**data.get("UnprocessedItems", {}), **left}
        return _response(request, answer.status_code, data)

    def _batch_get(self, original: Any, stubber: Any, event_name: str, request: Any, body: dict[str, Any]) -> Any:
        kept: dict[str, Any] = {}
        left: dict[str, Any] = {}
        for table, spec in body["RequestItems"].items():
            for key in spec["Keys"]:
                target = left if self._chance(self.unprocessed) else kept
                target.setdefault(table, {**spec, "Keys": []})["Keys"].append(key)
        self.counts["unprocessed-keys"] += sum(len(v["Keys"]) for v in left.values())
        if not kept:
            return _response(request, 200, {"Responses": {t: [] for t in left}, "UnprocessedKeys": left})
        answer = original(stubber, event_name, _with_body(request, {**body, "RequestItems": kept}))
        data = json.loads(answer.content or b"{}")
        data["UnprocessedKeys"] = {**data.get("UnprocessedKeys", {}), **left}
        return _response(request, answer.status_code, data)


def _with_body(request: AWSPreparedRequest, body: dict[str, Any]) -> AWSPreparedRequest:
    raw = json.dumps(body).encode()
    headers = HTTPHeaders.from_dict({**request.headers, "Content-Length": str(len(raw))})
    return AWSPreparedRequest(
        method=request.method, url=request.url, headers=headers, body=raw, stream_output=request.stream_output
    )


def _response(request: AWSPreparedRequest, status: int, data: dict[str, Any]) -> AWSResponse:
    raw = json.dumps(data).encode()
    headers = {
        "Content-Type": "application/x-amz-json-1.0",
        "x-amzn-RequestId": "fault-injected",
        "x-amz-crc32": str(zlib.crc32(raw) & 0xFFFFFFFF),
    }
    return AWSResponse(request.url, status, HTTPHeaders.from_dict(headers), moto_internals.raw_response(raw))


@contextmanager
def injected(faults: DynamoFaults) -> Iterator[DynamoFaults]:
    """Serve every DynamoDB call of this process through `faults` for the duration of the block."""
    stubber = moto_internals.botocore_stubber_class()
    original = stubber.__call__

    def faulty(self: Any, event_name: str, request: AWSPreparedRequest, **kwargs: Any) -> Any:
        if not self.enabled:
            return None
        return faults.handle(lambda s, e, r: original(s, e, r, **kwargs), self, event_name, request)

    with moto_internals.replaced(stubber, "__call__", faulty):
        yield faults


@contextmanager
def fast_retries() -> Iterator[None]:
    """Compress botocore's and the service's retry delays (x1/500): the same retries, less waiting."""
    from botocore.retries.standard import ExponentialBackoff

    from chalicelib.repositories import base

    config: dict[str, float] = vars(ExponentialBackoff)["_DEFAULT_BACKOFF_CONFIG"]  # private: not in the stubs
    saved = dict(config), base.BATCH_BASE_DELAY
    config["throttling_base_scale"] = 0.002
    config["non_throttling_base_scale"] = 0.0001
    base.BATCH_BASE_DELAY = 0.0001
    try:
        yield
    finally:
        config.clear()
        config.update(saved[0])
        base.BATCH_BASE_DELAY = saved[1]
