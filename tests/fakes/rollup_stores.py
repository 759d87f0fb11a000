"""In-memory twins of the rollup's stores (chalicelib/stores/rollup.py), for unit tests of services.
tests/contract holds them to the behaviour of the PynamoDB ones."""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from chalicelib.domain.approvals import MonthApproval
from chalicelib.domain.rollup_plan import NATION, FigureKey, is_national, of_tenant
from chalicelib.errors import MalformedRequestError
from chalicelib.repositories.base import decode_cursor
from chalicelib.repositories.changes import Marker
from chalicelib.stores import PeriodStore, VillageStore
from chalicelib.stores.idempotency import IdempotencyInProgressError, IdempotencyKeyReusedError
from chalicelib.stores.rollup import Figures, Problem, ProblemState, RollupRun, RunInputs, Stored
from tests.fakes.access_stores import _page


@dataclass
class MemoryTables:
    """What the in-memory stores share: figures by key, markers by (tenant, month), leases and last runs
    by job, problems by their item's key and their flags by tenant, idempotency records by (tenant, operation, key)."""

    figures: dict[FigureKey, Stored] = field(default_factory=dict)
    markers: dict[tuple[str, str], dict[str, str]] = field(default_factory=lambda: defaultdict(dict))  # scope: token
    leases: dict[str, tuple[str, dt.datetime]] = field(default_factory=dict)
    runs: dict[str, tuple[dt.datetime, dict[str, Any]]] = field(default_factory=dict)
    problems: dict[str, Problem] = field(default_factory=dict)
    problem_flags: dict[str, ProblemState] = field(default_factory=dict)  # by tenant
    once: dict[tuple[str, str, str], tuple[str, str | None]] = field(default_factory=dict)


@dataclass
class MemoryFigures:
    """A figure store over MemoryTables, bound to a tenant (or, with tenant_id None, the national levels)."""

    tables: MemoryTables
    tenant_id: str | None = None

    def _check(self, key: FigureKey) -> FigureKey:
        allowed = is_national(key) if self.tenant_id is None else of_tenant(self.tenant_id, key)
        if not allowed:
            raise ValueError(f"{key} is not a figure of this store")
        return key

    def read_keys(self, keys: Iterable[FigureKey]) -> dict[FigureKey, Stored]:
        wanted = [self._check(k) for k in keys]
        return {k: _copy(self.tables.figures[k]) for k in wanted if k in self.tables.figures}

    def read_level(self, level: str, period: str) -> dict[str, Stored]:
        own_row = self.tenant_id is not None and level == "regency"
        self._check(FigureKey(level, period, str(self.tenant_id) if own_row else ""))
        return {
            k.code: _copy(v)
            for k, v in self.tables.figures.items()
            if (k.level, k.period) == (level, period) and self._visible(k)
        }

    def _visible(self, key: FigureKey) -> bool:
        return is_national(key) if self.tenant_id is None else of_tenant(self.tenant_id, key)

    def write(self, items: Figures, *, now: dt.datetime, stored: Figures) -> int:
        changed = {self._check(k): v for k, v in items.items() if dict(stored.get(k, {})) != dict(v)}
        for key, values in changed.items():
            self.tables.figures[key] = _copy(values, computed_at=now)
        return len(changed)


def _copy(values: Mapping[str, Any], *, computed_at: dt.datetime | None = None) -> Stored:
    """Figures by value (as JSON, as the table keeps them), with when they were computed."""
    stored = Stored(json.loads(json.dumps(dict(values))))
    stored.computed_at = computed_at or getattr(values, "computed_at", None)
    return stored


@dataclass
class MemoryFeed:
    """A tenant's change feed over MemoryTables."""

    tables: MemoryTables
    tenant_id: str

    def mark(self, changes: Iterable[tuple[str, str]], *, now: dt.datetime | None = None) -> int:
        by_month: dict[str, set[str]] = defaultdict(set)
        for month, scope in changes:
            by_month[month].add(scope)
        for month, scopes in by_month.items():
            token = secrets.token_hex(8)  # a fresh one per write: a scope marked again stays dirty
            self.tables.markers[(self.tenant_id, month)] |= dict.fromkeys(scopes, token)
        return sum(-(-len(scopes) // 100) for scopes in by_month.values())

    def pending(self) -> list[Marker]:
        """The tenant's dirty months with their scopes."""
        return _pending(self.tables, lambda owner: owner == self.tenant_id)

    def clear(self, marker: Marker, scopes: Iterable[str]) -> int:
        if marker.tenant_id != self.tenant_id:
            raise ValueError(f"a marker of {marker.tenant_id} is not this feed's")
        held = self.tables.markers.get((marker.tenant_id, marker.month), {})
        unchanged = [s for s in set(scopes) if s in held and held[s] == marker.scopes.get(s)]
        for scope in unchanged:
            del held[scope]
        return len(unchanged)


def _pending(tables: MemoryTables, owned: Callable[[str], bool]) -> list[Marker]:
    return [Marker(t, m, dict(scopes)) for (t, m), scopes in sorted(tables.markers.items()) if owned(t) and scopes]


@dataclass
class MemoryTenantFeeds:
    """Every tenant's dirty months over MemoryTables."""

    tables: MemoryTables

    def pending(self) -> list[Marker]:
        return _pending(self.tables, lambda owner: owner != NATION)


@dataclass
class MemoryRunRecords:
    """The fanned-out runs' records, by run id."""

    runs: dict[str, RollupRun] = field(default_factory=dict)

    def create(self, run_id: str, *, kind: str, tenants: set[str], now: dt.datetime) -> RollupRun:
        if run_id in self.runs:
            raise ValueError(f"rollup run {run_id} exists")
        none: frozenset[str] = frozenset()
        self.runs[run_id] = RollupRun(run_id, kind, now, frozenset(tenants), none, none, 0, 0, None)
        return self.runs[run_id]

    def get(self, run_id: str) -> RollupRun | None:
        return self.runs.get(run_id)

    def settle(
        self, run_id: str, tenant_id: str, *, failed: bool, villages: int = 0, aggregates_written: int = 0
    ) -> RollupRun:
        run = self.runs.get(run_id)
        if run is None:
            raise LookupError(f"no rollup run {run_id}")
        if tenant_id in run.done or (failed and tenant_id in run.failed):
            return run
        if failed:
            run = replace(run, failed=run.failed | {tenant_id})
        else:
            run = replace(
                run,
                done=run.done | {tenant_id},
                failed=run.failed - {tenant_id},
                villages=run.villages + villages,
                aggregates_written=run.aggregates_written + aggregates_written,
            )
        self.runs[run_id] = run
        return run

    def national_done(self, run_id: str, *, now: dt.datetime) -> None:
        self.runs[run_id] = replace(self.runs[run_id], national_at=now)

    def last_started(self) -> dt.datetime | None:
        return self.runs[max(self.runs)].started_at if self.runs else None


@dataclass
class MemoryFigureReset:
    """Every figure over MemoryTables."""

    tables: MemoryTables

    def delete_all(self) -> int:
        removed = len(self.tables.figures)
        self.tables.figures.clear()
        return removed


@dataclass
class MemoryRebuilds:
    """The tenants a rebuild still owes: tenant -> (its rebuild's run, when that was planned)."""

    items: dict[str, tuple[str, dt.datetime]] = field(default_factory=dict)

    def owe(self, tenant_ids: Iterable[str], *, run_id: str, now: dt.datetime) -> None:
        self.items.update({tenant_id: (run_id, now) for tenant_id in tenant_ids})

    def owed(self) -> dict[str, tuple[str, dt.datetime]]:
        return dict(self.items)

    def paid(self, tenant_id: str, *, run_id: str) -> bool:
        if self.items.get(tenant_id, ("", None))[0] != run_id:
            return False
        del self.items[tenant_id]
        return True


@dataclass
class MemoryFreshPlans:
    """The pending fresh-on-change plan: the times asked for, and the one pending."""

    asked: list[dt.datetime] = field(default_factory=list)
    due: dt.datetime | None = None

    def plan_after(self, settled_at: dt.datetime, *, now: dt.datetime | None = None) -> bool:
        now = now or dt.datetime.now(dt.UTC)
        if self.due is not None and self.due > now:
            return False
        self.due = max(settled_at, now)
        self.asked.append(self.due)
        return True


@dataclass
class MemoryLease:
    """The jobs' lease over MemoryTables."""

    tables: MemoryTables

    def acquire_lease(self, name: str, *, holder: str, now: dt.datetime, seconds: float) -> bool:
        held = self.tables.leases.get(name)
        if held is not None and held[1] >= now:
            return False
        self.tables.leases[name] = (holder, now + dt.timedelta(seconds=seconds))
        return True

    def release_lease(self, name: str, *, holder: str) -> None:
        if self.tables.leases.get(name, ("", dt.datetime.min))[0] == holder:
            del self.tables.leases[name]


@dataclass
class MemoryNationalFeed:
    """The national step's feed over MemoryTables: the nation's markers, apart from every tenant's."""

    tables: MemoryTables

    def mark(self, province: str, periods: Iterable[str], *, now: dt.datetime | None = None) -> int:
        return MemoryFeed(self.tables, NATION).mark([(period, province) for period in periods], now=now)

    def pending(self) -> list[Marker]:
        return MemoryFeed(self.tables, NATION).pending()

    def clear(self, marker: Marker, scopes: Iterable[str]) -> int:
        return MemoryFeed(self.tables, NATION).clear(marker, scopes)


@dataclass
class MemoryJobRuns:
    """The jobs' last runs over MemoryTables."""

    tables: MemoryTables

    def last_run(self, name: str) -> tuple[dt.datetime, dict[str, Any]] | None:
        run = self.tables.runs.get(name)
        return (run[0], json.loads(json.dumps(run[1]))) if run else None

    def record_run(self, name: str, *, finished_at: dt.datetime, summary: Mapping[str, Any]) -> None:
        self.tables.runs[name] = (finished_at, json.loads(json.dumps(dict(summary))))  # by value, as JSON


@dataclass
class MemoryRunInputs:
    """A tenant's run inputs, read from its other in-memory stores."""

    figures: MemoryFigures
    villages: VillageStore
    periods: PeriodStore

    def read(self, villages: Iterable[str], keys: Iterable[FigureKey]) -> RunInputs:
        codes = list(villages)
        return RunInputs(
            villages=self.villages.get_many(codes),
            settings=self.periods.settings() if codes else None,
            figures=self.figures.read_keys(keys),
            problems=self.figures.tables.problem_flags.get(str(self.figures.tenant_id), ProblemState()),
        )


@dataclass
class MemoryApprovals:
    """The regencies' approved months, read from each tenant's in-memory period store."""

    periods_of: Callable[[str], PeriodStore]

    def states(self, tenant_months: Iterable[tuple[str, str]]) -> dict[tuple[str, str], MonthApproval]:
        by_tenant: dict[str, set[str]] = defaultdict(set)
        for tenant, month in tenant_months:
            by_tenant[tenant].add(month)
        return {
            (tenant, month): state
            for tenant, months in by_tenant.items()
            for month, state in self.periods_of(tenant).months(months).items()
        }


_PROBLEMS = "rollup-problem"


def _problem_key(tenant_id: str, village_code: str, submission_id: str | None) -> str:
    return f"{tenant_id}#{village_code}#{submission_id or '-'}"  # the order of the PynamoDB store's


def _problem_page(
    tables: MemoryTables, tenant_id: str | None, limit: int, cursor: str | None
) -> tuple[list[Problem], str | None]:
    first = decode_cursor(cursor, scope={"pk": _PROBLEMS})
    if first is not None and (
        set(first) != {"pk", "sk"} or (tenant_id and not first["sk"]["S"].startswith(f"{tenant_id}#"))
    ):
        raise MalformedRequestError("the cursor does not belong to this listing", code="invalid_cursor")
    rows = [
        ({"pk": _PROBLEMS, "sk": key}, problem)
        for key, problem in tables.problems.items()
        if tenant_id is None or problem.tenant_id == tenant_id
    ]
    return _page(rows, scope={"pk": _PROBLEMS}, cursor=cursor, limit=limit, keep=lambda _: True)


@dataclass
class MemoryProblems:
    """One tenant's rollup problems over MemoryTables."""

    tables: MemoryTables
    tenant_id: str

    def recorded(self) -> list[Problem]:
        return [p for key, p in sorted(self.tables.problems.items()) if p.tenant_id == self.tenant_id]

    def save(self, problems: Iterable[Problem]) -> None:
        problems = list(problems)
        if any(p.tenant_id != self.tenant_id for p in problems):
            raise ValueError(f"a problem of another tenant than {self.tenant_id}")
        before = self.tables.problem_flags.get(self.tenant_id, ProblemState())
        self.tables.problem_flags[self.tenant_id] = ProblemState(False, (before.generation or 0) + 1)
        for p in problems:
            self.tables.problems[_problem_key(p.tenant_id, p.village_code, p.submission_id)] = p

    def remove(self, items: Iterable[tuple[str, str | None]]) -> None:
        for village, submission in items:
            self.tables.problems.pop(_problem_key(self.tenant_id, village, submission), None)

    def mark_clean(self, seen: ProblemState) -> bool:
        if self.tables.problem_flags.get(self.tenant_id, ProblemState()).generation != seen.generation:
            return False  # saved since (or, with None seen, a flag now stored)
        self.tables.problem_flags[self.tenant_id] = ProblemState(True, seen.generation or 0)
        return True

    def page(self, *, limit: int, cursor: str | None) -> tuple[list[Problem], str | None]:
        return _problem_page(self.tables, self.tenant_id, limit, cursor)


@dataclass
class MemoryProblemDirectory:
    """Every tenant's rollup problems over MemoryTables."""

    tables: MemoryTables

    def page(self, *, tenant_id: str | None, limit: int, cursor: str | None) -> tuple[list[Problem], str | None]:
        return _problem_page(self.tables, tenant_id, limit, cursor)

    def count(self) -> int:
        return len(self.tables.problems)


@dataclass
class MemoryIdempotency:
    """One tenant's idempotency records over MemoryTables: a record is in progress (no result) while
    its create runs, and goes if the create raises."""

    tables: MemoryTables
    tenant_id: str

    def run_once(
        self, *, operation: str, key: str, payload: Any, create: Callable[[], str], lambda_context: Any = None
    ) -> str:
        record = (self.tenant_id, operation, key)
        given = json.dumps(payload, default=str, sort_keys=True)
        if record in self.tables.once:
            stored, result = self.tables.once[record]
            if stored != given:
                raise IdempotencyKeyReusedError(key)
            if result is None:
                raise IdempotencyInProgressError(key)
            return result
        self.tables.once[record] = (given, None)
        try:
            result = create()
        except BaseException:
            del self.tables.once[record]
            raise
        self.tables.once[record] = (given, result)
        return result
