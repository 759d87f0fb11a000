"""The contract suite runs every test twice: on the PynamoDB repositories under moto, and on the
in-memory twins of tests/fakes. Both must pass unchanged; where DynamoDB and a dict could differ
(a conditional write, a transaction, paging), the test says which behaviour is right."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from chalicelib.stores import PlatformStores, TenantStores, for_tenant, platform
from tests.fakes.stores import MemoryStores

StoresOf = Callable[[str], TenantStores]


@pytest.fixture(params=["dynamodb", "memory"])
def stores_of(request: pytest.FixtureRequest) -> StoresOf:
    """Makes a tenant's handle, on moto or in memory."""
    if request.param == "dynamodb":
        request.getfixturevalue("aws")
        return for_tenant
    return MemoryStores().for_tenant


@pytest.fixture(params=["dynamodb", "memory"])
def platform_stores(request: pytest.FixtureRequest) -> PlatformStores:
    """The cross-tenant stores, on moto or in memory."""
    if request.param == "dynamodb":
        request.getfixturevalue("aws")
        return platform()
    return MemoryStores().platform()


@dataclass
class World:
    """A tenant's handle and the platform's, over the same data."""

    tenant: StoresOf
    platform: Callable[[], PlatformStores]


@pytest.fixture(params=["dynamodb", "memory"])
def world(request: pytest.FixtureRequest) -> World:
    """Both handles of one world, on moto or in memory (for contracts that span a tenant and the platform)."""
    if request.param == "dynamodb":
        request.getfixturevalue("aws")
        return World(for_tenant, platform)
    memory = MemoryStores()
    return World(memory.for_tenant, memory.platform)
