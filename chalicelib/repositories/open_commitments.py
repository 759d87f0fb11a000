"""The reminder job's view of the advocacy table: every tenant's open commitments, and the marks
the job leaves on one tenant's commitments (overdue, next step announced).

The read is cross-tenant on purpose, like key lookup for authentication: only the platform's daily
job (and the platform admin's on-demand run) use it. The marks are bound to a tenant.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from chalicelib.domain.commitments import Commitment
from chalicelib.repositories.advocacy_items import OPEN, AdvocacyItem, CommitmentItem, commitment_sk
from chalicelib.repositories.base import condition_held


class OpenCommitmentRepository:
    """Every tenant's open commitments, by due date (the sparse `open_by_due` index)."""

    def due_before(self, before: date) -> Iterator[Commitment]:
        for item in AdvocacyItem.open_by_due.query(OPEN, AdvocacyItem.due_sort < before.isoformat()):
            if isinstance(item, CommitmentItem):
                yield item.to_domain()

    def next_steps_due(self, by: date) -> list[Commitment]:
        due = CommitmentItem.next_step_due <= by.isoformat()
        return [
            item.to_domain()
            for item in AdvocacyItem.open_by_due.query(OPEN, filter_condition=due)
            if isinstance(item, CommitmentItem)
            and item.next_step_due
            and item.next_step_announced != item.next_step_due
        ]


class ReminderMarkRepository:
    """The reminder job's marks on one tenant's commitments: each a conditional write."""

    def __init__(self, *, tenant_id: str) -> None:
        if not tenant_id:
            raise ValueError("reminder marks need a tenant")
        self.tenant_id = tenant_id

    def _update(self, commitment_id: str, actions: list[Any], condition: Any) -> bool:
        item = CommitmentItem(self.tenant_id, commitment_sk(commitment_id))
        return condition_held(lambda: item.update(actions=actions, condition=condition))

    def set_overdue(self, commitment_id: str, *, overdue: bool, at: datetime) -> bool:
        if overdue:  # still open and not flagged yet
            condition = CommitmentItem.due_key.exists() & (CommitmentItem.overdue == False)  # noqa: E712
            actions = [CommitmentItem.overdue.set(True), CommitmentItem.overdue_since.set(at)]
        else:
            condition = CommitmentItem.overdue == True  # noqa: E712
            actions = [CommitmentItem.overdue.set(False), CommitmentItem.overdue_since.remove()]
        return self._update(commitment_id, actions, condition)

    def claim_next_step(self, commitment_id: str, *, due: date) -> bool:
        day = due.isoformat()
        condition = (CommitmentItem.next_step_due == day) & (
            CommitmentItem.next_step_announced.does_not_exist() | (CommitmentItem.next_step_announced != day)
        )
        return self._update(commitment_id, [CommitmentItem.next_step_announced.set(day)], condition)

    def release_next_step(self, commitment_id: str) -> None:
        self._update(commitment_id, [CommitmentItem.next_step_announced.remove()], CommitmentItem.sk.exists())
