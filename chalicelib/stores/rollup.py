"""The rollup's stores: the figures (bound to a tenant or to the national levels), a tenant's change
feed, the national step's feed and every tenant's dirty months, what a tenant's part of a run reads
first, the problems it could not count, the regencies' approvals, and the jobs' lease and records of
their runs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from chalicelib.domain.rollup_plan import FigureKey

if TYPE_CHECKING:
    from chalicelib.domain.approvals import MonthApproval, PeriodSettings
    from chalicelib.domain.villages import Village
    from chalicelib.repositories.changes import Marker as Marker  # the feeds' items, re-exported

Figures = Mapping[FigureKey, Mapping[str, Any]]  # figures by key, as computed or as stored


class Stored(dict[str, Any]):
    """Figures as stored, with the time they were computed."""

    computed_at: dt.datetime | None = None


class FigurePort(Protocol):
    """Figures by FigureKey. A store bound to a tenant refuses (ValueError) any key that is not of its
    regency; the national store any key that is not of a national level."""

    def read_keys(self, keys: Iterable[FigureKey]) -> Mapping[FigureKey, Stored]:
        """The stored figures of these keys, with when they were written; absent ones are left out."""
        ...

    def read_level(self, level: str, period: str) -> Mapping[str, Stored]:
        """Every stored scope of a level for a period, by code (a tenant's store: its own only)."""
        ...

    def write(self, items: Figures, *, now: dt.datetime, stored: Figures) -> int:
        """Store the items that differ from `stored` (what the caller read); how many were written."""
        ...


class FeedPort(Protocol):
    """A tenant's change feed."""

    @property
    def tenant_id(self) -> str: ...

    def mark(self, changes: Iterable[tuple[str, str]], *, now: dt.datetime | None = None) -> int:
        """Mark (month, scope) pairs dirty; the number of writes made (one per month and hundred scopes)."""
        ...

    def pending(self) -> list[Marker]:
        """The tenant's dirty months with their scopes (a scope's token is the feed's business)."""
        ...

    def clear(self, marker: Marker, scopes: Iterable[str]) -> int:
        """Remove processed scopes of a marker read from this feed, unless marked again since it was
        read (then the scope stays dirty); how many were removed. ValueError for another feed's marker."""
        ...


class NationalFeedPort(Protocol):
    """The national step's feed: (period, province) pairs whose regency figures changed."""

    def mark(self, province: str, periods: Iterable[str], *, now: dt.datetime | None = None) -> int:
        """Mark a province's periods dirty; the number of writes made."""
        ...

    def pending(self) -> list[Marker]:
        """The dirty periods, each with its dirty provinces as scopes."""
        ...

    def clear(self, marker: Marker, scopes: Iterable[str]) -> int:
        """Remove processed provinces of a marker read from this feed, as `FeedPort.clear` does."""
        ...


class DirtyTenants(Protocol):
    """Every tenant's change feed at once: where a rollup run starts."""

    def pending(self) -> list[Marker]:
        """Every tenant's dirty months with their scopes, in one read (the national feed's are not)."""
        ...


@dataclass(frozen=True)
class RollupRun:
    """A run as planned and as far as its workers got."""

    run_id: str
    kind: str
    started_at: dt.datetime
    tenants: frozenset[str]
    done: frozenset[str]
    failed: frozenset[str]
    villages: int
    aggregates_written: int
    national_at: dt.datetime | None

    @property
    def settled(self) -> bool:
        """Every tenant is done or failed: the national step may run."""
        return self.tenants <= self.done | self.failed


class RunRecordPort(Protocol):
    """The fanned-out rollup's runs: which tenants each planned, and which are done or failed."""

    def create(self, run_id: str, *, kind: str, tenants: set[str], now: dt.datetime) -> RollupRun:
        """Record a planned run under a new run id."""
        ...

    def get(self, run_id: str) -> RollupRun | None:
        """A run, or None."""
        ...

    def settle(
        self, run_id: str, tenant_id: str, *, failed: bool, villages: int = 0, aggregates_written: int = 0
    ) -> RollupRun:
        """Count a tenant as done (or failed) once: a second call for the same tenant changes nothing,
        except that a tenant failed once and done later (its message redriven) moves to done; the run
        as it is after the call (LookupError for an unknown run)."""
        ...

    def national_done(self, run_id: str, *, now: dt.datetime) -> None:
        """Record that the run's national step ran."""
        ...

    def last_started(self) -> dt.datetime | None:
        """When the latest run (by its id: the time it was planned for) started; None before the first."""
        ...


class RebuildPort(Protocol):
    """The tenants a rebuild still owes: written before its figures are dropped, each removed once its
    tenant's markers are stored (repositories/rollup_rebuilds.py)."""

    def owe(self, tenant_ids: Iterable[str], *, run_id: str, now: dt.datetime) -> None:
        """Record that the rebuild `run_id`, planned at `now`, owes these tenants."""
        ...

    def owed(self) -> dict[str, tuple[str, dt.datetime]]:
        """Every tenant owed, with the rebuild that owes it and when that was planned."""
        ...

    def paid(self, tenant_id: str, *, run_id: str) -> bool:
        """Remove the tenant's item if it still names `run_id`; whether it did."""
        ...


class FigureReset(Protocol):
    """Every tenant's and the nation's figures at once, for a rebuild from scratch only."""

    def delete_all(self) -> int:
        """Remove every stored figure; how many were removed."""
        ...


class FreshPlanPort(Protocol):
    """Fresh on change: the one pending plan of a run (repositories/rollup_nudges.py)."""

    def plan_after(self, settled_at: dt.datetime, *, now: dt.datetime | None = None) -> bool:
        """Ask for a plan at `settled_at` (a few seconds after), unless one is pending or fresh-on-change
        is off; whether it was asked. Never raises: a lost request leaves the change to the schedule."""
        ...


class LeasePort(Protocol):
    """One run of a job at a time, whoever starts it."""

    def acquire_lease(self, name: str, *, holder: str, now: dt.datetime, seconds: float) -> bool:
        """Take the lease if it is free or its holder's time is up; whether it was taken."""
        ...

    def release_lease(self, name: str, *, holder: str) -> None:
        """Give the lease back, if `holder` still has it."""
        ...


class JobRunPort(Protocol):
    """The last successful run of each job."""

    def last_run(self, name: str) -> tuple[dt.datetime, dict[str, Any]] | None:
        """When the job last succeeded and its summary, or None when it never did."""
        ...

    def record_run(self, name: str, *, finished_at: dt.datetime, summary: Mapping[str, Any]) -> None:
        """Remember a successful run (replacing the one before)."""
        ...


@dataclass(frozen=True)
class ProblemState:
    """What a tenant's problems flag said when it was read: `clean` once a run recorded that the tenant
    has no problem (its problems need not be read), and the flag's generation (None: no flag stored),
    which every saving of problems moves on, so a run that read an older one cannot call it clean."""

    clean: bool = False
    generation: int | None = None


@dataclass(frozen=True)
class RunInputs:
    """A tenant's registered villages among the dirty ones, its settings (None when no village was
    asked for: only villages need them), the stored figures read, and its problems flag."""

    villages: dict[str, Village]
    settings: PeriodSettings | None
    figures: Mapping[FigureKey, Stored]
    problems: ProblemState = ProblemState()


class RunInputPort(Protocol):
    """What one tenant's part of a run reads before it computes, in shared batch reads."""

    def read(self, villages: Iterable[str], keys: Iterable[FigureKey]) -> RunInputs:
        """The registered villages among `villages`, the tenant's settings when any village is asked
        for, the figures stored under `keys` (absent ones left out; ValueError for a key that is
        not of the tenant's regency) and the tenant's problems flag."""
        ...


@dataclass(frozen=True)
class Problem:
    """A report (or a village) the rollup could not count, and why."""

    tenant_id: str
    village_code: str
    submission_id: str | None  # None: the village's computation failed, not one report
    error: str  # the exception's type
    message: str
    first_seen_at: dt.datetime
    last_seen_at: dt.datetime
    runs: int = 1

    @property
    def item(self) -> tuple[str, str | None]:
        """What the problem is about: (village, report or None for the village itself)."""
        return self.village_code, self.submission_id


class ProblemPort(Protocol):
    """One tenant's recorded rollup problems, one per (village, report or None)."""

    def recorded(self) -> list[Problem]:
        """Every problem of the tenant, in village and report order."""
        ...

    def save(self, problems: Iterable[Problem]) -> None:
        """Store problems, replacing what is stored for their items (ValueError for another tenant's);
        the tenant's flag is first marked not clean, its generation moved on."""
        ...

    def mark_clean(self, seen: ProblemState) -> bool:
        """Record that the tenant has no problem, unless its flag is no longer as `seen` (problems were
        saved since it was read): whether it was recorded."""
        ...

    def remove(self, items: Iterable[tuple[str, str | None]]) -> None:
        """Forget the problems of these (village, report or None) items."""
        ...

    def page(self, *, limit: int, cursor: str | None) -> tuple[list[Problem], str | None]:
        """One page of the tenant's problems in village and report order; the cursor is None after the
        last page, and a cursor of another listing is refused (MalformedRequestError)."""
        ...


class ProblemDirectory(Protocol):
    """The rollup problems of every tenant: the platform admin's list and the run's metric."""

    def page(self, *, tenant_id: str | None, limit: int, cursor: str | None) -> tuple[list[Problem], str | None]:
        """One page in tenant, village and report order, of one tenant or (None) of all; paged as
        `ProblemPort.page`."""
        ...

    def count(self) -> int:
        """How many problems are recorded, over every tenant."""
        ...


class ApprovalDirectory(Protocol):
    """The regencies' approved months, read across tenants for the national figures' approval."""

    def states(self, tenant_months: Iterable[tuple[str, str]]) -> dict[tuple[str, str], MonthApproval]:
        """The stored state of (tenant, month) pairs; a month never approved is absent."""
        ...
