"""Commitment edits and paged history: requests and responses."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import Field

from chalicelib.domain.commitment_edits import CommitmentEdit
from chalicelib.domain.reports import EARLIEST_DATE
from chalicelib.schemas.commitments import MAX_IDR, MAX_YEARS_AHEAD, ActionPublic, DueOn, TransitionPublic
from chalicelib.schemas.common import PersonalText, PublicModel, RequestModel, Shows


class CommitmentUpdate(RequestModel):
    """The fields to change (null clears an optional one), and the version last read."""

    expected_version: int = Field(ge=1, description="The version the caller last read; a stale one answers 409.")
    description: PersonalText | None = Field(default=None, min_length=1, max_length=2000)
    due_date: DueOn | None = Field(
        default=None, description=f"From {EARLIEST_DATE}, at most {MAX_YEARS_AHEAD} years ahead."
    )
    amount_idr: int | None = Field(default=None, ge=1, le=MAX_IDR, description="Only while the commitment is proposed.")
    next_step: PersonalText | None = Field(default=None, min_length=1, max_length=2000)
    next_step_due: DueOn | None = Field(
        default=None, description=f"From {EARLIEST_DATE}, at most {MAX_YEARS_AHEAD} years ahead."
    )

    def changes(self) -> dict[str, Any]:
        """The fields sent, without the version."""
        return {k: v for k, v in self.model_dump(exclude_unset=True).items() if k != "expected_version"}


class FieldChangePublic(PublicModel):
    """One changed field."""

    field: str
    old: Any
    new: Any


class EditPublic(Shows[CommitmentEdit]):
    """One edit of a commitment."""

    version: int
    at: dt.datetime
    by: str
    changes: list[FieldChangePublic]


class TransitionPage(PublicModel):
    """One page of a commitment's transitions, by version."""

    items: list[TransitionPublic]
    next_cursor: str | None = None


class ActionPage(PublicModel):
    """One page of a commitment's advocacy actions, by date."""

    items: list[ActionPublic]
    next_cursor: str | None = None


class EditPage(PublicModel):
    """One page of a commitment's edits, by version."""

    items: list[EditPublic]
    next_cursor: str | None = None
