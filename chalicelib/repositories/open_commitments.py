"""The reminder job's view of the advocacy table: every tenant's open commitments.

Cross-tenant on purpose, like key lookup for authentication: only the platform's daily job
(and the platform admin's on-demand run) use it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from chalicelib.domain.commitments import Commitment, Stakeholder
from chalicelib.repositories.advocacy_items import (
    OPEN,
    AdvocacyItem,
    CommitmentItem,
    StakeholderItem,
    commitment_sk,
    stakeholder_sk,
)
from chalicelib.repositories.base import batch_get, condition_held


def open_commitments_due_before(before: date) -> Iterator[Commitment]:
    """Every non-final commitment of every tenant whose due date is before `before`, by due date."""
    for item in AdvocacyItem.open_by_due.query(OPEN, AdvocacyItem.due_sort < before.isoformat()):
        if isinstance(item, CommitmentItem):
            yield item.to_domain()


def set_overdue(commitment: Commitment, *, overdue: bool, at: datetime) -> bool:
    """Flag (or unflag) a commitment as overdue; False when someone else did it first or it became
    final meanwhile (the condition makes the job idempotent and race-safe)."""
    item = CommitmentItem(commitment.tenant_id, commitment_sk(commitment.commitment_id))
    actions: list[Any]
    if overdue:
        actions = [CommitmentItem.overdue.set(True), CommitmentItem.overdue_since.set(at)]
        condition = CommitmentItem.due_key.exists() & (CommitmentItem.overdue == False)  # noqa: E712
    else:
        actions = [CommitmentItem.overdue.set(False), CommitmentItem.overdue_since.remove()]
        condition = CommitmentItem.overdue == True  # noqa: E712
    return condition_held(lambda: item.update(actions=actions, condition=condition))


def stakeholders_by_id(tenant_id: str, stakeholder_ids: set[str]) -> dict[str, Stakeholder]:
    """Stakeholders of one tenant by id (for the reminder events)."""
    keys = [(tenant_id, stakeholder_sk(s)) for s in sorted(stakeholder_ids)]
    return {
        item.stakeholder_id: item.to_domain()
        for item in batch_get(AdvocacyItem, keys, consistent_read=False)
        if isinstance(item, StakeholderItem)
    }
