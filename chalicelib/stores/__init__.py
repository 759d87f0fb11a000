"""The one way a service obtains storage: a handle bound to the principal's tenant.

`for_tenant(tenant_id)` gives the tenant's stores (the ports in `chalicelib.stores.ports`); a
service never constructs a repository nor names a partition. The handle is made by the bound
factory: the PynamoDB repositories unless a test binds another one (`bind`, e.g. the in-memory
twins of tests/fakes) for the duration of a `with` block.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from chalicelib.stores.ports import PeriodStore, VillageStore

__all__ = ["PeriodStore", "TenantStores", "VillageStore", "bind", "for_tenant"]


@dataclass(frozen=True)
class TenantStores:
    """The stores of one tenant."""

    tenant_id: str
    villages: VillageStore
    periods: PeriodStore


def _dynamodb(tenant_id: str) -> TenantStores:
    from chalicelib.repositories.periods import PeriodRepository
    from chalicelib.repositories.villages import VillageRepository

    return TenantStores(
        tenant_id=tenant_id,
        villages=VillageRepository(tenant_id=tenant_id),
        periods=PeriodRepository(tenant_id=tenant_id),
    )


_factory: Callable[[str], TenantStores] = _dynamodb


def for_tenant(tenant_id: str) -> TenantStores:
    """The stores of `tenant_id` (pass the principal's tenant, never one read from a request)."""
    if not tenant_id:
        raise ValueError("stores are bound to a tenant")
    return _factory(tenant_id)


@contextmanager
def bind(factory: Callable[[str], TenantStores]) -> Iterator[None]:
    """Make handles with `factory` inside the block (tests), and the PynamoDB ones again after it."""
    global _factory
    previous, _factory = _factory, factory
    try:
        yield
    finally:
        _factory = previous
