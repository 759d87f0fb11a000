"""The one module that reaches into moto's internals: everything beyond `mock_aws` and `ThreadedMotoServer`.

Why it is needed at all: moto serves DynamoDB in this process, and four things must act inside it,
where no public API reaches:
- the local stack and the tests give moto's DynamoDB the atomicity of the real one under concurrent
  requests by serializing its item operations (devstack/atomic.py);
- the local stack counts moto's item writes and reads a table's items for its snapshots
  (devstack/persistence.py);
- fault injection answers botocore's requests where moto's request stubber does (tests/faults.py);
- the benchmarks' speed-ups narrow moto's Query and skip its response serializer
  (tests/support/moto_index.py).
Why in one place: none of this is moto's public API, and any moto release may move it. Upgrading moto
means checking this module and the four users above; tests/reliability/test_concurrency.py,
tests/integration/test_rollup_scale.py and the fault tests say whether they still hold. Every import is
made on first use, so importing this module imports no moto (devstack must not import tests, so this
lives here and tests and benchmarks import it).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


def dynamodb_backend_class() -> Any:
    """moto's DynamoDBBackend: the class whose methods carry out every item operation."""
    from moto.dynamodb.models import DynamoDBBackend

    return DynamoDBBackend


def dynamodb_table_class() -> Any:
    """moto's DynamoDB Table (its `query` lists and sorts every item; `items` is its hash map)."""
    from moto.dynamodb.models.table import Table

    return Table


def response_serializer_class() -> Any:
    """moto's ResponseSerializer, which writes every response from botocore's shape model."""
    from moto.core.serialize import ResponseSerializer

    return ResponseSerializer


def botocore_stubber_class() -> Any:
    """moto's BotocoreStubber: the `before-send` handler through which mock_aws answers botocore."""
    from moto.core.botocore_stubber import BotocoreStubber

    return BotocoreStubber


def raw_response(body: bytes) -> Any:
    """A raw HTTP body botocore reads as if it came off the wire (moto's MockRawResponse)."""
    from moto.core.botocore_stubber import MockRawResponse

    return MockRawResponse(body)


def table_items(name: str, region: str) -> list[dict[str, Any]]:
    """Every item of a moto DynamoDB table of the default account, in DynamoDB JSON (the caller holds
    whatever lock keeps writers out)."""
    from moto.core.models import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends

    table = dynamodb_backends[DEFAULT_ACCOUNT_ID][region].get_table(name)
    return [item.to_json()["Attributes"] for item in table.all_items()]


@contextmanager
def replaced(owner: Any, name: str, replacement: Any) -> Iterator[Any]:
    """`owner.name` is `replacement` for the duration of the block (the original is yielded, and put back)."""
    original = getattr(owner, name)
    setattr(owner, name, replacement)
    try:
        yield original
    finally:
        setattr(owner, name, original)
