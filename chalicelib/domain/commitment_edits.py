"""Editing a commitment (PATCH): which fields may change, when, and the history entry it leaves."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from chalicelib.domain.commitments import Commitment, CommitmentKind, CommitmentStatus
from chalicelib.domain.reports import FieldChange
from chalicelib.errors import FieldProblem, InvalidInputError, InvalidTransitionError, VersionConflictError

EDITABLE = ("description", "due_date", "amount_idr", "next_step", "next_step_due")
_REQUIRED = ("description", "due_date")


@dataclass(frozen=True)
class CommitmentEdit:
    """One kept edit of a commitment."""

    commitment_id: str
    version: int  # the commitment's version after the edit
    at: dt.datetime
    by: str
    changes: tuple[FieldChange, ...]  # dates as ISO text


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def edited(
    current: Commitment, changes: dict[str, Any], *, expected_version: int, at: dt.datetime, by: str
) -> tuple[Commitment, CommitmentEdit | None]:
    """The commitment after `changes` (a None clears an optional field) and the history entry; None
    for the entry when nothing differs (a retried edit). Refuses a stale version (409), an edit of a
    final commitment (422) and values that break the rules (422)."""
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise ValueError(f"not editable: {unknown}")
    merged = {name: changes.get(name, getattr(current, name)) for name in EDITABLE}
    if "next_step" in changes and changes["next_step"] is None and "next_step_due" not in changes:
        merged["next_step_due"] = None  # clearing the step clears its due date
    differing = [name for name in EDITABLE if merged[name] != getattr(current, name)]
    if not differing:
        return current, None
    if expected_version != current.version:
        raise VersionConflictError(
            f"the commitment is at version {current.version}, not {expected_version}; reload and retry",
            details=[FieldProblem("expected_version", f"current version is {current.version}")],
        )
    if current.is_final:
        raise InvalidTransitionError(
            f"a {current.status} commitment is final and cannot be edited",
            details=[FieldProblem("status", "final")],
        )
    problems = [FieldProblem(name, "cannot be cleared", code="required") for name in _REQUIRED if merged[name] is None]
    if "amount_idr" in differing:
        if current.status is not CommitmentStatus.PROPOSED:
            problems.append(
                FieldProblem(
                    "amount_idr", f"counted since the commitment was made; it cannot change once {current.status}"
                )
            )
        elif current.kind is CommitmentKind.BUDGET and merged["amount_idr"] is None:
            problems.append(FieldProblem("amount_idr", "a budget commitment needs the amount pledged", code="required"))
    if merged["next_step_due"] is not None and merged["next_step"] is None:
        problems.append(FieldProblem("next_step", "required with next_step_due: give the step itself", code="required"))
    if problems:
        raise InvalidInputError("the edit is not valid", details=problems)
    after = replace(current, version=current.version + 1, updated_at=at, **{name: merged[name] for name in differing})
    entry = CommitmentEdit(
        commitment_id=current.commitment_id,
        version=after.version,
        at=at,
        by=by,
        changes=tuple(FieldChange(n, _plain(getattr(current, n)), _plain(merged[n])) for n in differing),
    )
    return after, entry
