"""In-memory twins of the reports' stores (chalicelib/stores/reports.py) and a change feed that also
keeps, in order, what was announced to it; tests/contract holds them to the PynamoDB ones.

The report store keeps each report by value and lists them in the order of the DynamoDB indexes
(date, then submission id); a page is filled as a PynamoDB query with a limit fills it (up to `limit`
reports that pass the filters), and its cursor is as opaque and as bound to its listing as theirs.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace

from chalicelib.domain.reports import Report, ReportStatus, ReportType
from chalicelib.errors import ConflictError, VersionConflictError
from chalicelib.repositories.base import decode_cursor, encode_cursor
from chalicelib.stores.reports import InstanceRef, ReportQuery, TenantReports, Unreadable
from tests.fakes.rollup_stores import MemoryFeed

Marked = list[tuple[str, str, str]]  # (tenant, month, scope), in the order announced


def _date_key(report: Report) -> str:
    return f"{report.content.date.isoformat()}#{report.submission_id}"


class MemoryReportStore:
    """The reports of one tenant, kept by value in a dict by submission id."""

    def __init__(self, tenant_id: str, reports: dict[str, Report]) -> None:
        self.tenant_id = tenant_id
        self._reports = reports

    def _own(self, report: Report) -> Report:
        if report.tenant_id != self.tenant_id:
            raise ValueError("report of another tenant")
        return copy.deepcopy(report)

    def get(self, submission_id: str) -> Report | None:
        stored = self._reports.get(submission_id)
        return copy.deepcopy(stored) if stored is not None else None

    def get_many(self, submission_ids: Iterable[str]) -> dict[str, Report]:
        return {sid: copy.deepcopy(self._reports[sid]) for sid in set(submission_ids) if sid in self._reports}

    def add(self, report: Report) -> bool:
        if report.submission_id in self._reports:
            return False
        self._reports[report.submission_id] = self._own(report)
        return True

    def replace(self, report: Report, *, expected_version: int) -> None:
        stored = self._reports.get(self._own(report).submission_id)
        if stored is None or stored.version != expected_version:
            raise VersionConflictError(f"the report is not at version {expected_version} any more; reload it and retry")
        self._reports[report.submission_id] = self._own(report)

    def rekey(self, report: Report, *, new_id: str) -> None:
        stored = self._reports.get(self._own(report).submission_id)
        if new_id in self._reports or stored is None or stored.version != report.version:
            raise ConflictError(f"{new_id} is taken or the report changed meanwhile; reload and retry")
        del self._reports[report.submission_id]
        self._reports[new_id] = self._own(replace(report, submission_id=new_id))

    def page(self, query: ReportQuery, *, limit: int, cursor: str | None) -> tuple[list[Report], str | None]:
        q, village_code = query, query.village_code
        low, high = (q.start.isoformat() if q.start else "0"), (q.end.isoformat() if q.end else "9") + "#~"
        scope = {"tenant_id": self.tenant_id}
        if village_code is not None:
            scope = {"village_key": f"{self.tenant_id}#{village_code}"}
        in_range = [
            r
            for r in self._reports.values()
            if low <= _date_key(r) <= high and (village_code is None or r.content.village_code == village_code)
        ]

        def passes(r: Report) -> bool:
            return (
                (q.report_type is None or r.content.type is q.report_type)
                and (q.include_void or r.status is ReportStatus.ACTIVE)
                and (village_code is not None or q.village_codes is None or r.content.village_code in q.village_codes)
            )

        return self._paged(in_range, passes, scope, limit=limit, cursor=cursor)

    def needing_review(
        self, *, village_codes: frozenset[str] | None, limit: int, cursor: str | None
    ) -> tuple[list[Report], str | None]:
        waiting = [r for r in self._reports.values() if r.needs_review]
        return self._paged(
            waiting,
            lambda r: not village_codes or r.content.village_code in village_codes,
            {"review_key": self.tenant_id},
            limit=limit,
            cursor=cursor,
        )

    def _paged(
        self,
        reports: list[Report],
        passes: Callable[[Report], bool],
        scope: dict[str, str],
        *,
        limit: int,
        cursor: str | None,
    ) -> tuple[list[Report], str | None]:
        """Newest first from after the cursor: up to `limit` reports that pass, and a cursor at the last
        one when more follow it (a query with a limit reads on until it has that many)."""
        first = decode_cursor(cursor, scope=scope)
        after = first["date_key"]["S"] if first and "date_key" in first else None
        ordered = sorted((r for r in reports if after is None or _date_key(r) < after), key=_date_key, reverse=True)
        taken: list[Report] = []
        for i, report in enumerate(ordered):
            if not passes(report):
                continue
            taken.append(copy.deepcopy(report))
            if len(taken) == limit:
                if i == len(ordered) - 1:
                    break
                last = {**scope, "tenant_id": self.tenant_id, "submission_id": report.submission_id}
                keys = {name: {"S": value} for name, value in {**last, "date_key": _date_key(report)}.items()}
                return taken, encode_cursor(keys)
        return taken, None

    def in_village_between(
        self, village_code: str, start: dt.date, end: dt.date, *, unreadable: Unreadable | None = None
    ) -> list[Report]:
        low, high = start.isoformat(), end.isoformat() + "#~"
        found = [
            r for r in self._reports.values() if r.content.village_code == village_code and low <= _date_key(r) <= high
        ]
        return [copy.deepcopy(r) for r in sorted(found, key=_date_key)]

    def partnerships_of(self, village_code: str, *, unreadable: Unreadable | None = None) -> list[Report]:
        return [
            copy.deepcopy(self._reports[sid])
            for sid in sorted(self._reports)
            if self._reports[sid].content.village_code == village_code
            and self._reports[sid].content.type is ReportType.PARTNERSHIP
        ]

    def village_months(self) -> set[tuple[str, str]]:
        return {(r.content.date.isoformat()[:7], r.content.village_code) for r in self._reports.values()}

    def every_report(self) -> TenantReports:
        by_village: dict[str, list[Report]] = {}
        for report in sorted(self._reports.values(), key=_date_key):
            by_village.setdefault(report.content.village_code, []).append(copy.deepcopy(report))
        return TenantReports(by_village, {})


class MemoryInstanceStore:
    """The OpenRosa instances of one tenant, by instance id."""

    def __init__(self, instances: dict[str, InstanceRef], reports: dict[str, Report]) -> None:
        self._instances = instances
        self._reports = reports  # the tenant's reports, which an edit's transaction writes too

    def get_many(self, instance_ids: set[str]) -> dict[str, InstanceRef]:
        return {i: self._instances[i] for i in instance_ids if i in self._instances}

    def supersede(
        self,
        *,
        old_id: str,
        old_fingerprint: str | None,
        new_id: str,
        report_id: str,
        fingerprint: str,
        corrected: Report | None = None,
        expected_version: int | None = None,
    ) -> bool:
        old = self._instances.get(old_id)
        if (old is not None and old.superseded_by is not None) or new_id in self._instances:
            return False  # the transaction is cancelled: nothing is written
        if corrected is not None:
            stored = self._reports.get(report_id)
            if stored is None or stored.version != expected_version:
                return False
            self._reports[report_id] = copy.deepcopy(corrected)
        self._instances[old_id] = InstanceRef(old_id, report_id, old_fingerprint, new_id)
        self._instances[new_id] = InstanceRef(new_id, report_id, fingerprint, None)
        return True


class MemoryReportIds:
    """The scan of every tenant's report ids, over the world's reports."""

    def __init__(self, reports: dict[str, dict[str, Report]]) -> None:
        self._reports = reports

    def non_canonical_ids(self) -> Iterator[tuple[str, str]]:
        for tenant_id, reports in sorted(self._reports.items()):
            yield from ((tenant_id, sid) for sid in sorted(reports) if sid != sid.lower())


@dataclass
class LoggedFeed(MemoryFeed):
    """A tenant's change feed that also logs each announced (tenant, month, scope), as sent."""

    log: Marked = field(default_factory=list)

    def mark(self, changes: Iterable[tuple[str, str]], *, now: dt.datetime | None = None) -> int:
        pairs = list(changes)
        self.log.extend((self.tenant_id, month, scope) for month, scope in pairs)
        return super().mark(pairs, now=now)
