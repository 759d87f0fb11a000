"""Unit tests of services run on the in-memory stores: no moto, no AWS."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from chalicelib import stores
from tests.fakes.report_stores import Marked
from tests.fakes.stores import MemoryStores


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
