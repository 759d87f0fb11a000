"""Unit tests of services run on the in-memory stores: no moto, no AWS."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pytest

from chalicelib import stores
from tests.fakes.report_stores import Marked
from tests.fakes.stores import MemoryStores

# The fixtures of tests/conftest.py that start moto's mock_aws (`aws`), or stand on it.
MOTO_FIXTURES = frozenset({"aws", "api", "admin_key", "tenants"})


def moto_fixtures_of(fixturenames: Iterable[str]) -> list[str]:
    """The moto fixtures a test asks for, directly or through its other fixtures."""
    return sorted(MOTO_FIXTURES.intersection(fixturenames))


@pytest.fixture(autouse=True)
def _no_moto(request: pytest.FixtureRequest) -> None:
    """The unit layer runs without moto: a unit test that asks for a moto fixture fails."""
    used = moto_fixtures_of(request.fixturenames)
    if used:
        pytest.fail(f"{request.node.nodeid} is a unit test but uses moto through {used}: move it out of tests/unit")


@pytest.fixture
def world() -> Iterator[MemoryStores]:
    """Every tenant's stores in memory, bound for the test: services obtain them from the handle."""
    memory = MemoryStores()
    with stores.bind(memory.for_tenant, memory.platform):
        yield memory


@pytest.fixture
def marked(world: MemoryStores) -> Marked:
    """What services announce to the tenants' change feeds, (tenant, month, scope) in the order sent."""
    return world.marked
