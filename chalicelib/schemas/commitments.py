"""Stakeholder, commitment, transition and advocacy-action requests and responses."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, ClassVar

from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

from chalicelib import areas
from chalicelib.clock import utcnow
from chalicelib.domain.commitments import (
    Action,
    ActionKind,
    Commitment,
    CommitmentKind,
    CommitmentStatus,
    Stakeholder,
    StakeholderKind,
    Transition,
)
from chalicelib.domain.reports import EARLIEST_DATE, MAX_DAYS_AHEAD
from chalicelib.schemas.common import (
    WEB_ADDRESS,
    NoIdNumbers,
    PageQuery,
    PersonalText,
    PublicModel,
    RequestModel,
    Shows,
    not_too_early,
)

MAX_IDR = 10**13  # ten trillion rupiah: above the whole yearly budget (APBD) of any regency
MAX_YEARS_AHEAD = 10  # a due date further ahead is a typo (a year 2206 for 2026), not a plan
# Free text about a person or an office: no 16-digit personal ID number (NIK) in it.
Name = Annotated[str, Field(min_length=1, max_length=200), NoIdNumbers]
OptionalName = Annotated[str | None, Field(default=None, max_length=200), NoIdNumbers]


def _done(value: dt.date) -> dt.date:
    """A day something was done: from 2010 (as reports) to tomorrow; the service holds the exact bound,
    the local today of the regency."""
    not_too_early(value)
    latest = utcnow().date() + dt.timedelta(days=MAX_DAYS_AHEAD)
    if value > latest:
        raise PydanticCustomError("in_future", "must not be in the future")
    return value


def _due(value: dt.date) -> dt.date:
    """A day something is due: from 2010 (a past date records history) to MAX_YEARS_AHEAD years ahead."""
    not_too_early(value)
    today = utcnow().date()
    leap_day = (today.month, today.day) == (2, 29)
    latest = today.replace(year=today.year + MAX_YEARS_AHEAD, day=28 if leap_day else today.day)
    if value > latest:
        raise PydanticCustomError(
            "too_far_ahead",
            "must not be more than {years} years ahead (latest allowed: {latest})",
            {"years": MAX_YEARS_AHEAD, "latest": latest.isoformat()},
        )
    return value


DoneOn = Annotated[dt.date, AfterValidator(_done)]
DueOn = Annotated[dt.date, AfterValidator(_due)]


class StakeholderCreate(RequestModel):
    """A decision maker or partner to advocate to (no personal ID numbers in any of its texts)."""

    name: Name = Field(examples=["H. Sutrisno"])
    kind: StakeholderKind
    organization: OptionalName = Field(default=None, examples=["Pemerintah Desa Tarub"])
    position: OptionalName = Field(default=None, examples=["Kepala Desa"])
    village_code: str | None = Field(default=None, pattern=areas.VILLAGE_CODE_PATTERN)
    contact: OptionalName = Field(default=None, description="Phone or e-mail.")


class StakeholderUpdate(RequestModel):
    """Fields to change; a field sent as null is cleared (name and kind cannot be cleared)."""

    name: Annotated[str | None, Field(default=None, min_length=1, max_length=200), NoIdNumbers] = None
    kind: StakeholderKind | None = None
    organization: OptionalName = None
    position: OptionalName = None
    village_code: str | None = Field(default=None, pattern=areas.VILLAGE_CODE_PATTERN)
    contact: OptionalName = None


class StakeholderPublic(Shows[Stakeholder]):
    """A stakeholder as the API shows it."""

    stakeholder_id: str
    name: str
    kind: StakeholderKind
    organization: str | None
    position: str | None
    village_code: str | None
    contact: str | None
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int


class StakeholderListQuery(PageQuery):
    """Filter stakeholders by kind and village."""

    kind: StakeholderKind | None = None
    village_code: str | None = Field(default=None, pattern=areas.VILLAGE_CODE_PATTERN)


class StakeholderPage(PublicModel):
    """One page of stakeholders."""

    items: list[StakeholderPublic]
    next_cursor: str | None = None


class CommitmentCreate(RequestModel):
    """A commitment a stakeholder made or is asked for. Without `village_code` it takes the stakeholder's
    village; send `village_code: null` for a regency-level commitment of a village stakeholder."""

    multiline: ClassVar[frozenset[str]] = frozenset({"description"})

    stakeholder_id: str = Field(min_length=1, max_length=64)
    kind: CommitmentKind
    description: PersonalText = Field(min_length=1, max_length=2000)
    amount_idr: int | None = Field(default=None, ge=1, le=MAX_IDR, description="Required for a budget commitment.")
    due_date: DueOn = Field(
        description=f"When it should be kept; a past date records history. From {EARLIEST_DATE}, "
        f"at most {MAX_YEARS_AHEAD} years ahead."
    )
    village_code: str | None = Field(default=None, pattern=areas.VILLAGE_CODE_PATTERN)


class CommitmentPublic(Shows[Commitment]):
    """A commitment as listed."""

    commitment_id: str
    stakeholder_id: str
    kind: CommitmentKind
    description: str
    amount_idr: int | None
    realized_amount_idr: int | None
    due_date: dt.date
    village_code: str | None
    status: CommitmentStatus
    version: int
    overdue: bool
    next_step: str | None = None
    next_step_due: dt.date | None = None
    created_at: dt.datetime
    updated_at: dt.datetime


class TransitionCreate(RequestModel):
    """Move a commitment to another status."""

    multiline: ClassVar[frozenset[str]] = frozenset({"note"})
    to: CommitmentStatus
    expected_version: int = Field(ge=1, description="The version the caller last read; a stale one answers 409.")
    note: PersonalText | None = Field(default=None, max_length=2000)
    evidence_url: str | None = Field(default=None, max_length=2000, pattern=WEB_ADDRESS)
    realized_amount_idr: int | None = Field(
        default=None, ge=0, le=MAX_IDR, description="Required to fulfil a budget commitment."
    )
    occurred_on: DoneOn | None = Field(
        default=None,
        description=f"When it happened, if not today: it counts in that period. From {EARLIEST_DATE}, "
        "not in the future.",
    )


class TransitionPublic(Shows[Transition]):
    """One step of a commitment's history."""

    version: int
    from_status: CommitmentStatus
    to_status: CommitmentStatus
    at: dt.datetime
    on: dt.date
    by: str
    note: str | None
    evidence_url: str | None
    realized_amount_idr: int | None


class ActionCreate(RequestModel):
    """Log what the office did for a commitment."""

    multiline: ClassVar[frozenset[str]] = frozenset({"note", "next_step"})
    date: DoneOn = Field(description=f"When it was done: from {EARLIEST_DATE}, not in the future.")
    kind: ActionKind
    note: PersonalText = Field(min_length=1, max_length=4000)
    next_step: PersonalText | None = Field(default=None, max_length=2000)
    next_step_due: DueOn | None = Field(
        default=None, description=f"Not before `date`, at most {MAX_YEARS_AHEAD} years ahead."
    )


class ActionPublic(Shows[Action]):
    """One advocacy action."""

    action_id: str
    date: dt.date
    kind: ActionKind
    note: str
    next_step: str | None
    next_step_due: dt.date | None
    recorded_at: dt.datetime
    recorded_by: str


class CommitmentDetail(CommitmentPublic):
    """A commitment with its history (by version) and its advocacy actions (by date)."""

    transitions: list[TransitionPublic]
    actions: list[ActionPublic]


class StakeholderDetail(StakeholderPublic):
    """A stakeholder with its commitments (by due date)."""

    commitments: list[CommitmentPublic]


class CommitmentListQuery(PageQuery):
    """Filter commitments (listed by due date)."""

    status: CommitmentStatus | None = None
    overdue: bool | None = None
    stakeholder_id: str | None = Field(default=None, min_length=1, max_length=64)
    village_code: str | None = Field(default=None, pattern=areas.VILLAGE_CODE_PATTERN)
    due_before: dt.date | None = Field(default=None, description="only those due before this date (the week ahead)")


class CommitmentPage(PublicModel):
    """One page of commitments."""

    items: list[CommitmentPublic]
    next_cursor: str | None = None


class ReminderRunSummary(PublicModel):
    """What one run of the overdue-reminder job did."""

    checked: int = Field(description="Open commitments past due somewhere in Indonesia, examined.")
    newly_overdue: int = Field(description="Commitments flagged overdue by this run.")
    events_published: int = Field(description="CommitmentOverdue events sent to the event bus.")
    cleared: int = Field(description="Overdue flags this run removed from commitments no longer past due.")
    next_steps_announced: int = Field(default=0, description="CommitmentNextStepDue events sent to the event bus.")


class TransitionResult(PublicModel):
    """The commitment after the transition, and the history step that records it."""

    commitment: CommitmentPublic
    transition: TransitionPublic
