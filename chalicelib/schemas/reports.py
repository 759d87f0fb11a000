"""Report requests and responses: a post (one report or a batch), a correction, a report read back."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import Field, ValidationError, ValidationInfo, field_validator

from chalicelib import areas
from chalicelib.domain.reports import (
    FieldChange,
    Incoming,
    ItemError,
    ItemResult,
    Report,
    ReportContent,
    ReportType,
    ReviewFlag,
    canonical_id,
)
from chalicelib.errors import FieldProblem, InvalidInputError
from chalicelib.schemas.common import ErrorInfo, PageQuery, PublicModel, RequestModel, Shows, before, problems_of
from chalicelib.schemas.report_types import TAGS, ReportIn, correction_adapter, report_adapter

MAX_BATCH = 100


class ReportBatch(RequestModel):
    """Up to 100 reports in one post (what a phone sends after days offline); each is validated on its own."""

    # Documentation only: parse_submission reads the batch item by item, so an item that is not a
    # valid report is answered `rejected` in `results`, not refused with the whole request. The item
    # schema says so (a report, or anything), so that the spec describes what the API accepts.
    reports: list[ReportIn | Any] = Field(
        min_length=1,
        max_length=MAX_BATCH,
        description="Reports; an invalid item is answered `rejected` with its errors, the others are stored.",
    )


class ItemResultPublic(PublicModel):
    """The outcome for one report: accepted, duplicate (stored once already) or rejected."""

    submission_id: str | None
    status: Literal["accepted", "duplicate", "rejected"]
    version: int | None = None
    errors: list[ErrorInfo] | None = None

    @classmethod
    def of(cls, result: ItemResult) -> ItemResultPublic:
        return cls.read(result, errors=None if result.error is None else [result.error])


class BatchResult(PublicModel):
    """Per-report outcomes, in the order sent, and their counts."""

    results: list[ItemResultPublic]
    accepted: int
    duplicates: int
    rejected: int


class ReviewFlagPublic(Shows[ReviewFlag]):
    """A figure outside the regency's review range: which, its value, and the bound it passed."""

    field: str
    value: int
    side: Literal["above", "below"] = Field(description="above: more than `limit`, the maximum; below: less.")
    limit: int


class ReportPublic(PublicModel):
    """A report's current content and state (type-specific fields are flat, as sent)."""

    model_config = {"extra": "allow", "defer_build": True}

    submission_id: str
    village_code: str
    type: ReportType
    date: dt.date
    recorded_at: dt.datetime | None = None
    status: Literal["active", "void"]
    version: int
    needs_review: bool = Field(description="Its figures are unusual for the regency: on the review list.")
    review_flags: list[ReviewFlagPublic] = Field(
        description="Which figures are outside the regency's review range (empty when it needs no review)."
    )
    review_reasons: list[str] = Field(description="The review flags as English sentences.")
    created_at: dt.datetime
    created_by: str
    updated_at: dt.datetime
    updated_by: str

    @classmethod
    def of(cls, report: Report) -> ReportPublic:
        c = report.content
        shared = {name: getattr(c, name) for name in ("village_code", "type", "date", "recorded_at")}
        flags = report.review_flags if report.needs_review else ()
        public = cls.read(report, **shared, review_flags=flags, review_reasons=[f.reason for f in flags])
        return public.model_copy(update=c.fields)


class FieldChangePublic(Shows[FieldChange]):
    """A field's value before and after (null: absent)."""

    field: str
    old: Any = None
    new: Any = None


class RevisionPublic(PublicModel):
    """Who changed what, when."""

    version: int
    action: Literal["created", "corrected", "voided", "reviewed"]
    at: dt.datetime
    by: str
    changes: list[FieldChangePublic]


class AttachmentPublic(PublicModel):
    """A photo of the report (from an OpenRosa submission), by file name."""

    name: str
    size: int
    url: str = Field(description="A download URL valid for 15 minutes.")


class ReportDetail(PublicModel):
    """A report with its full history, oldest first, and its photos."""

    report: ReportPublic
    history: list[RevisionPublic]
    attachments: list[AttachmentPublic] = Field(default_factory=list)

    @classmethod
    def of(cls, report: Report) -> ReportDetail:
        return cls.read(report, report=ReportPublic.of(report))


class ReportPage(PublicModel):
    """One page of reports, by date."""

    items: list[ReportPublic]
    next_cursor: str | None = None


class ReportListQuery(PageQuery):
    """Filters of the report listing (dates inclusive)."""

    village_code: str | None = Field(default=None, pattern=areas.VILLAGE_CODE_PATTERN)
    type: ReportType | None = None
    from_: dt.date | None = Field(default=None, alias="from")
    to: dt.date | None = None
    include_void: bool = False

    @field_validator("to")
    @classmethod
    def _range(cls, to: dt.date | None, info: ValidationInfo) -> dt.date | None:
        start = info.data.get("from_")
        if to and start and to < start:
            raise before("from")
        return to


def parse_submission(raw: Any) -> tuple[bool, list[Incoming]]:
    """A post's body as (was it a single report, its items validated one by one). An invalid
    report becomes an item with its error, so that it never sinks the rest of its batch."""
    if isinstance(raw, dict) and "reports" in raw:
        extra = sorted(set(raw) - {"reports"})
        if extra:
            raise InvalidInputError(
                "unknown fields beside reports", details=[FieldProblem(f, "unknown field") for f in extra]
            )
        items = raw["reports"]
        if not isinstance(items, list) or not 1 <= len(items) <= MAX_BATCH:
            raise InvalidInputError(
                f"reports must be a list of 1 to {MAX_BATCH} reports",
                details=[FieldProblem("reports", f"1 to {MAX_BATCH} reports")],
            )
        return False, [_parse_item(item, f"reports.{i}.") for i, item in enumerate(items)]
    if isinstance(raw, dict):
        return True, [_parse_item(raw, "")]
    raise InvalidInputError(
        'the body must be a report or {"reports": [...]}', details=[FieldProblem("", "expected an object")]
    )


def _parse_item(item: Any, prefix: str) -> Incoming:
    if not isinstance(item, dict):
        return Incoming(
            None,
            None,
            ItemError(
                "validation_error",
                "a report must be an object",
                (FieldProblem(prefix.rstrip("."), "expected an object"),),
            ),
        )
    sid = item.get("submission_id")
    sid = canonical_id(sid) if isinstance(sid, str) and len(sid) <= 64 else None
    try:
        model = report_adapter().validate_python(item)
    except ValidationError as exc:
        details = tuple(problems_of(exc, prefix, TAGS))
        return Incoming(sid, None, ItemError("validation_error", "the report is not valid", details))
    return Incoming(model.submission_id, model.content())


def parse_correction(raw: Any) -> tuple[int, ReportContent]:
    """A correction's body as (expected version, new content)."""
    if not isinstance(raw, dict):
        raise InvalidInputError("the body must be a JSON object", details=[FieldProblem("", "expected an object")])
    try:
        model = correction_adapter().validate_python(raw)
    except ValidationError as exc:
        raise InvalidInputError("the correction is not valid", details=problems_of(exc, "", TAGS)) from exc
    return int(model.expected_version), model.content()
