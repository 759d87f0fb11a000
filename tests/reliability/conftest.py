"""Fixtures of the reliability tests: faster retry clocks, and a local stack over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.conftest import HttpStack, start_stack
from tests.faults import fast_retries


@pytest.fixture
def fast() -> Iterator[None]:
    """botocore's and the service's backoff delays compressed: the same retries, less waiting."""
    with fast_retries():
        yield


@pytest.fixture(scope="session")
def http_stack() -> Iterator[HttpStack]:
    """`python -m devstack` (what `make run` starts) for the concurrency tests."""
    running = start_stack()
    yield running
    running.stop()
