"""Advocacy: stakeholders, the commitments they make, and the workflow a commitment follows until kept."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum

from chalicelib.errors import FieldProblem, InvalidInputError, InvalidTransitionError, VersionConflictError


class StakeholderKind(StrEnum):
    """Who a stakeholder is: the decision makers and partners a regency office advocates to."""

    VILLAGE_HEAD = "village_head"
    REGENT = "regent"
    DPRD = "dprd"
    BAPPEDA = "bappeda"
    GOVERNMENT_OFFICE = "government_office"
    PRIVATE_SECTOR = "private_sector"
    COMMUNITY = "community"
    NGO = "ngo"
    SCHOOL = "school"
    RELIGIOUS = "religious"
    OTHER = "other"


class CommitmentKind(StrEnum):
    """What a stakeholder commits to the libraries."""

    BUDGET = "budget"
    POLICY = "policy"
    FACILITY = "facility"
    STAFF = "staff"
    PROGRAM = "program"
    PARTNERSHIP = "partnership"
    OTHER = "other"


class CommitmentStatus(StrEnum):
    """Where a commitment is in its life."""

    PROPOSED = "proposed"
    COMMITTED = "committed"
    IN_PROGRESS = "in_progress"
    FULFILLED = "fulfilled"
    LAPSED = "lapsed"
    WITHDRAWN = "withdrawn"


class ActionKind(StrEnum):
    """What the office did to win or keep a commitment."""

    MEETING = "meeting"
    AUDIENCE = "audience"
    LETTER = "letter"
    PRESENTATION = "presentation"
    VISIT = "visit"
    FOLLOW_UP = "follow_up"
    OTHER = "other"


_S = CommitmentStatus
TRANSITIONS: dict[CommitmentStatus, tuple[CommitmentStatus, ...]] = {
    _S.PROPOSED: (_S.COMMITTED, _S.WITHDRAWN),
    _S.COMMITTED: (_S.IN_PROGRESS, _S.FULFILLED, _S.LAPSED, _S.WITHDRAWN),
    _S.IN_PROGRESS: (_S.FULFILLED, _S.LAPSED),
    _S.FULFILLED: (),
    _S.LAPSED: (),
    _S.WITHDRAWN: (),
}
FINAL = frozenset(status for status, targets in TRANSITIONS.items() if not targets)
# The transitions the indicators count (commitments made, commitments fulfilled).
COUNTED = frozenset({_S.COMMITTED, _S.FULFILLED})


def allowed_from(status: CommitmentStatus) -> tuple[CommitmentStatus, ...]:
    """The statuses a commitment in `status` may move to (none for a final status)."""
    return TRANSITIONS[status]


@dataclass(frozen=True)
class Stakeholder:
    """A decision maker or partner the office advocates to."""

    stakeholder_id: str
    tenant_id: str
    name: str
    kind: StakeholderKind
    organization: str | None
    position: str | None
    village_code: str | None
    contact: str | None
    created_at: datetime
    updated_at: datetime
    version: int = 1


@dataclass(frozen=True)
class TransitionRequest:
    """A caller asks to move a commitment to another status."""

    to: CommitmentStatus
    expected_version: int
    note: str | None = None
    evidence_url: str | None = None
    realized_amount_idr: int | None = None
    occurred_on: date | None = None


@dataclass(frozen=True)
class Transition:
    """One kept step of a commitment's history."""

    commitment_id: str
    version: int  # the commitment's version after this step
    from_status: CommitmentStatus
    to_status: CommitmentStatus
    at: datetime
    on: date  # the local date of the step (the tenant's province time zone)
    by: str  # the key id of the caller
    note: str | None = None
    evidence_url: str | None = None
    realized_amount_idr: int | None = None


@dataclass(frozen=True)
class Commitment:
    """A stakeholder's promise to the libraries, followed until it is kept, lapses or is withdrawn."""

    commitment_id: str
    tenant_id: str
    stakeholder_id: str
    kind: CommitmentKind
    description: str
    due_date: date
    village_code: str | None
    status: CommitmentStatus
    version: int
    created_at: datetime
    updated_at: datetime
    created_by: str
    amount_idr: int | None = None
    realized_amount_idr: int | None = None
    overdue: bool = False
    next_step: str | None = None
    next_step_due: date | None = None

    @property
    def is_final(self) -> bool:
        """Whether the commitment can no longer change status."""
        return self.status in FINAL

    def transition(
        self, request: TransitionRequest, *, at: datetime, on: date, by: str
    ) -> tuple[Commitment, Transition]:
        """This commitment after `request`, and the history step that records it; refuses a stale
        version (409), a move the workflow does not allow (422) and amounts that break the rules (422)."""
        if request.expected_version != self.version:
            raise VersionConflictError(
                f"the commitment is at version {self.version}, not {request.expected_version}; reload and retry",
                details=[FieldProblem("expected_version", f"current version is {self.version}")],
            )
        allowed = allowed_from(self.status)
        if request.to not in allowed:
            names = ", ".join(allowed) if allowed else "none, it is final"
            raise InvalidTransitionError(
                f"a {self.status} commitment cannot become {request.to}; allowed: {names}",
                details=[FieldProblem("to", f"allowed from {self.status}: {names}")],
            )
        if request.realized_amount_idr is not None and request.to is not CommitmentStatus.FULFILLED:
            raise InvalidInputError(
                "a realized amount is recorded only when a commitment is fulfilled",
                details=[FieldProblem("realized_amount_idr", "only with to = fulfilled")],
            )
        if (
            request.to is CommitmentStatus.FULFILLED
            and self.kind is CommitmentKind.BUDGET
            and request.realized_amount_idr is None
        ):
            raise InvalidInputError(
                "fulfilling a budget commitment needs the realized amount",
                details=[
                    FieldProblem("realized_amount_idr", "required to fulfil a budget commitment", code="required")
                ],
            )
        final = request.to in FINAL
        after = replace(
            self,
            status=request.to,
            version=self.version + 1,
            updated_at=at,
            realized_amount_idr=(
                request.realized_amount_idr if request.realized_amount_idr is not None else self.realized_amount_idr
            ),
            overdue=False if final else self.overdue,
        )
        step = Transition(
            commitment_id=self.commitment_id,
            version=after.version,
            from_status=self.status,
            to_status=request.to,
            at=at,
            on=on,
            by=by,
            note=request.note,
            evidence_url=request.evidence_url,
            realized_amount_idr=request.realized_amount_idr,
        )
        return after, step

    def counted_amount(self, to: CommitmentStatus) -> int | None:
        """The amount a transition to `to` adds to the indicators: the pledged amount when it is
        committed, the realized amount when it is fulfilled."""
        return self.amount_idr if to is CommitmentStatus.COMMITTED else self.realized_amount_idr


def check_new_commitment(*, kind: CommitmentKind, amount_idr: int | None) -> None:
    """Refuse a budget commitment without an amount."""
    if kind is CommitmentKind.BUDGET and amount_idr is None:
        raise InvalidInputError(
            "a budget commitment needs the amount pledged",
            details=[FieldProblem("amount_idr", "required when kind is budget", code="required")],
        )


@dataclass(frozen=True)
class Action:
    """One thing the office did to win or keep a commitment (a meeting, a letter, a visit...)."""

    action_id: str
    commitment_id: str
    date: dt.date
    kind: ActionKind
    note: str
    recorded_at: datetime
    recorded_by: str
    next_step: str | None = None
    next_step_due: dt.date | None = None


def check_action_dates(*, on: date, next_step_due: date | None, today: date) -> None:
    """An action is logged once done (not in the future), and its next step is due after it."""
    problems = []
    if on > today:
        said = "an action is logged once done; the date is in the future"
        problems.append(FieldProblem("date", said, code="in_future"))
    if next_step_due is not None and next_step_due < on:
        problems.append(
            FieldProblem(
                "next_step_due", "must not be before the action's date", code="before", params={"other": "date"}
            )
        )
    if problems:
        raise InvalidInputError("the action's dates are not valid", details=problems)


@dataclass(frozen=True)
class NewStakeholder:
    """What a district admin sends to record a stakeholder."""

    name: str
    kind: StakeholderKind
    organization: str | None = None
    position: str | None = None
    village_code: str | None = None
    contact: str | None = None


@dataclass(frozen=True)
class NewCommitment:
    """What a district admin sends to record a commitment. `village_given` tells an explicit
    `village_code: null` (a regency-level commitment) from an absent one (take the stakeholder's)."""

    stakeholder_id: str
    kind: CommitmentKind
    description: str
    due_date: dt.date
    amount_idr: int | None = None
    village_code: str | None = None
    village_given: bool = False


@dataclass(frozen=True)
class NewAction:
    """What a district admin sends to log an advocacy action."""

    date: dt.date
    kind: ActionKind
    note: str
    next_step: str | None = None
    next_step_due: dt.date | None = None
