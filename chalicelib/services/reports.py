"""Receiving reports (batched, deduplicated, exactly once), correcting, voiding and reading them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace

from chalicelib.clock import local_today, utcnow
from chalicelib.domain.principal import Principal, Role
from chalicelib.domain.reports import (
    Incoming,
    ItemError,
    ItemResult,
    ItemStatus,
    Report,
    ReportContent,
    ReportStatus,
    ReportType,
    canonical_id,
    date_problems,
)
from chalicelib.domain.reviews import ReviewRule, effective_rules, outliers
from chalicelib.domain.villages import Village
from chalicelib.errors import (
    ConflictError,
    DomainError,
    FieldProblem,
    InvalidInputError,
    NotFoundError,
    PeriodLockedError,
    PermissionDeniedError,
    VersionConflictError,
)
from chalicelib.observability import MetricUnit, metrics
from chalicelib.services import periods
from chalicelib.services.villages import check_village_code
from chalicelib.stores import ReportStore, for_tenant
from chalicelib.stores.reports import ReportQuery

WRITERS = (Role.DISTRICT_ADMIN, Role.OPERATOR)
READERS = (Role.DISTRICT_ADMIN, Role.OPERATOR, Role.VIEWER)


def tenant_rules(tenant_id: str) -> list[ReviewRule]:
    """The outlier rules in force for a tenant: the national defaults and its own."""
    return effective_rules(for_tenant(tenant_id).review_rules.get())


def _rejected(
    sid: str | None, code: str, message: str, *details: FieldProblem, kind: type[DomainError] = InvalidInputError
) -> ItemResult:
    return ItemResult(sid, ItemStatus.REJECTED, ItemError(code, message, tuple(details), kind))


def village_refusal(village: Village | None, content: ReportContent) -> ItemError | None:
    """Why a report may not be stored for its village: not registered, or dated after the day the
    village was deactivated (a late report of its active days is still taken)."""
    if village is None:
        return ItemError(
            "village_not_registered",
            f"village {content.village_code} is not registered",
            (FieldProblem("village_code", "register the village first (PUT /v1/villages/{code})"),),
        )
    if village.deactivated_on is not None and content.date > village.deactivated_on:
        return ItemError(
            "village_deactivated",
            f"village {content.village_code} was deactivated on {village.deactivated_on}",
            (FieldProblem("date", f"reports dated after {village.deactivated_on} are not taken for this village"),),
        )
    return None


def _scope_error(principal: Principal, content: ReportContent, today: dt.date) -> ItemError | None:
    """Why this caller may not store this content, if it may not."""
    tenant_id = principal.tenant
    try:
        check_village_code(tenant_id, content.village_code)
    except InvalidInputError as exc:
        return ItemError.of(exc)
    if not principal.sees_village(content.village_code):
        return ItemError(
            "forbidden",
            f"this key may not report for village {content.village_code}",
            (FieldProblem("village_code", "not one of this key's villages"),),
            PermissionDeniedError,
        )
    problems = date_problems(content, today=today)
    if problems:
        return ItemError("validation_error", "the report is not valid", tuple(problems))
    return None


def submit(
    *,
    principal: Principal,
    items: Sequence[Incoming],
    now: dt.datetime | None = None,
    rules: Sequence[ReviewRule] | None = None,
) -> list[ItemResult]:
    """Store each new report once; a retry of a stored one is a duplicate, a reuse of its id with
    other content a conflict. Results come back in the order sent.

    DynamoDB work for a batch of n: one batch read of the villages, one of the ids, one read of the
    tenant's outlier rules, one marker write per month touched, then one conditional put per new
    report (nothing for duplicates). A report outside the rules is stored marked `needs_review`.
    """
    principal.require(*WRITERS)
    tenant_id = principal.tenant
    stores = for_tenant(tenant_id)
    reports, villages = stores.reports, stores.villages
    now = now or utcnow()
    today = local_today(tenant_id, now=now)

    results: list[ItemResult | None] = [None] * len(items)
    candidates: list[tuple[int, str, ReportContent]] = []
    for i, item in enumerate(items):
        sid = canonical_id(item.submission_id) if item.submission_id is not None else None
        if item.content is None or sid is None:
            error = item.error or ItemError("validation_error", "the report is not valid")
            results[i] = ItemResult(sid, ItemStatus.REJECTED, error)
            continue
        scope_error = _scope_error(principal, item.content, today)
        if scope_error is not None:
            results[i] = ItemResult(sid, ItemStatus.REJECTED, scope_error)
        else:
            candidates.append((i, sid, item.content))

    registered = villages.get_many(c.village_code for _, _, c in candidates) if candidates else {}
    stored = reports.get_many(sid for _, sid, _ in candidates) if candidates else {}
    fresh: list[tuple[int, Report]] = []
    first_in_batch: dict[str, str] = {}  # submission id -> fingerprint, for repeats inside one batch
    for i, sid, content in candidates:
        fingerprint = content.fingerprint()
        refusal = village_refusal(registered.get(content.village_code), content)
        if refusal is not None:
            results[i] = ItemResult(sid, ItemStatus.REJECTED, refusal)
        elif sid in stored or sid in first_in_batch:
            known = stored[sid].fingerprint if sid in stored else first_in_batch[sid]
            version = stored[sid].version if sid in stored else 1
            results[i] = _same_or_conflict(sid, known == fingerprint, version)
        else:
            first_in_batch[sid] = fingerprint
            fresh.append(
                (i, Report.new(tenant_id=tenant_id, submission_id=sid, content=content, by=principal.key_id, at=now))
            )

    if fresh and rules is None:
        rules = tenant_rules(tenant_id)
    fresh = [(i, replace(r, review_flags=outliers(r.content, rules or ()))) for i, r in fresh]
    fresh = _outside_locked_months(tenant_id, fresh, results, now)
    if fresh:
        stores.changes.mark({(r.content.month, r.content.village_code) for _, r in fresh}, now=now)
    for i, report in fresh:
        if reports.add(report):
            results[i] = ItemResult(report.submission_id, ItemStatus.ACCEPTED, version=1)
        else:  # another request stored this id between our read and our write
            winner = reports.get(report.submission_id)
            same = winner is not None and winner.fingerprint == report.fingerprint
            results[i] = _same_or_conflict(report.submission_id, same, winner.version if winner else 1)

    final = [r for r in results if r is not None]
    for status in ItemStatus:
        count = sum(1 for r in final if r.status is status)
        if count:
            metrics.add_metric(name=f"Reports{status.value.capitalize()}", unit=MetricUnit.Count, value=count)
    return final


def _outside_locked_months(
    tenant_id: str, fresh: list[tuple[int, Report]], results: list[ItemResult | None], now: dt.datetime
) -> list[tuple[int, Report]]:
    """The new reports dated in open months; the others are rejected with `period_locked`."""
    locked = periods.locked_months(tenant_id=tenant_id, months={r.content.month for _, r in fresh}, now=now)
    if not locked:
        return fresh
    kept = []
    for i, report in fresh:
        if report.content.month in locked:
            error = PeriodLockedError([report.content.month])
            results[i] = _rejected(
                report.submission_id, error.code, error.message, FieldProblem("date", error.message), kind=ConflictError
            )
        else:
            kept.append((i, report))
    return kept


def _same_or_conflict(sid: str, same: bool, version: int) -> ItemResult:
    if same:
        return ItemResult(sid, ItemStatus.DUPLICATE, version=version)
    return _rejected(
        sid,
        "conflict",
        "this submission_id was already used for a different report",
        FieldProblem("submission_id", "already used with other content"),
        kind=ConflictError,
    )


def visible_report(principal: Principal, submission_id: str, reports: ReportStore) -> Report:
    """The report, if the caller may see its village (else 404, as for a missing one)."""
    report = reports.get(canonical_id(submission_id))
    if report is None or not principal.sees_village(report.content.village_code):
        raise NotFoundError("no such report")
    return report


def get(*, principal: Principal, submission_id: str) -> Report:
    """A report with its history, if the caller may see its village."""
    principal.require(*READERS)
    return visible_report(principal, submission_id, for_tenant(principal.tenant).reports)


@dataclass(frozen=True)
class Correction:
    """A correction checked and made, not written yet: the report's new version, the version it replaces,
    and the (month, village) pairs it changes (both the old and the new ones)."""

    report: Report
    expected_version: int
    moved: frozenset[tuple[str, str]]


def prepare_correction(
    *,
    principal: Principal,
    submission_id: str,
    content: ReportContent,
    expected_version: int | None,
    now: dt.datetime | None = None,
    rules: Sequence[ReviewRule] | None = None,
) -> Report | Correction:
    """Every check of a correction, and the new version it makes; nothing is written. The report itself
    when it already holds this content (a retried correction: nothing left to do)."""
    principal.require(*WRITERS)
    tenant_id = principal.tenant
    stores = for_tenant(tenant_id)
    now = now or utcnow()
    current = visible_report(principal, submission_id, stores.reports)
    if current.content.fingerprint() == content.fingerprint():
        asked_before = (expected_version or 0) < current.version  # asked at an earlier version: a retry
        if asked_before or (current.status is ReportStatus.ACTIVE and expected_version == current.version):
            return current  # nothing left to do (a version not reached yet is no retry)
    error = _scope_error(principal, content, local_today(tenant_id, now=now))
    if error is not None:
        exc_type = PermissionDeniedError if error.code == "forbidden" else InvalidInputError
        raise exc_type(error.message, details=list(error.details))
    village = stores.villages.get(content.village_code)
    refusal = village_refusal(village, content)
    if refusal is not None:
        raise InvalidInputError(refusal.message, code=refusal.code, details=list(refusal.details))
    flags = outliers(content, tenant_rules(tenant_id) if rules is None else rules)
    updated = current.corrected(content, by=principal.key_id, at=now, review_flags=flags)
    expected_version = current.version if expected_version is None else expected_version
    if current.version != expected_version:
        raise VersionConflictError(f"the report is at version {current.version}, not {expected_version}")
    periods.require_open(tenant_id=tenant_id, months={current.content.month, content.month}, now=now)
    moved = {(current.content.month, current.content.village_code), (content.month, content.village_code)}
    return Correction(updated, expected_version, frozenset(moved))


def correct(
    *,
    principal: Principal,
    submission_id: str,
    content: ReportContent,
    expected_version: int | None,
    now: dt.datetime | None = None,
    rules: Sequence[ReviewRule] | None = None,
) -> Report:
    """Replace a report's content (district admin, or the operator of its village). `expected_version`
    None corrects whatever version is current (still one conditional write on the version read)."""
    now = now or utcnow()
    change = prepare_correction(
        principal=principal,
        submission_id=submission_id,
        content=content,
        expected_version=expected_version,
        now=now,
        rules=rules,
    )
    if isinstance(change, Report):
        return change
    stores = for_tenant(principal.tenant)
    stores.changes.mark(set(change.moved), now=now)
    stores.reports.replace(change.report, expected_version=change.expected_version)
    return change.report


VOID_ATTEMPTS = 3


def void(
    *,
    principal: Principal,
    submission_id: str,
    now: dt.datetime | None = None,
) -> Report:
    """Mark a report void: kept with its history, counted nowhere. Voiding a void report is a success
    that changes nothing, also when another request voided it between our read and our write; a
    correction that won the race is voided in turn."""
    principal.require(*WRITERS)
    tenant_id = principal.tenant
    stores = for_tenant(tenant_id)
    now = now or utcnow()
    attempts = 0
    while True:
        attempts += 1
        current = visible_report(principal, submission_id, stores.reports)
        if current.status is ReportStatus.VOID:
            return current
        periods.require_open(tenant_id=tenant_id, months={current.content.month}, now=now)
        updated = current.voided(by=principal.key_id, at=now)
        month_village = (current.content.month, current.content.village_code)
        stores.changes.mark([month_village], now=now)
        try:
            stores.reports.replace(updated, expected_version=current.version)
            return updated
        except VersionConflictError:
            if attempts == VOID_ATTEMPTS:
                raise


def page(
    *,
    principal: Principal,
    village_code: str | None,
    report_type: ReportType | None,
    start: dt.date | None,
    end: dt.date | None,
    include_void: bool,
    limit: int,
    cursor: str | None,
) -> tuple[list[Report], str | None]:
    """Reports newest first; an operator sees its villages only."""
    principal.require(*READERS)
    if village_code is not None and not principal.sees_village(village_code):
        raise PermissionDeniedError(f"this key may not read village {village_code}")
    only = principal.villages if principal.role is Role.OPERATOR else None
    query = ReportQuery(only, village_code, report_type, start, end, include_void)
    return for_tenant(principal.tenant).reports.page(query, limit=limit, cursor=cursor)
