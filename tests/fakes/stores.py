"""In-memory implementations of the store ports (chalicelib/stores/ports.py).

They keep what the PynamoDB repositories keep and obey the same contract (tests/contract runs
both): conditional writes refuse the same way, listings come in key order, cursors are opaque and
refused across tenants. Each handle sees only its own tenant's part of the world, by construction.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from chalicelib.domain.approvals import MonthApproval, PeriodEvent, PeriodSettings
from chalicelib.domain.reports import Report
from chalicelib.domain.reviews import ReviewRule
from chalicelib.domain.tenants import Tenant, TenantStatus
from chalicelib.domain.villages import Village
from chalicelib.errors import AlreadyExistsError, ConflictError
from chalicelib.repositories.base import decode_cursor, encode_cursor
from chalicelib.stores import PlatformStores, TenantStores
from chalicelib.stores.reports import InstanceRef
from tests.fakes.access_stores import (
    AccessData,
    MemoryApplicationStore,
    MemoryKeyDirectory,
    MemoryKeyStore,
    MemoryRateLimits,
)
from tests.fakes.advocacy_stores import MemoryAdvocacy
from tests.fakes.report_stores import LoggedFeed, Marked, MemoryInstanceStore, MemoryReportIds, MemoryReportStore
from tests.fakes.rollup_stores import (
    MemoryApprovals,
    MemoryFigureReset,
    MemoryFigures,
    MemoryFreshPlans,
    MemoryIdempotency,
    MemoryJobRuns,
    MemoryLease,
    MemoryNationalFeed,
    MemoryProblemDirectory,
    MemoryProblems,
    MemoryRebuilds,
    MemoryRunInputs,
    MemoryRunRecords,
    MemoryTables,
    MemoryTenantFeeds,
)


class MemoryVillageStore:
    """The village libraries of one tenant, kept in a dict by code."""

    def __init__(self, tenant_id: str, villages: dict[str, Village]) -> None:
        self.tenant_id = tenant_id
        self._villages = villages

    def _own(self, village: Village) -> Village:
        if village.tenant_id != self.tenant_id:
            raise ValueError("village of another tenant")
        return copy.deepcopy(village)  # stored by value, as a database would

    def add(self, village: Village) -> bool:
        if village.village_code in self._villages:
            return False
        self._villages[village.village_code] = self._own(village)
        return True

    def update(self, village: Village) -> bool:
        stored = self._villages.get(self._own(village).village_code)
        if stored is None:
            return False
        self._villages[village.village_code] = replace(
            stored,
            library_name=village.library_name,
            joined_year=village.joined_year,
            joined_on=village.joined_on,
            cohort=village.cohort,
            updated_at=village.updated_at,
        )
        return True

    def set_state(self, village: Village) -> bool:
        stored = self._villages.get(self._own(village).village_code)
        if stored is None:
            return False
        self._villages[village.village_code] = replace(
            stored,
            deactivated_on=village.deactivated_on,
            baseline=copy.deepcopy(village.baseline),
            updated_at=village.updated_at,
        )
        return True

    def get(self, village_code: str) -> Village | None:
        stored = self._villages.get(village_code)
        return copy.deepcopy(stored) if stored is not None else None

    def get_many(self, village_codes: Iterable[str]) -> dict[str, Village]:
        return {code: copy.deepcopy(self._villages[code]) for code in set(village_codes) if code in self._villages}

    def page(
        self, *, limit: int, cursor: str | None, prefix: str | None = None, only: frozenset[str] | None = None
    ) -> tuple[list[Village], str | None]:
        start = decode_cursor(cursor, scope={"tenant_id": self.tenant_id})
        after = start["village_code"]["S"] if start and "village_code" in start else None
        in_range = sorted(
            code
            for code in self._villages
            if (prefix is None or code.startswith(prefix)) and (after is None or code > after)
        )
        evaluated = in_range[:limit]  # like a query: the limit counts what is read, before the filter
        items = [copy.deepcopy(self._villages[c]) for c in evaluated if only is None or c in only]
        if len(in_range) <= limit:
            return items, None
        last = {"tenant_id": {"S": self.tenant_id}, "village_code": {"S": evaluated[-1]}}
        return items, encode_cursor(last)

    def all_codes(self) -> list[str]:
        return sorted(self._villages)

    def all(self) -> list[Village]:
        return [copy.deepcopy(self._villages[code]) for code in sorted(self._villages)]


@dataclass
class _PeriodData:
    """One tenant's months, events (by their sort key), settings and notification switch."""

    months: dict[str, MonthApproval] = field(default_factory=dict)
    events: dict[str, PeriodEvent] = field(default_factory=dict)
    settings: PeriodSettings | None = None
    reminder_emails: bool = True


class MemoryPeriodStore:
    """The approved months, their history and the settings of one tenant."""

    def __init__(self, tenant_id: str, data: _PeriodData) -> None:
        self.tenant_id = tenant_id
        self._data = data

    def months(self, months: Iterable[str]) -> dict[str, MonthApproval]:
        return {m: self._data.months[m] for m in set(months) if m in self._data.months}

    def all_months(self) -> list[MonthApproval]:
        return [self._data.months[m] for m in sorted(self._data.months)]

    def events(self, month: str) -> list[PeriodEvent]:
        prefix = f"event#{month}#"
        return [self._data.events[sk] for sk in sorted(self._data.events) if sk.startswith(prefix)]

    def change(self, before: MonthApproval | None, after: MonthApproval, event: PeriodEvent) -> None:
        current = self._data.months.get(after.month)
        held = current is None if before is None else current is not None and current.version == before.version
        sk = f"event#{after.month}#{event.at.isoformat()}#{after.version:06d}"
        if not held or sk in self._data.events:
            raise ConflictError(f"{after.month} changed meanwhile; reload and retry")
        self._data.months[after.month] = after
        self._data.events[sk] = event

    def settings(self) -> PeriodSettings:
        return self._data.settings or PeriodSettings()

    def save_settings(self, settings: PeriodSettings) -> None:
        self._data.settings = settings

    def reminder_emails(self) -> bool:
        return self._data.reminder_emails

    def set_reminder_emails(self, on: bool) -> None:
        self._data.reminder_emails = on


class MemoryReviewRuleStore:
    """One tenant's own outlier rules."""

    def __init__(self, rules: list[ReviewRule]) -> None:
        self._rules = rules

    def get(self) -> list[ReviewRule]:
        return list(self._rules)

    def put(self, rules: list[ReviewRule], *, by: str, at: dt.datetime) -> None:
        self._rules[:] = rules


class MemoryTenantStore:
    """All tenants, each with a version that a change is conditional on."""

    def __init__(self, tenants: dict[str, tuple[Tenant, int]]) -> None:
        self._tenants = tenants

    def add(self, tenant: Tenant) -> None:
        if tenant.tenant_id in self._tenants:
            raise AlreadyExistsError(f"regency {tenant.tenant_id} has signed up already")
        self._tenants[tenant.tenant_id] = (tenant, 1)

    def get(self, tenant_id: str) -> Tenant | None:
        stored = self._tenants.get(tenant_id)
        return stored[0] if stored is not None else None

    def page(self, *, status: TenantStatus | None, limit: int, cursor: str | None) -> tuple[list[Tenant], str | None]:
        scope = {"status": status.value} if status is not None else {}
        start = decode_cursor(cursor, scope=scope)
        after = start["tenant_id"]["S"] if start and "tenant_id" in start else None
        codes = sorted(
            code
            for code, (tenant, _) in self._tenants.items()
            if (status is None or tenant.status is status) and (after is None or code > after)
        )
        items = [self._tenants[code][0] for code in codes[:limit]]
        if len(codes) <= limit:
            return items, None
        last = {name: {"S": value} for name, value in {**scope, "tenant_id": codes[limit - 1]}.items()}
        return items, encode_cursor(last)

    def change(self, tenant_id: str, apply: Callable[[Tenant], Tenant]) -> Tenant | None:
        stored = self._tenants.get(tenant_id)
        if stored is None:
            return None
        tenant, version = stored
        updated = apply(tenant)
        if self._tenants[tenant_id][1] != version:
            raise ConflictError(f"tenant {tenant_id} changed meanwhile; retry")
        kept = replace(
            tenant, status=updated.status, approved_at=updated.approved_at, suspended_at=updated.suspended_at
        )
        self._tenants[tenant_id] = (kept, version + 1)
        return updated


class MemoryStores:
    """A world of in-memory stores: every handle it makes for a tenant shares that tenant's data,
    and only that. Bind it with `chalicelib.stores.bind(world.for_tenant, world.platform)`."""

    def __init__(self) -> None:
        self._villages: dict[str, dict[str, Village]] = {}
        self._periods: dict[str, _PeriodData] = {}
        self._tenants: dict[str, tuple[Tenant, int]] = {}
        self._rules: dict[str, list[ReviewRule]] = {}
        self._reports: dict[str, dict[str, Report]] = {}
        self._instances: dict[str, dict[str, InstanceRef]] = {}
        self.tables = MemoryTables()  # the change feed's markers (and the rollup's figures and leases)
        self.runs = MemoryRunRecords()  # the fanned-out rollup's runs
        self.fresh_plans = MemoryFreshPlans()  # fresh-on-change plans asked for
        self.rebuilds = MemoryRebuilds()  # the tenants a rebuild still owes
        self.marked: Marked = []  # every (tenant, month, scope) announced to a change feed, in order

        self._access = AccessData(tenants=self._tenants)
        self.advocacy = MemoryAdvocacy()  # every tenant's stakeholders, commitments and their history

    def platform(self) -> PlatformStores:
        return PlatformStores(
            tenants=MemoryTenantStore(self._tenants),
            report_ids=MemoryReportIds(self._reports),
            keys=MemoryKeyDirectory(self._access),
            applications=MemoryApplicationStore(self._access),
            rate_limits=MemoryRateLimits(self._access),
            national_figures=MemoryFigures(self.tables),
            national_feed=MemoryNationalFeed(self.tables),
            tenant_feeds=MemoryTenantFeeds(self.tables),
            all_figures=MemoryFigureReset(self.tables),
            rollup_runs=self.runs,
            fresh_plans=self.fresh_plans,
            rebuilds=self.rebuilds,
            lease=MemoryLease(self.tables),
            job_runs=MemoryJobRuns(self.tables),
            rollup_problems=MemoryProblemDirectory(self.tables),
            approvals=MemoryApprovals(lambda tenant_id: self.for_tenant(tenant_id).periods),
            open_commitments=self.advocacy,
        )

    def for_tenant(self, tenant_id: str) -> TenantStores:
        villages = MemoryVillageStore(tenant_id, self._villages.setdefault(tenant_id, {}))
        periods = MemoryPeriodStore(tenant_id, self._periods.setdefault(tenant_id, _PeriodData()))
        figures = MemoryFigures(self.tables, tenant_id)
        return TenantStores(
            tenant_id=tenant_id,
            villages=villages,
            periods=periods,
            review_rules=MemoryReviewRuleStore(self._rules.setdefault(tenant_id, [])),
            reports=MemoryReportStore(tenant_id, self._reports.setdefault(tenant_id, {})),
            changes=LoggedFeed(self.tables, tenant_id, self.marked),
            instances=MemoryInstanceStore(
                self._instances.setdefault(tenant_id, {}), self._reports.setdefault(tenant_id, {})
            ),
            keys=MemoryKeyStore(tenant_id, self._access),
            figures=figures,
            rollup_inputs=MemoryRunInputs(figures, villages, periods),
            problems=MemoryProblems(self.tables, tenant_id),
            idempotency=MemoryIdempotency(self.tables, tenant_id),
            advocacy=self.advocacy.for_tenant(tenant_id),
        )
