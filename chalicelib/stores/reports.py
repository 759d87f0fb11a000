"""The reports' stores as typed ports: a tenant's reports with their history, the OpenRosa instances
that corrected them, and the one scan across tenants that the id migration needs.

A tenant's change feed is the rollup's `FeedPort` (chalicelib/stores/rollup.py), bound to the tenant
in `TenantStores.changes`: one port for what writers mark and the rollup reads. Like every port, these
are bound to one tenant when made; no method takes a tenant, a partition or a key shape.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

from chalicelib.domain.reports import Report, ReportType

Unreadable = Callable[[str, Exception], None]  # told of a stored item no report can be made of


@dataclass(frozen=True)
class ReportQuery:
    """Which reports a listing holds: dated start..end (either open), of one village or among
    `village_codes` (an operator's), of one type, void ones or not."""

    village_codes: frozenset[str] | None = None
    village_code: str | None = None
    report_type: ReportType | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    include_void: bool = False


@dataclass(frozen=True)
class TenantReports:
    """Every report of a tenant (void ones too) by village, oldest first, and by village the stored
    items no report can be made of (submission id, error): what a rebuild recomputes from."""

    by_village: dict[str, list[Report]]
    unreadable: dict[str, list[tuple[str, Exception]]]


class ReportStore(Protocol):
    """The reports of one tenant, by submission id, each with its history inside it."""

    def get(self, submission_id: str) -> Report | None:
        """The report (read strongly consistent), or None."""
        ...

    def get_many(self, submission_ids: Iterable[str]) -> dict[str, Report]:
        """The stored reports among these ids, by id (absent ids are left out)."""
        ...

    def add(self, report: Report) -> bool:
        """Store a new report; False (and nothing written) when its id is taken. The write's condition,
        not a prior read, is what makes two racing posts of one id store it once."""
        ...

    def replace(self, report: Report, *, expected_version: int) -> None:
        """Write a new version of a stored report. VersionConflictError (and nothing written) when the
        stored one is not at `expected_version`, or there is none."""
        ...

    def rekey(self, report: Report, *, new_id: str) -> None:
        """Move a report to another submission id with its content, history and version, both writes
        or neither. ConflictError (and nothing written) when `new_id` is taken or the stored report is
        no longer at `report.version`."""
        ...

    def page(self, query: ReportQuery, *, limit: int, cursor: str | None) -> tuple[list[Report], str | None]:
        """One page of the reports the query holds, newest first (by date, then id). A page holds at most
        `limit` reports and may hold fewer while a cursor follows; the cursor is None after the last
        page. A cursor of another tenant or another village's listing is refused (MalformedRequestError)."""
        ...

    def needing_review(
        self, *, village_codes: frozenset[str] | None, limit: int, cursor: str | None
    ) -> tuple[list[Report], str | None]:
        """One page of the reports marked for review, newest first (among `village_codes` when given);
        paged as `page` is."""
        ...

    def in_village_between(
        self, village_code: str, start: dt.date, end: dt.date, *, unreadable: Unreadable | None = None
    ) -> list[Report]:
        """Every report (void ones too) of a village dated start..end, oldest first. With `unreadable`,
        a stored item that is no valid report is told to it and left out instead of the read failing."""
        ...

    def partnerships_of(self, village_code: str, *, unreadable: Unreadable | None = None) -> list[Report]:
        """Every partnership report (void ones too) of a village, whatever its date, in id order."""
        ...

    def village_months(self) -> set[tuple[str, str]]:
        """Every (month, village) in which the tenant has a report: what a rebuild marks dirty."""
        ...

    def every_report(self) -> TenantReports:
        """Every report of the tenant, whatever its village and date (one paged query)."""
        ...


@dataclass(frozen=True)
class InstanceRef:
    """An OpenRosa instance: the report it belongs to, what it carried, and the instance that replaced it."""

    instance_id: str
    report_id: str
    fingerprint: str | None
    superseded_by: str | None


class InstanceStore(Protocol):
    """The OpenRosa instances of one tenant that edits made (a first instance needs no record)."""

    def get_many(self, instance_ids: set[str]) -> dict[str, InstanceRef]:
        """The records of these instances that have one, by instance id."""
        ...

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
        """Record that `new_id` replaced `old_id` on `report_id`, both records or neither; False (and
        nothing written) when `old_id` was replaced already or `new_id` is known (another request won).
        With `corrected`, the report's new version is written in the same transaction, only while the
        stored one is at `expected_version`: an edit and its record land together or not at all."""
        ...


class ReportIdScan(Protocol):
    """The platform's one look across every tenant's reports: ids stored before they were canonical."""

    def non_canonical_ids(self) -> Iterator[tuple[str, str]]:
        """Every (tenant, submission id) whose id is not in lower case."""
        ...
