"""Report records: one item per (tenant, submission id), its history inside it.

Keeping the history in the item makes every change one conditional write: creating a report
writes exactly one item, and a correction is one versioned update. Indexes:
by_tenant_date and by_village_date list reports by date; village_partnerships is sparse (only
partnership reports carry its key) so a village's partnerships are read without its history.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import Any

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.connection import Connection
from pynamodb.exceptions import PutError, TransactWriteError
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from chalicelib.domain.reports import (
    FieldChange,
    Report,
    ReportContent,
    ReportStatus,
    ReportType,
    ReviewFlag,
    Revision,
    Side,
)
from chalicelib.errors import ConflictError, VersionConflictError
from chalicelib.repositories.base import all_of, batch_get, condition_held, decode_cursor, encode_cursor, table_meta
from chalicelib.stores.reports import ReportQuery, TenantReports, Unreadable
from chalicelib.tables import REPORTS


class _ByTenantDate(GlobalSecondaryIndex["ReportRecord"]):
    class Meta:
        index_name = "by_tenant_date"
        projection = AllProjection()

    tenant_id = UnicodeAttribute(hash_key=True)
    date_key = UnicodeAttribute(range_key=True)


class _ByVillageDate(GlobalSecondaryIndex["ReportRecord"]):
    class Meta:
        index_name = "by_village_date"
        projection = AllProjection()

    village_key = UnicodeAttribute(hash_key=True)
    date_key = UnicodeAttribute(range_key=True)


class _VillagePartnerships(GlobalSecondaryIndex["ReportRecord"]):
    class Meta:
        index_name = "village_partnerships"
        projection = AllProjection()

    partnership_key = UnicodeAttribute(hash_key=True)
    submission_id = UnicodeAttribute(range_key=True)


class _NeedingReview(GlobalSecondaryIndex["ReportRecord"]):
    class Meta:
        index_name = "needing_review"
        projection = AllProjection()

    review_key = UnicodeAttribute(hash_key=True)
    date_key = UnicodeAttribute(range_key=True)


class ReportRecord(Model):
    """Storage shape of a report."""

    Meta = table_meta(REPORTS)

    tenant_id = UnicodeAttribute(hash_key=True)
    submission_id = UnicodeAttribute(range_key=True)
    village_code = UnicodeAttribute()
    village_key = UnicodeAttribute()  # "<tenant>#<village>"
    type = UnicodeAttribute()
    date = UnicodeAttribute()  # YYYY-MM-DD
    date_key = UnicodeAttribute()  # "<date>#<submission id>"
    partnership_key = UnicodeAttribute(null=True)  # "<tenant>#<village>" on partnership reports only
    recorded_at = UTCDateTimeAttribute(null=True)
    fields = JSONAttribute()
    status = UnicodeAttribute()
    version = NumberAttribute()
    fingerprint = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    created_by = UnicodeAttribute()
    updated_at = UTCDateTimeAttribute()
    updated_by = UnicodeAttribute()
    history = JSONAttribute()
    review_key = UnicodeAttribute(null=True)  # the tenant id while the report needs review, else absent
    review_reasons = JSONAttribute(null=True)  # the flags as objects (sentences where stored before they were)

    by_tenant_date = _ByTenantDate()
    by_village_date = _ByVillageDate()
    village_partnerships = _VillagePartnerships()
    needing_review = _NeedingReview()

    def to_domain(self) -> Report:
        content = ReportContent(
            village_code=self.village_code,
            type=ReportType(self.type),
            date=dt.date.fromisoformat(self.date),
            fields=dict(self.fields),
            recorded_at=self.recorded_at,
        )
        return Report(
            tenant_id=self.tenant_id,
            submission_id=self.submission_id,
            content=content,
            status=ReportStatus(self.status),
            version=int(self.version),
            fingerprint=self.fingerprint,
            created_at=self.created_at,
            created_by=self.created_by,
            updated_at=self.updated_at,
            updated_by=self.updated_by,
            history=tuple(_revision(r) for r in self.history),
            review_flags=tuple(_flag(raw) for raw in self.review_reasons or ()),
        )


def _flag(raw: dict[str, Any] | str) -> ReviewFlag:
    if isinstance(raw, str):
        return ReviewFlag.of_reason(raw)
    return ReviewFlag(raw["field"], int(raw["value"]), Side(raw["side"]), int(raw["limit"]))


def _raw_flag(flag: ReviewFlag) -> dict[str, Any]:
    return {"field": flag.field, "value": flag.value, "side": flag.side.value, "limit": flag.limit}


def _revision(raw: dict[str, Any]) -> Revision:
    return Revision(
        version=raw["version"],
        action=raw["action"],
        at=dt.datetime.fromisoformat(raw["at"]),
        by=raw["by"],
        changes=tuple(FieldChange(c["field"], c.get("old"), c.get("new")) for c in raw.get("changes", ())),
    )


def _raw_revision(revision: Revision) -> dict[str, Any]:
    return {
        "version": revision.version,
        "action": revision.action,
        "at": revision.at.isoformat(),
        "by": revision.by,
        "changes": [{"field": c.field, "old": c.old, "new": c.new} for c in revision.changes],
    }


def village_key(tenant_id: str, village_code: str) -> str:
    """The by_village_date / village_partnerships partition of a village."""
    return f"{tenant_id}#{village_code}"


class ReportRepository:
    """The reports of one tenant (a `chalicelib.stores.reports.ReportStore`)."""

    def __init__(self, *, tenant_id: str) -> None:
        if not tenant_id:
            raise ValueError("a report repository needs a tenant")
        self.tenant_id = tenant_id

    def record_of(self, report: Report) -> ReportRecord:
        """The storage item of a report of this tenant (for a transaction that writes it with others)."""
        if report.tenant_id != self.tenant_id:
            raise ValueError("report of another tenant")
        c = report.content
        key = village_key(self.tenant_id, c.village_code)
        return ReportRecord(
            self.tenant_id,
            report.submission_id,
            village_code=c.village_code,
            village_key=key,
            type=c.type.value,
            date=c.date.isoformat(),
            date_key=f"{c.date.isoformat()}#{report.submission_id}",
            partnership_key=key if c.type is ReportType.PARTNERSHIP else None,
            recorded_at=c.recorded_at,
            fields=c.fields,
            status=report.status.value,
            version=report.version,
            fingerprint=report.fingerprint,
            created_at=report.created_at,
            created_by=report.created_by,
            updated_at=report.updated_at,
            updated_by=report.updated_by,
            history=[_raw_revision(r) for r in report.history],
            review_key=self.tenant_id if report.needs_review else None,
            review_reasons=[_raw_flag(f) for f in report.review_flags] or None,
        )

    def get(self, submission_id: str) -> Report | None:
        """The report, or None."""
        try:
            return ReportRecord.get(self.tenant_id, submission_id, consistent_read=True).to_domain()
        except ReportRecord.DoesNotExist:
            return None

    def get_many(self, submission_ids: Iterable[str]) -> dict[str, Report]:
        """The stored reports among these ids (one batch read per 100 ids)."""
        keys = [(self.tenant_id, sid) for sid in set(submission_ids)]
        return {record.submission_id: record.to_domain() for record in batch_get(ReportRecord, keys)}

    def add(self, report: Report) -> bool:
        """Store a new report; False (nothing written) when its id is taken. The condition, not a
        prior read, is what makes two racing posts of one id store it once."""
        record = self.record_of(report)
        return condition_held(lambda: record.save(condition=ReportRecord.submission_id.does_not_exist()))

    def replace(self, report: Report, *, expected_version: int) -> None:
        """Write a new version of a report, only if the stored one is still `expected_version`."""
        try:
            self.record_of(report).save(condition=ReportRecord.version == expected_version)
        except PutError as exc:
            if exc.cause_response_code == "ConditionalCheckFailedException":
                raise VersionConflictError(
                    f"the report is not at version {expected_version} any more; reload it and retry"
                ) from exc
            raise

    def page(self, query: ReportQuery, *, limit: int, cursor: str | None) -> tuple[list[Report], str | None]:
        """One page of reports, newest first; `village_codes` limits an operator to its villages."""
        village_codes, village_code, report_type = query.village_codes, query.village_code, query.report_type
        start, end = query.start, query.end
        low = start.isoformat() if start else "0"
        high = (end.isoformat() if end else "9") + "#~"
        condition = ReportRecord.date_key.between(low, high)
        filters: list[Any] = []
        if report_type is not None:
            filters.append(ReportRecord.type == report_type.value)
        if not query.include_void:
            filters.append(ReportRecord.status == ReportStatus.ACTIVE.value)
        if village_code is None and village_codes is not None:
            filters.append(ReportRecord.village_code.is_in(*sorted(village_codes)))
        filter_condition = all_of(filters)
        if village_code is not None:
            partition = village_key(self.tenant_id, village_code)
            first = decode_cursor(cursor, scope={"village_key": partition})
            results = ReportRecord.by_village_date.query(
                partition,
                condition,
                filter_condition=filter_condition,
                limit=limit,
                last_evaluated_key=first,
                scan_index_forward=False,
            )
        else:
            first = decode_cursor(cursor, scope={"tenant_id": self.tenant_id})
            results = ReportRecord.by_tenant_date.query(
                self.tenant_id,
                condition,
                filter_condition=filter_condition,
                limit=limit,
                last_evaluated_key=first,
                scan_index_forward=False,
            )
        return [r.to_domain() for r in results], encode_cursor(results.last_evaluated_key)

    def rekey(self, report: Report, *, new_id: str) -> None:
        """Move a report to another submission id in one transaction (written there only if that id is
        free, removed here only if it is still at its version): same content, history and version."""
        moved = replace(report, submission_id=new_id)
        try:
            with TransactWrite(connection=Connection()) as transaction:
                transaction.save(self.record_of(moved), condition=ReportRecord.submission_id.does_not_exist())
                transaction.delete(self.record_of(report), condition=ReportRecord.version == report.version)
        except TransactWriteError as exc:
            if exc.cause_response_code == "TransactionCanceledException":
                raise ConflictError(f"{new_id} is taken or the report changed meanwhile; reload and retry") from exc
            raise

    def needing_review(
        self, *, village_codes: frozenset[str] | None, limit: int, cursor: str | None
    ) -> tuple[list[Report], str | None]:
        """One page of the reports waiting for review, newest first (an operator's: of its villages)."""
        first = decode_cursor(cursor, scope={"review_key": self.tenant_id})
        results = ReportRecord.needing_review.query(
            self.tenant_id,
            filter_condition=ReportRecord.village_code.is_in(*sorted(village_codes)) if village_codes else None,
            limit=limit,
            last_evaluated_key=first,
            scan_index_forward=False,
        )
        return [r.to_domain() for r in results], encode_cursor(results.last_evaluated_key)

    def in_village_between(
        self, village_code: str, start: dt.date, end: dt.date, *, unreadable: Unreadable | None = None
    ) -> list[Report]:
        """Every report (void ones too) of a village dated start..end: what a rollup recomputes from.
        `unreadable(submission_id, error)`, when given, is told of each stored item that is no valid
        report (left out) instead of the read failing."""
        condition = ReportRecord.date_key.between(start.isoformat(), end.isoformat() + "#~")
        records = ReportRecord.by_village_date.query(village_key(self.tenant_id, village_code), condition)
        return _readable(records, unreadable)

    def partnerships_of(self, village_code: str, *, unreadable: Unreadable | None = None) -> list[Report]:
        """Every partnership report (void ones too) of a village, whatever its date."""
        records = ReportRecord.village_partnerships.query(village_key(self.tenant_id, village_code))
        return _readable(records, unreadable)

    def village_months(self) -> set[tuple[str, str]]:
        return village_months(self.tenant_id)

    def every_report(self) -> TenantReports:
        """Every report of the tenant: one paged query of by_tenant_date, in date order."""
        by_village: dict[str, list[Report]] = defaultdict(list)
        unreadable: dict[str, list[tuple[str, Exception]]] = defaultdict(list)
        for record in ReportRecord.by_tenant_date.query(self.tenant_id):
            try:
                by_village[record.village_code].append(record.to_domain())
            except Exception as exc:  # a stored item no report can be made of: the rollup records it
                unreadable[record.village_code].append((record.submission_id, exc))
        return TenantReports(dict(by_village), dict(unreadable))


def _readable(records: Iterable[ReportRecord], unreadable: Unreadable | None) -> list[Report]:
    if unreadable is None:
        return [r.to_domain() for r in records]
    found = []
    for record in records:
        try:
            found.append(record.to_domain())
        except Exception as exc:  # a stored item no report can be made of: the caller records it
            unreadable(record.submission_id, exc)
    return found


def village_months(tenant_id: str) -> set[tuple[str, str]]:
    """Every (month, village) in which a tenant has a report: what a rebuild from scratch marks dirty."""
    found = set()
    for record in ReportRecord.by_tenant_date.query(tenant_id, attributes_to_get=["village_code", "date"]):
        found.add((record.date[:7], record.village_code))
    return found


def non_canonical_ids() -> Iterator[tuple[str, str]]:
    """Every (tenant, submission id) stored in another case than lower (one scan of the keys)."""
    for record in ReportRecord.scan(attributes_to_get=["tenant_id", "submission_id"]):
        if record.submission_id != record.submission_id.lower():
            yield record.tenant_id, record.submission_id


class ReportIds:
    """The scan of every tenant's report ids (a `chalicelib.stores.reports.ReportIdScan`)."""

    def non_canonical_ids(self) -> Iterator[tuple[str, str]]:
        return non_canonical_ids()
