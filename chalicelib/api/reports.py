"""Village reports: posting (one or a batch), correcting, voiding, reading."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice.app import Blueprint

from chalicelib.api.http import Reply, Routes, endpoint, page_of
from chalicelib.domain.principal import Principal, Role
from chalicelib.domain.reports import ItemResult, ItemStatus
from chalicelib.errors import (
    ConflictError,
    DomainError,
    InvalidInputError,
    PermissionDeniedError,
)
from chalicelib.lazy import lazy_import

reports_bp = Blueprint(__name__)
routes = Routes(reports_bp, "reports")
WRITERS = (Role.DISTRICT_ADMIN, Role.OPERATOR)
if TYPE_CHECKING:
    from chalicelib.schemas import common as common_schema
    from chalicelib.schemas import report_types as report_types_schema
    from chalicelib.schemas import reports as reports_schema
    from chalicelib.schemas import reviews as reviews_schema
    from chalicelib.services import attachments, reviews
    from chalicelib.services import reports as service
else:
    common_schema = lazy_import("chalicelib.schemas.common")
    report_types_schema = lazy_import("chalicelib.schemas.report_types")
    reports_schema = lazy_import("chalicelib.schemas.reports")
    reviews_schema = lazy_import("chalicelib.schemas.reviews")
    service = lazy_import("chalicelib.services.reports")
    reviews = lazy_import("chalicelib.services.reviews")
    attachments = lazy_import("chalicelib.services.attachments")

_SINGLE_ERRORS: dict[str, type[DomainError]] = {
    "conflict": ConflictError,
    "period_locked": ConflictError,
    "forbidden": PermissionDeniedError,
}


def _single(result: ItemResult) -> Reply:
    """A single-report post answers 201 accepted, 200 duplicate, or the error (409, 403, 422)."""
    if result.status is ItemStatus.ACCEPTED:
        return Reply(201, reports_schema.ItemResultPublic.of(result))
    if result.status is ItemStatus.DUPLICATE:
        return Reply(200, reports_schema.ItemResultPublic.of(result))
    error = result.error
    assert error is not None
    raise _SINGLE_ERRORS.get(error.code, InvalidInputError)(error.message, details=list(error.details), code=error.code)


@endpoint(
    reports_bp,
    "/v1/reports",
    "POST",
    summary="Post one report or a batch of up to 100",
    tag="reports",
    responses={200: lambda: reports_schema.BatchResult, 201: lambda: reports_schema.ItemResultPublic},
    parse_body=lambda raw: reports_schema.parse_submission(raw),
    roles=WRITERS,
    body_doc=lambda: report_types_schema.ReportIn | reports_schema.ReportBatch,
    description=(
        "A single report answers 201 (accepted), 200 (duplicate: this submission_id was stored with the same "
        'content), 409 (the id was used for other content), 403 or 422. A batch `{"reports": [...]}` answers '
        "200 with one result per report, in order: accepted, duplicate or rejected (with its errors); one bad "
        "report never sinks the others."
    ),
)
def post_reports(*, principal: Principal, body: tuple[bool, list[Any]]) -> Reply:
    """Store each new report exactly once."""
    single, items = body
    results = service.submit(principal=principal, items=items)
    if single:
        return _single(results[0])
    public = [reports_schema.ItemResultPublic.of(r) for r in results]
    counts = {status: sum(1 for r in results if r.status is status) for status in ItemStatus}
    return Reply(
        200,
        reports_schema.BatchResult(
            results=public,
            accepted=counts[ItemStatus.ACCEPTED],
            duplicates=counts[ItemStatus.DUPLICATE],
            rejected=counts[ItemStatus.REJECTED],
        ),
    )


@routes.get("/v1/reports", "List reports")
def list_reports(*, principal: Principal, query: reports_schema.ReportListQuery) -> reports_schema.ReportPage:
    """Reports, newest first, filtered by village, type and date range (inclusive)."""
    listed = service.page(
        principal=principal,
        village_code=query.village_code,
        report_type=query.type,
        start=query.from_,
        end=query.to,
        include_void=query.include_void,
        limit=query.limit,
        cursor=query.cursor,
    )
    return page_of(reports_schema.ReportPage, reports_schema.ReportPublic.of, listed)


@routes.get("/v1/reports/{submission_id}", "A report and its history")
def get_report(*, principal: Principal, submission_id: str) -> reports_schema.ReportDetail:
    """The current version and every revision: who (key id), when, what changed; its photos."""
    report = service.get(principal=principal, submission_id=submission_id)
    photos = [
        reports_schema.AttachmentPublic(name=a.name, size=a.size, url=a.url) for a in attachments.of_report(report)
    ]
    return reports_schema.ReportDetail.of(report).model_copy(update={"attachments": photos})


@routes.put(
    "/v1/reports/{submission_id}",
    "Correct a report",
    parse_body=lambda raw: reports_schema.parse_correction(raw),
    body_doc=lambda: report_types_schema.ReportCorrection,
    roles=WRITERS,
)
def correct_report(*, principal: Principal, submission_id: str, body: tuple[int, Any]) -> reports_schema.ReportDetail:
    """District admin, or the operator of the report's village.

    Replaces the report's content; `expected_version` must be the current version (409 if not).
    """
    expected_version, content = body
    report = service.correct(
        principal=principal, submission_id=submission_id, content=content, expected_version=expected_version
    )
    return reports_schema.ReportDetail.of(report)


@routes.delete("/v1/reports/{submission_id}", "Void a report", roles=WRITERS)
def void_report(*, principal: Principal, submission_id: str) -> reports_schema.ReportDetail:
    """District admin, or the operator of the report's village.

    The report is kept, marked void, and counted nowhere; voiding twice changes nothing.
    """
    return reports_schema.ReportDetail.of(service.void(principal=principal, submission_id=submission_id))


@routes.get("/v1/reviews", "The review list: reports with unusual figures")
def list_reviews(*, principal: Principal, query: common_schema.PageQuery) -> reports_schema.ReportPage:
    """What the district office still has to look at.

    Reports accepted and counted but outside the regency's outlier rules (`GET /v1/review-rules`), newest first,
    until the district admin marks each reviewed (an operator sees its villages').
    """
    listed = reviews.waiting(principal=principal, limit=query.limit, cursor=query.cursor)
    return page_of(reports_schema.ReportPage, reports_schema.ReportPublic.of, listed)


@routes.post("/v1/reports/{submission_id}/review", "Mark a report reviewed", roles=(Role.DISTRICT_ADMIN,))
def review_report(*, principal: Principal, submission_id: str) -> reports_schema.ReportDetail:
    """District admin.

    Its figures stand: it leaves the review list (a new version, `reviewed` in its history). A report not on the
    list is answered as it is. To change a figure, correct the report instead.
    """
    return reports_schema.ReportDetail.of(reviews.mark_reviewed(principal=principal, submission_id=submission_id))


@routes.get("/v1/review-rules", "The regency's outlier rules")
def get_review_rules(*, principal: Principal) -> reviews_schema.ReviewRules:
    """The national defaults and the regency's own bounds (min-max per field)."""
    rules, own = reviews.rules(principal=principal)
    return reviews_schema.ReviewRules.of(rules, own)


@routes.put("/v1/review-rules", "Set the regency's outlier rules", roles=(Role.DISTRICT_ADMIN,))
def put_review_rules(*, principal: Principal, body: reviews_schema.ReviewRulesUpdate) -> reviews_schema.ReviewRules:
    """District admin.

    Replaces the regency's own rules; a field without one takes the national default. Applies to reports posted or
    corrected afterwards.
    """
    reviews.set_rules(principal=principal, new=[rule.rule() for rule in body.rules])
    rules, own = reviews.rules(principal=principal)
    return reviews_schema.ReviewRules.of(rules, own)
