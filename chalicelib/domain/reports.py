"""Village activity reports: their content, identity, corrections and history.

A report is identified by the `submission_id` its device made. Its *fingerprint* is a hash of
the content as first submitted: a retry with the same content is a duplicate (even after the
office corrected the report), a retry with other content is a conflict.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from chalicelib.errors import ConflictError, DomainError, FieldProblem, InvalidInputError

EARLIEST_DATE = date(2010, 1, 1)


def canonical_id(value: str) -> str:
    """An identifier as stored and compared: lower case (phones write UUIDs in either case)."""
    return value.strip().lower()


MAX_DAYS_AHEAD = 1


class ReportType(StrEnum):
    """What a report is about: the three TPBIS strategies and their measures."""

    VISITS = "visits"
    ACTIVITY = "activity"  # community engagement
    MEDIA = "media"  # media exposure
    PARTNERSHIP = "partnership"
    ICT = "ict"  # computer and internet services


class ReportStatus(StrEnum):
    """Active reports count; void ones are kept for the record and count nowhere."""

    ACTIVE = "active"
    VOID = "void"


@dataclass(frozen=True)
class ReportContent:
    """What a report says (everything but its identity and bookkeeping)."""

    village_code: str
    type: ReportType
    date: date
    fields: dict[str, Any]  # type-specific values; absent optional values are left out
    recorded_at: datetime | None = None

    @property
    def month(self) -> str:
        """The month the report counts in, "YYYY-MM"."""
        return self.date.strftime("%Y-%m")

    def flat(self) -> dict[str, Any]:
        """The content as one flat JSON-able mapping."""
        flat: dict[str, Any] = {
            "village_code": self.village_code,
            "type": self.type.value,
            "date": self.date.isoformat(),
        }
        if self.recorded_at is not None:
            flat["recorded_at"] = self.recorded_at.isoformat()
        flat.update(self.fields)
        return flat

    def fingerprint(self) -> str:
        """A stable hash of the content."""
        canonical = json.dumps(self.flat(), sort_keys=True, separators=(",", ":"), default=str)
        return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class FieldChange:
    """One field's value before and after a revision (None: absent)."""

    field: str
    old: Any
    new: Any


@dataclass(frozen=True)
class Revision:
    """One entry of a report's history."""

    version: int
    action: str  # created | corrected | voided | reviewed
    at: datetime
    by: str  # key id
    changes: tuple[FieldChange, ...] = ()


class Side(StrEnum):
    """Which way a figure left its review range."""

    ABOVE = "above"
    BELOW = "below"


_FLAG_TEXT = re.compile(r"^(\w+) (-?\d+) is (above|below) this regency's review (?:maximum|minimum) (-?\d+)$")


@dataclass(frozen=True)
class ReviewFlag:
    """A figure outside its regency's review range (domain/reviews.py): which, how much, and the bound."""

    field: str
    value: int
    side: Side
    limit: int

    @property
    def reason(self) -> str:
        """The flag as an English sentence (the API's review reasons)."""
        bound = "maximum" if self.side is Side.ABOVE else "minimum"
        return f"{self.field} {self.value} is {self.side.value} this regency's review {bound} {self.limit}"

    @classmethod
    def of_reason(cls, text: str) -> ReviewFlag:
        """A flag from its sentence (`reason`): how flags were first stored."""
        found = _FLAG_TEXT.match(text)
        if not found:
            raise ValueError(f"not a review reason: {text!r}")
        field_, value, side, limit = found.groups()
        return cls(field_, int(value), Side(side), int(limit))


@dataclass(frozen=True)
class Report:
    """A stored report with its history."""

    tenant_id: str
    submission_id: str
    content: ReportContent
    status: ReportStatus
    version: int
    fingerprint: str  # of the content as first submitted
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str
    history: tuple[Revision, ...]
    # Which of its figures are unusual for its tenant (domain/reviews.py); empty once reviewed or when not.
    review_flags: tuple[ReviewFlag, ...] = ()

    @property
    def needs_review(self) -> bool:
        """Whether it waits in the district's review list (a void report does not)."""
        return bool(self.review_flags) and self.status is ReportStatus.ACTIVE

    @classmethod
    def new(
        cls,
        *,
        tenant_id: str,
        submission_id: str,
        content: ReportContent,
        by: str,
        at: datetime,
        review_flags: tuple[ReviewFlag, ...] = (),
    ) -> Report:
        """A report as first received."""
        return cls(
            tenant_id=tenant_id,
            submission_id=submission_id,
            content=content,
            status=ReportStatus.ACTIVE,
            version=1,
            fingerprint=content.fingerprint(),
            created_at=at,
            created_by=by,
            updated_at=at,
            updated_by=by,
            history=(Revision(1, "created", at, by),),
            review_flags=review_flags,
        )

    def corrected(
        self, content: ReportContent, *, by: str, at: datetime, review_flags: tuple[ReviewFlag, ...] = ()
    ) -> Report:
        """This report with new content (its review flags found again); the change joins its history."""
        if self.status is ReportStatus.VOID:
            raise ConflictError("a void report cannot be corrected", code="report_void")
        if content.type is not self.content.type:
            raise InvalidInputError(
                f"a correction keeps the report's type ({self.content.type.value})",
                code="type_changed",
                details=[FieldProblem("type", "void this report and send a new one of the other type")],
            )
        version = self.version + 1
        revision = Revision(version, "corrected", at, by, diff(self.content, content))
        return replace(
            self,
            content=content,
            version=version,
            updated_at=at,
            updated_by=by,
            history=(*self.history, revision),
            review_flags=review_flags,
        )

    def reviewed(self, *, by: str, at: datetime) -> Report:
        """This report taken off the review list: its figures were looked at and stand."""
        version = self.version + 1
        change = FieldChange("needs_review", True, False)
        return replace(
            self,
            version=version,
            updated_at=at,
            updated_by=by,
            history=(*self.history, Revision(version, "reviewed", at, by, (change,))),
            review_flags=(),
        )

    def voided(self, *, by: str, at: datetime) -> Report:
        """This report marked void: kept, counted nowhere."""
        version = self.version + 1
        revision = Revision(version, "voided", at, by, (FieldChange("status", "active", "void"),))
        return replace(
            self,
            status=ReportStatus.VOID,
            version=version,
            updated_at=at,
            updated_by=by,
            history=(*self.history, revision),
        )


def diff(old: ReportContent, new: ReportContent) -> tuple[FieldChange, ...]:
    """The fields whose values differ, in name order."""
    before, after = old.flat(), new.flat()
    return tuple(
        FieldChange(name, before.get(name), after.get(name))
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    )


def date_problems(content: ReportContent, *, today: date) -> list[FieldProblem]:
    """A report may not be dated before 2010 or more than a day after the local today."""
    if content.date > today + timedelta(days=MAX_DAYS_AHEAD):
        latest = today + timedelta(days=MAX_DAYS_AHEAD)
        return [FieldProblem("date", f"is in the future (latest allowed: {latest})", code="in_future")]
    if content.date < EARLIEST_DATE:
        first = EARLIEST_DATE.isoformat()
        return [FieldProblem("date", f"is before {EARLIEST_DATE}", code="too_early", params={"first": first})]
    return []


class ItemStatus(StrEnum):
    """The outcome of one report of a post."""

    ACCEPTED = "accepted"
    DUPLICATE = "duplicate"
    REJECTED = "rejected"


@dataclass(frozen=True)
class ItemError:
    """Why one report of a batch was rejected (the error shape, per item). `kind` is the domain error
    it is, so that a single-report path (OpenRosa, Kobo) raises it as it is, without a table of its own."""

    code: str
    message: str
    details: tuple[FieldProblem, ...] = ()
    kind: type[DomainError] = field(default=InvalidInputError, compare=False, repr=False)

    @classmethod
    def of(cls, error: DomainError) -> ItemError:
        """A domain error as one item's rejection."""
        kind = ConflictError if isinstance(error, ConflictError) else type(error)  # PeriodLockedError takes months
        return cls(error.code, error.message, tuple(error.details), kind)

    def exception(self) -> DomainError:
        """The domain error this rejection is."""
        return self.kind(self.message, code=self.code, details=list(self.details))


@dataclass(frozen=True)
class Incoming:
    """One report of a post as parsed at the edge: its content, or why it is invalid."""

    submission_id: str | None
    content: ReportContent | None
    error: ItemError | None = None


@dataclass(frozen=True)
class ItemResult:
    """The outcome for one report of a post, in the order it was sent."""

    submission_id: str | None
    status: ItemStatus
    error: ItemError | None = None
    version: int | None = None
