"""A commitment's history: its transitions, advocacy actions and edits, read whole or page by page.

Keys (see repositories/advocacy.py): `commitment#<id>#transition#<version>`,
`commitment#<id>#action#<date>#...`, `commitment#<id>#edit#<version>`; each kind is one key range,
and the commitment with all of them is one query.
"""

from __future__ import annotations

from typing import Any

from chalicelib.domain.commitment_edits import CommitmentEdit
from chalicelib.domain.commitments import Action, Commitment, Transition
from chalicelib.domain.reports import FieldChange
from chalicelib.repositories.advocacy_items import (
    ActionItem,
    AdvocacyItem,
    CommitmentItem,
    EditItem,
    TransitionItem,
    checked_cursor,
    commitment_sk,
    put_new,
)
from chalicelib.repositories.base import encode_cursor
from chalicelib.stores.advocacy import HistoryKind, Page

KINDS = {"transition": TransitionItem, "action": ActionItem, "edit": EditItem}


def _edit_of(item: EditItem) -> CommitmentEdit:
    changes = tuple(FieldChange(c["field"], c["old"], c["new"]) for c in item.changes)
    return CommitmentEdit(item.commitment_id, int(item.version), item.at, item.by, changes)


def _domain(item: Any) -> Any:
    return _edit_of(item) if isinstance(item, EditItem) else item.to_domain()


class CommitmentHistoryRepository:
    """The history of the commitments of one tenant."""

    def __init__(self, *, tenant_id: str) -> None:
        if not tenant_id:
            raise ValueError("a commitment history needs a tenant")
        self.tenant_id = tenant_id

    def add_action(self, action: Action) -> None:
        sk = (
            f"{commitment_sk(action.commitment_id)}#action#{action.date.isoformat()}"
            f"#{action.recorded_at.isoformat()}#{action.action_id}"
        )
        put_new(ActionItem.of(self.tenant_id, sk, action))

    def of(self, commitment_id: str) -> tuple[Commitment, list[Transition], list[Action]] | None:
        commitment: Commitment | None = None
        transitions: list[Transition] = []
        actions: list[Action] = []
        for item in AdvocacyItem.query(
            self.tenant_id, AdvocacyItem.sk.startswith(commitment_sk(commitment_id)), consistent_read=True
        ):
            if isinstance(item, CommitmentItem) and item.sk == commitment_sk(commitment_id):
                commitment = item.to_domain()
            elif isinstance(item, TransitionItem) and item.commitment_id == commitment_id:
                transitions.append(item.to_domain())
            elif isinstance(item, ActionItem) and item.commitment_id == commitment_id:
                actions.append(item.to_domain())
        return (commitment, transitions, actions) if commitment else None

    def page(self, commitment_id: str, kind: HistoryKind, *, limit: int, cursor: str | None) -> Page:
        prefix = f"{commitment_sk(commitment_id)}#{kind}#"
        start = checked_cursor(cursor, scope={"tenant_id": self.tenant_id}, keys={"tenant_id", "sk"}, sk_prefix=prefix)
        results = AdvocacyItem.query(
            self.tenant_id,
            AdvocacyItem.sk.startswith(prefix),
            limit=limit,
            last_evaluated_key=start,
            consistent_read=True,
        )
        items = [_domain(r) for r in results if isinstance(r, KINDS[kind])]
        return items, encode_cursor(results.last_evaluated_key)
