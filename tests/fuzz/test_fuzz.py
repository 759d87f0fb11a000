"""A small schemathesis run inside `make test` (`make fuzz` runs the full size): every operation of the
served spec, every role of two tenants, positive and negative data, against `python -m devstack`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.conftest import HttpStack, start_stack
from tests.fuzz.fuzzer import run


@pytest.fixture(scope="module")
def fuzz_stack() -> Iterator[HttpStack]:
    running = start_stack()
    yield running
    running.stop()


@pytest.mark.slow  # about a minute: a stack, then ~600 generated requests
def test_fuzzing_the_served_spec_finds_no_server_error_and_no_spec_violation(fuzz_stack: HttpStack) -> None:
    result = run(fuzz_stack.base, fuzz_stack.admin, examples=1, log=lambda line: None)
    assert result.failures == [], "\n".join(result.failures)
    assert result.server_errors == 0, result.statuses
    spec = fuzz_stack.call("GET", "/v1/openapi.json")[1]
    operations = {f"{m.upper()} {p}" for p, ops in spec["paths"].items() for m in ops}
    assert set(result.by_operation) == operations, operations - set(result.by_operation)
    assert result.requests >= 400, result.summary()
    # Every caller reached past the authorizer somewhere: not everything was a 401.
    assert sum(n for status, n in result.statuses.items() if status < 300) >= 30, result.statuses
