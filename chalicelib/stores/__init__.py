"""The one way a service obtains storage: a handle bound to the principal's tenant.

`for_tenant(tenant_id)` gives the tenant's stores (the ports in `chalicelib.stores.ports`,
`chalicelib.stores.reports`, `chalicelib.stores.idempotency` and the rollup's of
`chalicelib.stores.rollup`); a service never constructs a repository nor names a partition.
`platform()` gives the few cross-tenant stores that sign-up, authentication, the platform admin's
paths and the rollup's national step use. Handles are
made by the bound factories: the PynamoDB repositories unless a test binds others (`bind`, e.g.
the in-memory twins of tests/fakes) for the duration of a `with` block.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from chalicelib.stores.access import ApplicationStore, KeyDirectory, KeyStore, RateLimitStore
from chalicelib.stores.advocacy import AdvocacyStores, OpenCommitments
from chalicelib.stores.idempotency import IdempotencyStore
from chalicelib.stores.ports import PeriodStore, ReviewRuleStore, TenantStore, VillageStore
from chalicelib.stores.reports import InstanceStore, ReportIdScan, ReportStore
from chalicelib.stores.rollup import (
    ApprovalDirectory,
    DirtyTenants,
    FeedPort,
    FigurePort,
    FigureReset,
    FreshPlanPort,
    JobRunPort,
    LeasePort,
    NationalFeedPort,
    ProblemDirectory,
    ProblemPort,
    RebuildPort,
    RunInputPort,
    RunRecordPort,
)

__all__ = [
    "AdvocacyStores",
    "ApplicationStore",
    "ApprovalDirectory",
    "DirtyTenants",
    "FeedPort",
    "FigurePort",
    "FigureReset",
    "FreshPlanPort",
    "IdempotencyStore",
    "InstanceStore",
    "JobRunPort",
    "KeyDirectory",
    "KeyStore",
    "LeasePort",
    "NationalFeedPort",
    "OpenCommitments",
    "PeriodStore",
    "PlatformStores",
    "ProblemDirectory",
    "ProblemPort",
    "RateLimitStore",
    "RebuildPort",
    "ReportIdScan",
    "ReportStore",
    "ReviewRuleStore",
    "RunInputPort",
    "RunRecordPort",
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
    figures: FigurePort  # the regency's villages, kecamatan and its own row of the regency level
    rollup_inputs: RunInputPort  # what the tenant's part of a rollup run reads first
    problems: ProblemPort  # what the rollup could not count
    idempotency: IdempotencyStore
    advocacy: AdvocacyStores


def _dynamodb(tenant_id: str) -> TenantStores:
    from chalicelib.repositories import advocacy
    from chalicelib.repositories.aggregates import tenant_figures
    from chalicelib.repositories.idempotency import PowertoolsIdempotency
    from chalicelib.repositories.instances import InstanceRepository
    from chalicelib.repositories.keys import KeyRepository
    from chalicelib.repositories.periods import PeriodRepository
    from chalicelib.repositories.reports import ReportRepository
    from chalicelib.repositories.review_rules import ReviewRulesRepository
    from chalicelib.repositories.rollup_feeds import TenantFeed
    from chalicelib.repositories.rollup_inputs import RunInputReader
    from chalicelib.repositories.rollup_problems import TenantProblems
    from chalicelib.repositories.villages import VillageRepository

    figures = tenant_figures(tenant_id)
    return TenantStores(
        tenant_id=tenant_id,
        villages=VillageRepository(tenant_id=tenant_id),
        periods=PeriodRepository(tenant_id=tenant_id),
        review_rules=ReviewRulesRepository(tenant_id=tenant_id),
        reports=ReportRepository(tenant_id=tenant_id),
        changes=TenantFeed(tenant_id),
        instances=InstanceRepository(tenant_id=tenant_id),
        keys=KeyRepository(owner=tenant_id),
        figures=figures,
        rollup_inputs=RunInputReader(figures),
        problems=TenantProblems(tenant_id),
        idempotency=PowertoolsIdempotency(tenant_id),
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
    national_figures: FigurePort  # regencies, provinces and the nation
    national_feed: NationalFeedPort  # the national step's dirty (period, province) pairs
    tenant_feeds: DirtyTenants  # every tenant's dirty months at once
    all_figures: FigureReset  # every figure, for a rebuild from scratch
    rollup_runs: RunRecordPort  # the fanned-out runs, tenant by tenant
    fresh_plans: FreshPlanPort  # the pending fresh-on-change plan
    rebuilds: RebuildPort  # the tenants a rebuild still owes
    lease: LeasePort  # one run of a job at a time
    job_runs: JobRunPort  # the last successful run of each job
    rollup_problems: ProblemDirectory  # every tenant's rollup problems
    approvals: ApprovalDirectory  # the regencies' approved months
    open_commitments: OpenCommitments


def _dynamodb_platform() -> PlatformStores:
    from chalicelib.repositories.aggregates import AllFigures, national_figures
    from chalicelib.repositories.jobs import JobLeases, JobRuns
    from chalicelib.repositories.keys import KeyDirectoryRepository
    from chalicelib.repositories.open_commitments import OpenCommitmentRepository
    from chalicelib.repositories.rate_limits import RateLimitRepository
    from chalicelib.repositories.reports import ReportIds
    from chalicelib.repositories.rollup_feeds import NationFeed, TenantFeeds
    from chalicelib.repositories.rollup_inputs import RegencyApprovals
    from chalicelib.repositories.rollup_nudges import PendingPlans
    from chalicelib.repositories.rollup_problems import ProblemRecords
    from chalicelib.repositories.rollup_rebuilds import OwedRebuilds
    from chalicelib.repositories.rollup_runs import RunRecords
    from chalicelib.repositories.signups import ApplicationRepository
    from chalicelib.repositories.tenants import TenantRepository

    return PlatformStores(
        tenants=TenantRepository(),
        report_ids=ReportIds(),
        keys=KeyDirectoryRepository(),
        applications=ApplicationRepository(),
        rate_limits=RateLimitRepository(),
        national_figures=national_figures(),
        national_feed=NationFeed(),
        tenant_feeds=TenantFeeds(),
        all_figures=AllFigures(),
        rollup_runs=RunRecords(),
        fresh_plans=PendingPlans(),
        rebuilds=OwedRebuilds(),
        lease=JobLeases(),
        job_runs=JobRuns(),
        rollup_problems=ProblemRecords(),
        approvals=RegencyApprovals(),
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
