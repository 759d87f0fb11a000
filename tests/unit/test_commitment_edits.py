"""Editing a commitment: which fields may change, when, and the history entry an edit leaves (no AWS)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from chalicelib.domain.commitment_edits import EDITABLE, CommitmentEdit, edited
from chalicelib.domain.commitments import Commitment, CommitmentKind, CommitmentStatus
from chalicelib.domain.reports import FieldChange
from chalicelib.errors import InvalidInputError, InvalidTransitionError, VersionConflictError
from tests.support.commitments import commitment

S = CommitmentStatus
LATER = datetime(2026, 11, 4, 5, 0, tzinfo=UTC)


def _edit(
    changes: dict[str, Any], status: S = S.PROPOSED, kind: CommitmentKind = CommitmentKind.POLICY, **kw: Any
) -> tuple[Commitment, CommitmentEdit | None]:
    """`changes` made at the commitment's own version."""
    current = commitment(status, kind, **kw)
    return edited(current, changes, expected_version=current.version, at=LATER, by="editor")


def test_an_edit_bumps_the_version_and_records_each_changed_field_with_dates_as_text() -> None:
    after, entry = _edit({"description": "Perbup", "due_date": date(2027, 3, 31), "next_step": None})
    assert after.version == 4 and after.updated_at == LATER
    assert after.description == "Perbup" and after.due_date == date(2027, 3, 31)
    assert entry is not None
    assert (entry.commitment_id, entry.version, entry.at, entry.by) == ("00000000000000aa", 4, LATER, "editor")
    assert entry.changes == (
        FieldChange("description", "Perdes perpustakaan desa", "Perbup"),
        FieldChange("due_date", "2026-12-31", "2027-03-31"),
    )


def test_an_edit_that_changes_nothing_is_a_retry_and_leaves_no_entry_even_at_an_old_version() -> None:
    current = commitment()
    after, entry = edited(current, {"description": current.description}, expected_version=1, at=LATER, by="e")
    assert after is current and entry is None


def test_an_edit_at_a_stale_version_is_a_conflict() -> None:
    current = commitment()
    with pytest.raises(VersionConflictError) as conflict:
        edited(current, {"description": "Perbup"}, expected_version=2, at=LATER, by="e")
    assert conflict.value.details[0].field == "expected_version"


@pytest.mark.parametrize("status", [S.FULFILLED, S.LAPSED, S.WITHDRAWN])
def test_a_final_commitment_cannot_be_edited(status: S) -> None:
    with pytest.raises(InvalidTransitionError):
        _edit({"description": "Perbup"}, status)


def test_a_field_outside_the_editable_ones_is_a_programming_error() -> None:
    assert "status" not in EDITABLE
    with pytest.raises(ValueError, match="not editable"):
        _edit({"status": "committed"})


@pytest.mark.parametrize("field", ["description", "due_date"])
def test_a_required_field_cannot_be_cleared(field: str) -> None:
    with pytest.raises(InvalidInputError) as refused:
        _edit({field: None})
    assert [(p.field, p.message) for p in refused.value.details] == [(field, "cannot be cleared")]


def test_the_pledged_amount_can_change_while_proposed_but_not_once_committed() -> None:
    after, _ = _edit({"amount_idr": 30_000_000}, S.PROPOSED, CommitmentKind.BUDGET)
    assert after.amount_idr == 30_000_000
    with pytest.raises(InvalidInputError) as refused:
        _edit({"amount_idr": 30_000_000}, S.COMMITTED, CommitmentKind.BUDGET)
    assert refused.value.details[0].field == "amount_idr"


def test_a_budget_commitment_keeps_its_pledged_amount_while_other_kinds_may_drop_it() -> None:
    with pytest.raises(InvalidInputError):
        _edit({"amount_idr": None}, S.PROPOSED, CommitmentKind.BUDGET)
    after, _ = _edit({"amount_idr": None}, S.PROPOSED, CommitmentKind.FACILITY, amount_idr=5_000_000)
    assert after.amount_idr is None


def test_a_next_step_due_date_needs_the_step_itself() -> None:
    with pytest.raises(InvalidInputError) as refused:
        _edit({"next_step_due": date(2026, 11, 20)})
    assert [(d.field, d.code) for d in refused.value.details] == [("next_step", "required")], "the step it lacks"
    after, _ = _edit({"next_step": "Rapat", "next_step_due": date(2026, 11, 20)})
    assert (after.next_step, after.next_step_due) == ("Rapat", date(2026, 11, 20))


def test_clearing_the_next_step_clears_its_due_date_too() -> None:
    after, entry = _edit({"next_step": None}, next_step="Rapat", next_step_due=date(2026, 11, 20))
    assert (after.next_step, after.next_step_due) == (None, None)
    assert entry is not None
    assert [c.field for c in entry.changes] == ["next_step", "next_step_due"]
