"""The one way a service obtains storage: a handle bound to the principal's tenant.

`for_tenant(tenant_id)` gives the tenant's stores (the ports in `chalicelib.stores.ports`,
`chalicelib.stores.reports` and the change feed of `chalicelib.stores.rollup`); a service never
constructs a repository nor names a partition. `platform()` gives the few
cross-tenant stores that sign-up, authentication and the platform admin's paths use. Handles are
made by the bound factories: the PynamoDB repositories unless a test binds others (`bind`, e.g.
the in-memory twins of tests/fakes) for the duration of a `with` block.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from chalicelib.stores.access import ApplicationStore, KeyDirectory, KeyStore, RateLimitStore
from chalicelib.stores.advocacy import AdvocacyStores, OpenCommitments
from chalicelib.stores.ports import PeriodStore, ReviewRuleStore, TenantStore, VillageStore
from chalicelib.stores.reports import InstanceStore, ReportIdScan, ReportStore
from chalicelib.stores.rollup import FeedPort

__all__ = [
    "AdvocacyStores",
    "ApplicationStore",
    "FeedPort",
    "InstanceStore",
    "KeyDirectory",
    "KeyStore",
    "OpenCommitments",
    "PeriodStore",
    "PlatformStores",
    "RateLimitStore",
    "ReportIdScan",
    "ReportStore",
    "ReviewRuleStore",
    "TenantStore",
    "TenantStores",
    "VillageStore",
    "bind",
    "for_tenant",
    "platform",
]


@dataclass(frozen=True)
class TenantStores:
    """The stores of one tenant."""

    tenant_id: str
    villages: VillageStore
    periods: PeriodStore
    review_rules: ReviewRuleStore
    reports: ReportStore
    changes: FeedPort  # what writers announce before they store a change, and the rollup reads
    instances: InstanceStore
    keys: KeyStore
    advocacy: AdvocacyStores


def _dynamodb(tenant_id: str) -> TenantStores:
    from chalicelib.repositories import advocacy
    from chalicelib.repositories.changes import feed
    from chalicelib.repositories.instances import InstanceRepository
    from chalicelib.repositories.keys import KeyRepository
    from chalicelib.repositories.periods import PeriodRepository
    from chalicelib.repositories.reports import ReportRepository
    from chalicelib.repositories.review_rules import ReviewRulesRepository
    from chalicelib.repositories.villages import VillageRepository

    return TenantStores(
        tenant_id=tenant_id,
        villages=VillageRepository(tenant_id=tenant_id),
        periods=PeriodRepository(tenant_id=tenant_id),
        review_rules=ReviewRulesRepository(tenant_id=tenant_id),
        reports=ReportRepository(tenant_id=tenant_id),
        changes=feed(tenant_id),
        instances=InstanceRepository(tenant_id=tenant_id),
        keys=KeyRepository(owner=tenant_id),
        advocacy=advocacy.stores(tenant_id),
    )


@dataclass(frozen=True)
class PlatformStores:
    """The stores across tenants, for the platform's own paths only."""

    tenants: TenantStore
    report_ids: ReportIdScan
    keys: KeyDirectory
    applications: ApplicationStore
    rate_limits: RateLimitStore
    open_commitments: OpenCommitments


def _dynamodb_platform() -> PlatformStores:
    from chalicelib.repositories.keys import KeyDirectoryRepository
    from chalicelib.repositories.open_commitments import OpenCommitmentRepository
    from chalicelib.repositories.rate_limits import RateLimitRepository
    from chalicelib.repositories.reports import ReportIds
    from chalicelib.repositories.signups import ApplicationRepository
    from chalicelib.repositories.tenants import TenantRepository

    return PlatformStores(
        tenants=TenantRepository(),
        report_ids=ReportIds(),
        keys=KeyDirectoryRepository(),
        applications=ApplicationRepository(),
        rate_limits=RateLimitRepository(),
        open_commitments=OpenCommitmentRepository(),
    )


_factory: Callable[[str], TenantStores] = _dynamodb
_platform_factory: Callable[[], PlatformStores] = _dynamodb_platform


def for_tenant(tenant_id: str) -> TenantStores:
    """The stores of `tenant_id` (pass the principal's tenant, never one read from a request)."""
    if not tenant_id:
        raise ValueError("stores are bound to a tenant")
    return _factory(tenant_id)


def platform() -> PlatformStores:
    """The cross-tenant stores (sign-up, authentication, the platform admin)."""
    return _platform_factory()


@contextmanager
def bind(factory: Callable[[str], TenantStores], platform: Callable[[], PlatformStores]) -> Iterator[None]:
    """Make handles with these factories inside the block (tests), the PynamoDB ones after it."""
    global _factory, _platform_factory
    previous = _factory, _platform_factory
    _factory, _platform_factory = factory, platform
    try:
        yield
    finally:
        _factory, _platform_factory = previous
