"""What a rollup could not count, kept per tenant, and the list the district and the platform admin read.

A bad item (a stored report whose fields or dates the indicators cannot use, or a village whose
computation fails) must not stop its tenant's figures: the rollup leaves it out, records which
one failed and why, and goes on. A problem stays listed until the rollup reads the report again
without failing (after a correction or a void) or computes the village. A tenant whose flag says it
has none (the repository's docstring) has its problems not read at all.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable

from chalicelib.domain.indicators import partnership_series, village_figures
from chalicelib.domain.periods import Period
from chalicelib.domain.principal import Principal, Role
from chalicelib.domain.reports import Report
from chalicelib.errors import PermissionDeniedError, is_throttling
from chalicelib.observability import logger
from chalicelib.stores import for_tenant, platform
from chalicelib.stores.rollup import Problem, ProblemPort, ProblemState

Item = tuple[str, str | None]  # what a problem is about: (village, report or None for the village)


class ProblemLog:
    """The problems of one tenant's part of a run: loaded when it starts, saved when its figures are."""

    def __init__(
        self, tenant_id: str, *, now: dt.datetime, store: ProblemPort | None = None, seen: ProblemState | None = None
    ) -> None:
        """`seen`: the tenant's problems flag as read with the run's first reads (not read: unknown)."""
        self.tenant_id, self.now = tenant_id, now
        self.store = store if store is not None else for_tenant(tenant_id).problems
        self.seen = seen or ProblemState()
        self.known = {} if self.seen.clean else {p.item: p for p in self.store.recorded()}
        self.found: dict[Item, Problem] = {}
        self.healthy: set[Item] = set()  # known problems whose report or village now counts

    def screen(self, village_code: str, reports: Iterable[Report]) -> list[Report]:
        """The reports the indicators can count; each other one is recorded."""
        countable = []
        for report in reports:
            try:
                village_figures([report], (), Period.month_of(report.content.date))
                partnership_series([report])
            except Exception as exc:  # any bad content, whatever it breaks
                self.failed(village_code, report.submission_id, exc)
                continue
            countable.append(report)
            self._healthy((village_code, report.submission_id))
        return countable

    def failed(self, village_code: str, submission_id: str | None, exc: Exception) -> None:
        """Record that a report (or, without an id, the village's computation) could not be counted.
        Throttling is no bad item: it is raised again, to stop the run."""
        if is_throttling(exc):
            raise exc
        key = village_code, submission_id
        before = self.known.get(key)
        self.found[key] = Problem(
            tenant_id=self.tenant_id,
            village_code=village_code,
            submission_id=submission_id,
            error=type(exc).__name__,
            message=str(exc) or type(exc).__name__,
            first_seen_at=before.first_seen_at if before else self.now,
            last_seen_at=self.now,
            runs=before.runs + 1 if before else 1,
        )
        logger.warning(
            "rollup left out a bad item",
            extra={"tenant_id": self.tenant_id, "village_code": village_code, "submission_id": submission_id},
            exc_info=exc,
        )

    def village_done(self, village_code: str) -> None:
        """The village's figures were computed."""
        self._healthy((village_code, None))

    def _healthy(self, key: Item) -> None:
        if key in self.known:
            self.healthy.add(key)

    @property
    def reports_failed(self) -> int:
        return sum(1 for p in self.found.values() if p.submission_id is not None)

    @property
    def villages_failed(self) -> int:
        return sum(1 for p in self.found.values() if p.submission_id is None)

    def save(self) -> None:
        """Store what was found, forget what is solved; a tenant left with none is flagged clean."""
        if self.found:
            self.store.save(self.found.values())
        solved = self.healthy - set(self.found)
        if solved:
            self.store.remove(solved)
        if not self.found and not self.seen.clean and set(self.known) <= solved:
            self.store.mark_clean(self.seen)


def list_problems(
    *, principal: Principal, tenant_id: str | None, limit: int, cursor: str | None
) -> tuple[list[Problem], str | None]:
    """A district admin's own problems; the platform admin's of every tenant or of `tenant_id`."""
    principal.require(Role.DISTRICT_ADMIN, Role.PLATFORM_ADMIN)
    if principal.role is Role.DISTRICT_ADMIN:
        if tenant_id not in (None, principal.tenant_id):
            raise PermissionDeniedError("a district admin sees the problems of its own regency only")
        return for_tenant(principal.tenant).problems.page(limit=limit, cursor=cursor)
    return platform().rollup_problems.page(tenant_id=tenant_id, limit=limit, cursor=cursor)


def as_public(problem: Problem) -> dict[str, object]:
    """A problem as the API shows it."""
    return dataclasses.asdict(problem)
