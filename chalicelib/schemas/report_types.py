"""The report types: one model per type, each field declared once, discriminated by `type`.

Each type's model is the content of a report (what the forms are built from); a posted report adds
its `submission_id`, a correction its `expected_version`: those variants are derived from the type
models, not written again. Only counts: no field takes a person's name or ID number, and free text
that carries a 16-digit number (the shape of an Indonesian NIK) is refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, Union, cast

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    create_model,
    field_validator,
)
from pydantic_core import PydanticCustomError

from chalicelib import areas
from chalicelib.domain.periods import LATEST_DATE as LATEST_END_DATE
from chalicelib.domain.periods import NO_END_DATE
from chalicelib.domain.reports import ReportContent, ReportType, canonical_id
from chalicelib.schemas.common import WEB_ADDRESS, NoIdNumbers, RequestModel, before, described, not_too_early

UUID_PATTERN = described(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
    "a UUID such as 6f1c2a9e-5b7d-4c3e-9a8f-1d2e3f4a5b6c",
    "uuid",
)

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


def _from_text(kind: type[dt.date]) -> BeforeValidator:
    """A date or datetime read from the decoded JSON body as strictly as from JSON text (ISO text only,
    with the same errors), so that a body is validated once, as it was decoded, not re-encoded first."""
    adapter: TypeAdapter[dt.date] = TypeAdapter(kind)
    name = kind.__name__

    def parse(value: Any) -> Any:
        if type(value) is kind:
            return value
        if not isinstance(value, str):
            raise PydanticCustomError(f"{name}_type", f"Input should be a valid {name}")
        try:
            return adapter.validate_strings(value, strict=True)
        except ValidationError as exc:
            error = exc.errors(include_url=False)[0]
            raise PydanticCustomError(error["type"], "{msg}", {"msg": error["msg"]}) from None

    return BeforeValidator(parse)


# Any time a device clock can show (one reset to the Unix epoch included) and the store can hold in UTC.
MOMENTS = (dt.datetime(1970, 1, 1, tzinfo=dt.UTC), dt.datetime(2100, 1, 1, tzinfo=dt.UTC))


def _storable(value: dt.datetime) -> dt.datetime:
    """A moment from 1970 to 2099 in UTC (a time without an offset is read as UTC, as it is stored)."""
    try:
        utc = value.astimezone(dt.UTC) if value.tzinfo else value.replace(tzinfo=dt.UTC)
    except OverflowError:  # its offset takes it past year 1 or 9999
        utc = None
    if utc is None or not MOMENTS[0] <= utc < MOMENTS[1]:
        raise PydanticCustomError("datetime_range", "must be a date and time from 1970 to 2099")
    return value


Day = Annotated[dt.date, _from_text(dt.date)]
Moment = Annotated[dt.datetime, _from_text(dt.datetime), AfterValidator(_storable)]
Count = Annotated[int, Field(ge=0, le=MAX_COUNT)]
Text = Annotated[str, Field(min_length=1, max_length=200), NoIdNumbers]
OptionalText = Annotated[str | None, Field(default=None, min_length=1, max_length=300), NoIdNumbers]
SubmissionId = Annotated[
    str,
    Field(pattern=UUID_PATTERN, description="A UUID made by the device; stored and compared in lower case."),
    AfterValidator(canonical_id),
]
Url = Annotated[
    str | None,
    Field(
        default=None,
        max_length=2048,
        pattern=WEB_ADDRESS,
    ),
]
_COMMON = frozenset({"village_code", "date", "recorded_at", "type", "submission_id", "expected_version"})


class ReportFields(RequestModel):
    """What every report carries."""

    village_code: str = Field(pattern=areas.VILLAGE_CODE_PATTERN, examples=["33.15.01.2001"])
    date: Day = Field(description="The day it happened (YYYY-MM-DD), not before 2010-01-01, at most 1 day ahead.")
    recorded_at: Moment | None = Field(default=None, description="When the device recorded it.")

    one: ClassVar[str] = "a report"  # how the docs name one report of the type
    partitions: ClassVar[tuple[Partition, ...]] = ()  # the group-versus-total rules of the type
    # A date field -> the date field it cannot precede (checked by its validator; read by the forms).
    NOT_BEFORE: ClassVar[dict[str, str]] = {}

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
                raise PydanticCustomError(
                    "parts_exceed_total",
                    "{rule}: {counted} is more than {total_field} ({total})",
                    {"rule": partition.rule(), "counted": counted, "total_field": partition.total, "total": total},
                )
        return value

    @field_validator("date")
    @classmethod
    def _not_too_early(cls, value: dt.date) -> dt.date:
        return not_too_early(value)

    def content(self) -> ReportContent:
        """The domain content of this report."""
        fields = {k: v for k, v in self.model_dump(mode="json").items() if k not in _COMMON and v is not None}
        kind = ReportType(self.model_dump(include={"type"})["type"])
        return ReportContent(
            village_code=self.village_code, type=kind, date=self.date, fields=fields, recorded_at=self.recorded_at
        )


class VisitsFields(ReportFields):
    """Library visits (kunjungan pemustaka) on a day."""

    one = "a visits report"
    partitions = (
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


class ActivityFields(ReportFields):
    """A community-engagement activity (pelibatan masyarakat): training, workshop, class..."""

    one = "an activity report"
    partitions = tuple(Partition("participants", (group,)) for group in ("women", "youth", "entrepreneurs", "disabled"))

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


class MediaFields(ReportFields):
    """Media coverage of the library (ekspos media)."""

    one = "a media report"

    type: Literal["media"]
    outlet: Text
    medium: Literal["online_news", "print", "radio", "tv", "social_media", "other"]
    url: Url = None
    headline: OptionalText = None


class PartnershipFields(ReportFields):
    """A partnership (kemitraan) with another institution."""

    one = "a partnership report"
    NOT_BEFORE = {"ends_on": "date"}

    type: Literal["partnership"]
    partner_name: Text
    partner_kind: Literal["community", "ngo", "government", "private", "school", "religious", "university", "other"]
    agreement: Literal["mou", "letter", "informal"]
    ends_on: Day | None = Field(
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
            raise before("date")
        return value


class IctFields(ReportFields):
    """Computer and internet services (layanan komputer dan internet) on a day."""

    one = "an ICT report"

    type: Literal["ict"]
    computer_sessions: Count
    internet_users: Count
    trainees: Count | None = None


TYPES: dict[ReportType, type[ReportFields]] = {
    ReportType.VISITS: VisitsFields,
    ReportType.ACTIVITY: ActivityFields,
    ReportType.MEDIA: MediaFields,
    ReportType.PARTNERSHIP: PartnershipFields,
    ReportType.ICT: IctFields,
}
TAGS = tuple(t.value for t in TYPES)


def _variants(role: str, doc: Callable[[str], str], **extra: Any) -> tuple[type[ReportFields], ...]:
    """Each type's model with `extra` fields: VisitsReport, ActivityReport... (names kept for the spec)."""
    return tuple(
        create_model(
            model.__name__.removesuffix("Fields") + role,
            __base__=model,
            __doc__=doc(model.one),
            __module__=__name__,
            **extra,
        )
        for model in TYPES.values()
    )


REPORTS = _variants("Report", lambda one: f"{one[0].upper()}{one[1:]}.", submission_id=(SubmissionId, ...))
CORRECTIONS = _variants(
    "Correction",
    lambda one: f"Corrected content of {one}.",
    expected_version=(int, Field(ge=1, description="The version being corrected; 409 when it is not current.")),
)

if TYPE_CHECKING:
    ReportIn = ReportFields
    ReportCorrection = ReportFields
else:
    ReportIn = Annotated[Union[REPORTS], Field(discriminator="type")]  # noqa: UP007 (a union of a tuple)
    ReportCorrection = Annotated[Union[CORRECTIONS], Field(discriminator="type")]  # noqa: UP007


@cache
def report_adapter() -> TypeAdapter[Any]:
    """The validator of one report (built on first use: it is the costliest schema of the app)."""
    return TypeAdapter(cast(Any, ReportIn))


@cache
def correction_adapter() -> TypeAdapter[Any]:
    """The validator of a correction (built on first use)."""
    return TypeAdapter(cast(Any, ReportCorrection))
