"""Report requests and responses: one model per report type, discriminated by `type`.

Only counts: no field takes a person's name or ID number, and free text that carries a
16-digit number (the shape of an Indonesian NIK) is refused.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any, ClassVar, Literal, cast

from pydantic import (
    AfterValidator,
    Field,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from chalicelib import areas
from chalicelib.domain.periods import LATEST_DATE as LATEST_END_DATE
from chalicelib.domain.periods import NO_END_DATE
from chalicelib.domain.reports import (
    EARLIEST_DATE,
    FieldChange,
    Incoming,
    ItemError,
    ItemResult,
    Report,
    ReportContent,
    ReportType,
    canonical_id,
)
from chalicelib.errors import FieldProblem, InvalidInputError
from chalicelib.schemas.common import ErrorInfo, NoIdNumbers, PageQuery, PublicModel, RequestModel, problems_of

MAX_BATCH = 100
UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"


# Hard limits: no village library's report can reach them (a report of 100,000 visitors or more is a typo
# or a test, never a day at a village library). Declared on the fields (`le`), so the spec and the forms
# built from these models carry them.
MAX_COUNT = 99_999


@dataclass(frozen=True)
class Partition:
    """Groups of a total that do not overlap: their sum may not exceed it (`women + men <= visitors`).
    A partition of one group says the group is part of the total (`children <= visitors`)."""

    total: str
    parts: tuple[str, ...]

    def rule(self) -> str:
        """The rule as text: `women + men <= visitors`."""
        return f"{' + '.join(self.parts)} <= {self.total}"


Count = Annotated[int, Field(ge=0, le=MAX_COUNT)]
Text = Annotated[str, Field(min_length=1, max_length=200), NoIdNumbers]
OptionalText = Annotated[str | None, Field(default=None, min_length=1, max_length=300), NoIdNumbers]
SubmissionId = Annotated[
    str,
    Field(pattern=UUID_PATTERN, description="A UUID made by the device; stored and compared in lower case."),
    AfterValidator(canonical_id),
]
Url = Annotated[str | None, Field(default=None, max_length=2048, pattern=r"^https?://\S+$")]


class _ReportBody(RequestModel):
    """What every report carries."""

    village_code: str = Field(pattern=areas.VILLAGE_CODE_PATTERN, examples=["33.15.01.2001"])
    date: dt.date = Field(description="The day it happened (YYYY-MM-DD), not before 2010-01-01, at most 1 day ahead.")
    recorded_at: dt.datetime | None = Field(default=None, description="When the device recorded it.")

    partitions: ClassVar[tuple[Partition, ...]] = ()  # the group-versus-total rules of the type

    @field_validator("*", mode="after")
    @classmethod
    def _within_total(cls, value: Any, info: ValidationInfo) -> Any:
        """Checked at the group that makes the sum pass its total (totals are declared before their groups)."""
        for partition in cls.partitions:
            if value is None or info.field_name not in partition.parts or info.data.get(partition.total) is None:
                continue
            upto = partition.parts[: partition.parts.index(info.field_name)]
            counted = value + sum(info.data.get(name) or 0 for name in upto)
            total = info.data[partition.total]
            if counted > total:
                raise ValueError(f"{partition.rule()}: {counted} is more than {partition.total} ({total})")
        return value

    # A date field -> the date field it cannot precede (checked by its validator; read by the forms).
    NOT_BEFORE: ClassVar[dict[str, str]] = {}

    @field_validator("date")
    @classmethod
    def _not_too_early(cls, value: dt.date) -> dt.date:
        if value < EARLIEST_DATE:
            raise ValueError(f"must not be before {EARLIEST_DATE}")
        return value

    def content(self) -> ReportContent:
        """The domain content of this report."""
        common = {"village_code", "date", "recorded_at", "type", "submission_id", "expected_version"}
        fields = {k: v for k, v in self.model_dump(mode="json").items() if k not in common and v is not None}
        kind = ReportType(self.model_dump(include={"type"})["type"])
        return ReportContent(
            village_code=self.village_code, type=kind, date=self.date, fields=fields, recorded_at=self.recorded_at
        )


class VisitsFields(_ReportBody):
    """Library visits (kunjungan pemustaka) on a day."""

    partitions: ClassVar[tuple[Partition, ...]] = (
        Partition("visitors", ("women", "men")),
        Partition("visitors", ("children",)),
        Partition("visitors", ("youth",)),
        Partition("visitors", ("disabled",)),
    )

    type: Literal["visits"]
    visitors: Count
    women: Count | None = None
    men: Count | None = None
    children: Count | None = None
    youth: Count | None = None
    disabled: Count | None = None


class ActivityFields(_ReportBody):
    """A community-engagement activity (pelibatan masyarakat): training, workshop, class..."""

    partitions: ClassVar[tuple[Partition, ...]] = tuple(
        Partition("participants", (group,)) for group in ("women", "youth", "entrepreneurs", "disabled")
    )

    type: Literal["activity"]
    title: Text
    category: Literal["training", "workshop", "seminar", "class", "discussion", "other"]
    topic: OptionalText = None
    partner: OptionalText = None
    participants: Count
    women: Count | None = None
    youth: Count | None = None
    entrepreneurs: Count | None = None
    disabled: Count | None = None


class MediaFields(_ReportBody):
    """Media coverage of the library (ekspos media)."""

    type: Literal["media"]
    outlet: Text
    medium: Literal["online_news", "print", "radio", "tv", "social_media", "other"]
    url: Url = None
    headline: OptionalText = None


class PartnershipFields(_ReportBody):
    """A partnership (kemitraan) with another institution."""

    type: Literal["partnership"]
    partner_name: Text
    partner_kind: Literal["community", "ngo", "government", "private", "school", "religious", "university", "other"]
    agreement: Literal["mou", "letter", "informal"]
    ends_on: dt.date | None = Field(
        default=None,
        description=f"Not before date, not after {LATEST_END_DATE}; {NO_END_DATE} (or none) means no end date.",
    )

    @field_validator("ends_on")
    @classmethod
    def _ends_after_start(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        if value == NO_END_DATE:  # the usual "no end" of forms and spreadsheets: stored as no end date
            return None
        if value is not None and value > LATEST_END_DATE:
            raise ValueError(f"must not be after {LATEST_END_DATE} (use {NO_END_DATE} or leave it out for no end)")
        start = info.data.get("date")
        if value is not None and start is not None and value < start:
            raise ValueError("cannot be before date")
        return value

    NOT_BEFORE = {"ends_on": "date"}


class IctFields(_ReportBody):
    """Computer and internet services (layanan komputer dan internet) on a day."""

    type: Literal["ict"]
    computer_sessions: Count
    internet_users: Count
    trainees: Count | None = None


class VisitsReport(VisitsFields):
    """A visits report."""

    submission_id: SubmissionId


class ActivityReport(ActivityFields):
    """An activity report."""

    submission_id: SubmissionId


class MediaReport(MediaFields):
    """A media report."""

    submission_id: SubmissionId


class PartnershipReport(PartnershipFields):
    """A partnership report."""

    submission_id: SubmissionId


class IctReport(IctFields):
    """An ICT report."""

    submission_id: SubmissionId


ReportIn = Annotated[
    VisitsReport | ActivityReport | MediaReport | PartnershipReport | IctReport, Field(discriminator="type")
]
ReportContentIn = Annotated[
    VisitsFields | ActivityFields | MediaFields | PartnershipFields | IctFields, Field(discriminator="type")
]


@cache
def report_adapter() -> TypeAdapter[Any]:
    """The validator of one report (built on first use: it is the costliest schema of the app)."""
    return TypeAdapter(cast(Any, ReportIn))


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


class VisitsCorrection(VisitsFields):
    """Corrected content of a visits report."""

    expected_version: int = Field(ge=1, description="The version being corrected; 409 when it is not current.")


class ActivityCorrection(ActivityFields):
    """Corrected content of an activity report."""

    expected_version: int = Field(ge=1)


class MediaCorrection(MediaFields):
    """Corrected content of a media report."""

    expected_version: int = Field(ge=1)


class PartnershipCorrection(PartnershipFields):
    """Corrected content of a partnership report."""

    expected_version: int = Field(ge=1)


class IctCorrection(IctFields):
    """Corrected content of an ICT report."""

    expected_version: int = Field(ge=1)


ReportCorrection = Annotated[
    VisitsCorrection | ActivityCorrection | MediaCorrection | PartnershipCorrection | IctCorrection,
    Field(discriminator="type"),
]


@cache
def correction_adapter() -> TypeAdapter[Any]:
    """The validator of a correction (built on first use)."""
    return TypeAdapter(cast(Any, ReportCorrection))


class ItemResultPublic(PublicModel):
    """The outcome for one report: accepted, duplicate (stored once already) or rejected."""

    submission_id: str | None
    status: Literal["accepted", "duplicate", "rejected"]
    version: int | None = None
    errors: list[ErrorInfo] | None = None

    @classmethod
    def of(cls, result: ItemResult) -> ItemResultPublic:
        errors = None
        if result.error is not None:
            details = [{"field": d.field, "message": d.message} for d in result.error.details]
            errors = [
                ErrorInfo.model_validate(
                    {"code": result.error.code, "message": result.error.message, "details": details}
                )
            ]
        return cls(
            submission_id=result.submission_id, status=result.status.value, version=result.version, errors=errors
        )


class BatchResult(PublicModel):
    """Per-report outcomes, in the order sent, and their counts."""

    results: list[ItemResultPublic]
    accepted: int
    duplicates: int
    rejected: int


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
    review_reasons: list[str] = Field(description="Why it needs review (empty when it does not).")
    created_at: dt.datetime
    created_by: str
    updated_at: dt.datetime
    updated_by: str

    @classmethod
    def of(cls, report: Report) -> ReportPublic:
        c = report.content
        return cls(
            submission_id=report.submission_id,
            village_code=c.village_code,
            type=c.type,
            date=c.date,
            recorded_at=c.recorded_at,
            status=report.status.value,
            version=report.version,
            needs_review=report.needs_review,
            review_reasons=list(report.review_reasons) if report.needs_review else [],
            created_at=report.created_at,
            created_by=report.created_by,
            updated_at=report.updated_at,
            updated_by=report.updated_by,
            **c.fields,
        )


class FieldChangePublic(PublicModel):
    """A field's value before and after (null: absent)."""

    field: str
    old: Any = None
    new: Any = None

    @classmethod
    def of(cls, change: FieldChange) -> FieldChangePublic:
        return cls(field=change.field, old=change.old, new=change.new)


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
        history = [
            RevisionPublic(
                version=r.version,
                action=r.action,
                at=r.at,
                by=r.by,
                changes=[FieldChangePublic.of(c) for c in r.changes],
            )
            for r in report.history
        ]
        return cls(report=ReportPublic.of(report), history=history)


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

    @model_validator(mode="after")
    def _range(self) -> ReportListQuery:
        if self.from_ and self.to and self.from_ > self.to:
            raise ValueError("from must not be after to")
        return self


_TAGS = tuple(t.value for t in ReportType)


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
        model = report_adapter().validate_json(json.dumps(item))
    except ValidationError as exc:
        details = tuple(problems_of(exc, prefix, _TAGS))
        return Incoming(sid, None, ItemError("validation_error", "the report is not valid", details))
    return Incoming(model.submission_id, model.content())


def parse_correction(raw: Any) -> tuple[int, ReportContent]:
    """A correction's body as (expected version, new content)."""
    if not isinstance(raw, dict):
        raise InvalidInputError("the body must be a JSON object", details=[FieldProblem("", "expected an object")])
    try:
        model = correction_adapter().validate_json(json.dumps(raw))
    except ValidationError as exc:
        raise InvalidInputError("the correction is not valid", details=problems_of(exc, "", _TAGS)) from exc
    return int(model.expected_version), model.content()
