"""The advocacy stores as typed ports: stakeholders, commitments, their history, the reminder job's
marks, and the transition facts the indicators count.

A tenant's are bound to it (`TenantStores.advocacy`); no method takes a tenant or a partition.
Every change of a commitment's state is one method that writes it with what goes with it (its
history entry, the rollup's fact), so that no service composes a transaction. The one read across
tenants, every open commitment by due date for the reminder job, is `PlatformStores.open_commitments`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol

if TYPE_CHECKING:  # annotations only: importing the ports loads no domain module
    from chalicelib.domain.commitment_edits import CommitmentEdit
    from chalicelib.domain.commitments import (
        Action,
        Commitment,
        CommitmentStatus,
        Stakeholder,
        StakeholderKind,
        Transition,
    )
    from chalicelib.domain.indicators import TransitionFact

HistoryKind = Literal["transition", "action", "edit"]
Page = tuple[list[Any], str | None]


def scope_of(commitment: Commitment) -> str:
    """The rollup scope a commitment's counted transitions are filed under: its village, or the
    regency when it has none."""
    from chalicelib.domain.rollup_plan import REGENCY_SCOPE

    return commitment.village_code or REGENCY_SCOPE


@dataclass(frozen=True)
class StakeholderQuery:
    """Which stakeholders a listing holds: of one kind, of one village, among `village_codes` (an
    operator's; a stakeholder without a village is the regency's, not theirs)."""

    kind: StakeholderKind | None = None
    village_code: str | None = None
    village_codes: frozenset[str] | None = None


@dataclass(frozen=True)
class CommitmentQuery:
    """Which commitments a listing holds: by status, overdue flag, stakeholder, village, among
    `village_codes` (an operator's), due before a date."""

    status: CommitmentStatus | None = None
    overdue: bool | None = None
    stakeholder_id: str | None = None
    village_code: str | None = None
    village_codes: frozenset[str] | None = None
    due_before: dt.date | None = None


class StakeholderStore(Protocol):
    """The stakeholders of one tenant, by id."""

    def add(self, stakeholder: Stakeholder) -> None:
        """Store a new stakeholder (ValueError for one of another tenant; RuntimeError, nothing
        written, when its id is taken)."""
        ...

    def get(self, stakeholder_id: str) -> Stakeholder | None:
        """The stakeholder, or None."""
        ...

    def get_many(self, stakeholder_ids: Iterable[str]) -> dict[str, Stakeholder]:
        """The stored stakeholders among these ids, by id (absent ids are left out)."""
        ...

    def update(self, stakeholder_id: str, changes: Mapping[str, Any], *, at: dt.datetime) -> Stakeholder:
        """Set these fields (a None clears one), the update time, and one more version; the
        stakeholder as stored after. NotFoundError (nothing written) when there is none."""
        ...

    def page(self, query: StakeholderQuery, *, limit: int, cursor: str | None) -> tuple[list[Stakeholder], str | None]:
        """One page of the stakeholders the query holds, in id order. The limit counts what is read
        before the filters: a page may hold fewer (even none) while a cursor follows; the cursor is
        None after the last page, and one of another tenant or listing is refused (MalformedRequestError)."""
        ...


class CommitmentStore(Protocol):
    """The commitments of one tenant: their current state, and each change of it with the history
    entry (and fact) it leaves."""

    def add(self, commitment: Commitment) -> None:
        """Store a new commitment (ValueError for one of another tenant; RuntimeError, nothing written,
        when its id is taken). A commitment not final is open: the reminder job sees it."""
        ...

    def get(self, commitment_id: str) -> Commitment | None:
        """The commitment's current state, or None."""
        ...

    def page(self, query: CommitmentQuery, *, limit: int, cursor: str | None) -> tuple[list[Commitment], str | None]:
        """One page of the commitments the query holds, by due date; paged as `StakeholderStore.page`
        (a cursor of the tenant's listing is refused by a stakeholder's, and the other way round)."""
        ...

    def of_stakeholder(self, stakeholder_id: str, *, village_codes: frozenset[str] | None) -> list[Commitment]:
        """Every commitment of a stakeholder (among `village_codes` when given), by due date."""
        ...

    def transition(self, *, before: Commitment, after: Commitment, step: Transition, counted: bool) -> None:
        """Store `after`, its history step and, when `counted`, the fact the indicators count, all or
        nothing, on condition that the stored commitment is still at `before.version`: VersionConflictError
        (nothing written) otherwise. A final `after` leaves the open commitments and is never overdue."""
        ...

    def edit(self, *, before: Commitment, after: Commitment, edit: CommitmentEdit) -> None:
        """Store an edited `after` (description, due date, amounts, next step) with its history entry,
        both or neither, on condition that the stored commitment is still open and at `before.version`:
        VersionConflictError (nothing written) otherwise."""
        ...


class CommitmentHistory(Protocol):
    """What happened to the commitments of one tenant: transitions, advocacy actions and edits."""

    def add_action(self, action: Action) -> None:
        """Store an advocacy action of a commitment."""
        ...

    def of(self, commitment_id: str) -> tuple[Commitment, list[Transition], list[Action]] | None:
        """The commitment with its transitions (by version) and actions (by date, then recording), in
        one strongly consistent read; None when there is no such commitment."""
        ...

    def page(self, commitment_id: str, kind: HistoryKind, *, limit: int, cursor: str | None) -> Page:
        """One page of a commitment's transitions (by version), actions (by date) or edits (by version)
        (Transition, Action, CommitmentEdit); a cursor of another commitment or kind is refused."""
        ...


class ReminderMarks(Protocol):
    """What the reminder job marks on one tenant's commitments, each mark one conditional write, so
    that of two runs only one announces a commitment."""

    def set_overdue(self, commitment_id: str, *, overdue: bool, at: dt.datetime) -> bool:
        """Flag an open, unflagged commitment overdue (or unflag a flagged one); False (nothing
        written) when it is not in that state, e.g. another run flagged it or it became final."""
        ...

    def claim_next_step(self, commitment_id: str, *, due: dt.date) -> bool:
        """Mark the next step due on `due` announced; False (nothing written) when that step is not
        the commitment's any more, or was announced already."""
        ...

    def release_next_step(self, commitment_id: str) -> None:
        """Take a claim back (its event was not published): the next run claims it again. Nothing is
        written for a commitment that is not stored."""
        ...


class TransitionFacts(Protocol):
    """The counted transitions (to committed or fulfilled) of one tenant's commitments, by scope."""

    def between(self, scope: str, start: dt.date, end: dt.date) -> list[TransitionFact]:
        """The facts of a scope (a village code or the regency's) dated start..end inclusive, by date."""
        ...

    def months(self) -> set[tuple[str, str]]:
        """Every (month, scope) with a fact."""
        ...

    def every_fact(self) -> dict[str, list[TransitionFact]]:
        """Every fact of the tenant by scope, by date (one paged query)."""
        ...


class OpenCommitments(Protocol):
    """Every tenant's open (not final) commitments: for the reminder job only."""

    def due_before(self, before: dt.date) -> Iterator[Commitment]:
        """Those due before `before`, by due date."""
        ...

    def next_steps_due(self, by: dt.date) -> list[Commitment]:
        """Those whose next step falls due by `by` and was not announced yet, by due date."""
        ...


@dataclass(frozen=True)
class AdvocacyStores:
    """The advocacy stores of one tenant."""

    stakeholders: StakeholderStore
    commitments: CommitmentStore
    history: CommitmentHistory
    reminders: ReminderMarks
    facts: TransitionFacts
