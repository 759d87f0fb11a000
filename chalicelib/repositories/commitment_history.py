"""A commitment's edits, and its history paged: transitions, actions and edits of one commitment.

Keys (see repositories/advocacy.py): `commitment#<id>#transition#<version>`,
`commitment#<id>#action#<date>#...`, `commitment#<id>#edit#<version>`; each kind is one key range.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from chalicelib.domain.commitment_edits import CommitmentEdit
from chalicelib.domain.commitments import Commitment
from chalicelib.domain.reports import FieldChange
from chalicelib.errors import MalformedRequestError
from chalicelib.repositories.advocacy_items import (
    OPEN,
    ActionItem,
    AdvocacyItem,
    CommitmentItem,
    EditItem,
    TransitionItem,
    commitment_sk,
    commitment_transaction,
)
from chalicelib.repositories.base import condition_held, decode_cursor, encode_cursor

KINDS = {"transition": TransitionItem, "action": ActionItem, "edit": EditItem}


def _edit_of(item: EditItem) -> CommitmentEdit:
    changes = tuple(FieldChange(c["field"], c["old"], c["new"]) for c in item.changes)
    return CommitmentEdit(item.commitment_id, int(item.version), item.at, item.by, changes)


def _domain(item: Any) -> Any:
    return _edit_of(item) if isinstance(item, EditItem) else item.to_domain()


class CommitmentHistory:
    """The history of the commitments of one tenant."""

    def __init__(self, *, tenant_id: str) -> None:
        if not tenant_id:
            raise ValueError("a commitment history needs a tenant")
        self.tenant_id = tenant_id

    def record_edit(self, *, before: Commitment, after: Commitment, edit: CommitmentEdit) -> None:
        """Store an edit atomically with the commitment's new state, on condition that its version is
        still `before.version`; VersionConflictError (nothing written) otherwise."""
        if after.tenant_id != self.tenant_id:
            raise ValueError("the record belongs to another tenant")
        actions: list[Any] = [
            CommitmentItem.version.set(after.version),
            CommitmentItem.updated_at.set(after.updated_at),
            CommitmentItem.description.set(after.description),
            CommitmentItem.due_date.set(after.due_date.isoformat()),
            CommitmentItem.commitment_sort.set(f"{after.due_date.isoformat()}#{after.commitment_id}"),
            CommitmentItem.due_sort.set(f"{after.due_date.isoformat()}#{after.tenant_id}#{after.commitment_id}"),
        ]
        optional: list[tuple[Any, Any]] = [
            (CommitmentItem.amount_idr, after.amount_idr),
            (CommitmentItem.next_step, after.next_step),
            (CommitmentItem.next_step_due, after.next_step_due.isoformat() if after.next_step_due else None),
        ]
        actions += [attribute.remove() if value is None else attribute.set(value) for attribute, value in optional]
        item = EditItem(
            self.tenant_id,
            f"{commitment_sk(after.commitment_id)}#edit#{edit.version:06d}",
            commitment_id=after.commitment_id,
            version=edit.version,
            at=edit.at,
            by=edit.by,
            changes=[{"field": c.field, "old": c.old, "new": c.new} for c in edit.changes],
        )
        with commitment_transaction() as transaction:
            transaction.update(
                CommitmentItem(self.tenant_id, commitment_sk(after.commitment_id)),
                actions=actions,
                # still open (due_key present) and unchanged since it was read
                condition=(CommitmentItem.version == before.version) & CommitmentItem.due_key.exists(),
            )
            transaction.save(item, condition=EditItem.sk.does_not_exist())

    def page(self, commitment_id: str, kind: str, *, limit: int, cursor: str | None) -> tuple[list[Any], str | None]:
        """One page of a commitment's transitions (by version), actions (by date) or edits (by version)."""
        prefix = f"{commitment_sk(commitment_id)}#{kind}#"
        start = decode_cursor(cursor, scope={"tenant_id": self.tenant_id})
        if start is not None and (set(start) != {"tenant_id", "sk"} or not start["sk"]["S"].startswith(prefix)):
            raise MalformedRequestError("the cursor does not belong to this listing", code="invalid_cursor")
        results = AdvocacyItem.query(
            self.tenant_id,
            AdvocacyItem.sk.startswith(prefix),
            limit=limit,
            last_evaluated_key=start,
            consistent_read=True,
        )
        items = [_domain(r) for r in results if isinstance(r, KINDS[kind])]
        return items, encode_cursor(results.last_evaluated_key)


def open_with_next_step_due(by: date) -> list[Commitment]:
    """Every open commitment of every tenant whose next step falls due by `by` and was not yet announced."""
    found = []
    for item in AdvocacyItem.open_by_due.query(OPEN, filter_condition=CommitmentItem.next_step_due <= by.isoformat()):
        if isinstance(item, CommitmentItem) and item.next_step_due and item.next_step_announced != item.next_step_due:
            found.append(item.to_domain())
    return found


def claim_next_step(commitment: Commitment) -> bool:
    """Mark a commitment's current next step announced; False when another run did, or it changed."""
    assert commitment.next_step_due is not None
    due = commitment.next_step_due.isoformat()
    item = CommitmentItem(commitment.tenant_id, commitment_sk(commitment.commitment_id))
    condition = (CommitmentItem.next_step_due == due) & (
        CommitmentItem.next_step_announced.does_not_exist() | (CommitmentItem.next_step_announced != due)
    )
    return condition_held(
        lambda: item.update(actions=[CommitmentItem.next_step_announced.set(due)], condition=condition)
    )


def release_next_step(commitment: Commitment) -> None:
    """Take a claim back (its event was not published): the next run tries again."""
    item = CommitmentItem(commitment.tenant_id, commitment_sk(commitment.commitment_id))
    condition_held(lambda: item.update(actions=[CommitmentItem.next_step_announced.remove()]))
