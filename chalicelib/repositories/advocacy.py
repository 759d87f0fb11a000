"""Advocacy records: one table, one partition per tenant, items told apart by their sort key.

    stakeholder#<id>                                   a stakeholder
    commitment#<id>                                    a commitment (its current state)
    commitment#<id>#action#<date>#<recorded at>#<id>   an advocacy action, in date order
    commitment#<id>#transition#<version:06d>           one step of its history, in version order
    commitment#<id>#edit#<version:06d>                 one edit of it, in version order
    fact#<scope>#<local date>#<commitment id>#<version> a transition the indicators count

so a commitment with its history and actions is one query, and the rollup reads one scope's
facts for a period with one key-range query. Indexes (all sparse, projection ALL):
`commitments_by_due` (tenant_id, commitment_sort) lists a tenant's commitments by due date;
`commitments_of_stakeholder` (stakeholder_key, commitment_sort) a stakeholder's; `open_by_due`
(due_key = "open", due_sort = "<due date>#<tenant>#<id>") holds every non-final commitment of
every tenant, so the daily reminder job finds all past-due ones with one query. A commitment
leaves it in the same transaction that makes it final. One constant partition is fine here:
it sees one write per commitment created or closed, far below a partition's limit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from pynamodb.exceptions import UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.indexes import GlobalSecondaryIndex

from chalicelib.domain.commitment_edits import CommitmentEdit
from chalicelib.domain.commitments import FINAL, Commitment, Stakeholder, Transition
from chalicelib.errors import NotFoundError
from chalicelib.repositories.advocacy_items import (
    OPEN,
    AdvocacyItem,
    CommitmentItem,
    EditItem,
    StakeholderItem,
    TransitionItem,
    as_stored,
    checked_cursor,
    commitment_sk,
    commitment_transaction,
    put_new,
    stakeholder_sk,
)
from chalicelib.repositories.base import all_of, batch_get, encode_cursor
from chalicelib.repositories.commitment_history import CommitmentHistoryRepository
from chalicelib.repositories.open_commitments import ReminderMarkRepository
from chalicelib.repositories.transition_facts import (
    TransitionFactRepository,
    fact_item,
    fact_months,
    scope_of,
    transition_facts,
)
from chalicelib.stores.advocacy import AdvocacyStores, CommitmentQuery, StakeholderQuery

# The rollup's reads of the facts live in transition_facts; kept importable from here for its callers.
__all__ = ["CommitmentRepository", "StakeholderRepository", "fact_months", "scope_of", "stores", "transition_facts"]


def stores(tenant_id: str) -> AdvocacyStores:
    """The advocacy stores of one tenant, on DynamoDB."""
    return AdvocacyStores(
        stakeholders=StakeholderRepository(tenant_id=tenant_id),
        commitments=CommitmentRepository(tenant_id=tenant_id),
        history=CommitmentHistoryRepository(tenant_id=tenant_id),
        reminders=ReminderMarkRepository(tenant_id=tenant_id),
        facts=TransitionFactRepository(tenant_id=tenant_id),
    )


class _Bound:
    """A store of one tenant's advocacy items: every key read or written starts with its id."""

    def __init__(self, *, tenant_id: str) -> None:
        if not tenant_id:
            raise ValueError("an advocacy store needs a tenant")
        self.tenant_id = tenant_id

    def _get(self, sk: str) -> AdvocacyItem | None:
        try:
            return AdvocacyItem.get(self.tenant_id, sk, consistent_read=True)
        except AdvocacyItem.DoesNotExist:
            return None

    def _own(self, tenant_id: str) -> None:
        if tenant_id != self.tenant_id:
            raise ValueError("the record belongs to another tenant")


class StakeholderRepository(_Bound):
    """The stakeholders of one tenant."""

    def add(self, stakeholder: Stakeholder) -> None:
        self._own(stakeholder.tenant_id)
        put_new(StakeholderItem.of(self.tenant_id, stakeholder_sk(stakeholder.stakeholder_id), stakeholder))

    def get(self, stakeholder_id: str) -> Stakeholder | None:
        item = self._get(stakeholder_sk(stakeholder_id))
        return item.to_domain() if isinstance(item, StakeholderItem) else None

    def get_many(self, stakeholder_ids: Iterable[str]) -> dict[str, Stakeholder]:
        keys = [(self.tenant_id, stakeholder_sk(s)) for s in sorted(set(stakeholder_ids))]
        return {
            item.stakeholder_id: item.to_domain()
            for item in batch_get(AdvocacyItem, keys, consistent_read=False)
            if isinstance(item, StakeholderItem)
        }

    def update(self, stakeholder_id: str, changes: Mapping[str, Any], *, at: datetime) -> Stakeholder:
        item = StakeholderItem(self.tenant_id, stakeholder_sk(stakeholder_id))
        actions: list[Any] = [StakeholderItem.updated_at.set(at), StakeholderItem.version.add(1)]
        for name, value in changes.items():
            attribute = getattr(StakeholderItem, name)
            actions.append(attribute.remove() if value is None else attribute.set(as_stored(value)))
        try:
            item.update(actions=actions, condition=StakeholderItem.sk.exists())
        except UpdateError as exc:
            if exc.cause_response_code == "ConditionalCheckFailedException":
                raise NotFoundError("no such stakeholder") from exc
            raise
        return item.to_domain()

    def page(self, query: StakeholderQuery, *, limit: int, cursor: str | None) -> tuple[list[Stakeholder], str | None]:
        start = checked_cursor(
            cursor, scope={"tenant_id": self.tenant_id}, keys={"tenant_id", "sk"}, sk_prefix="stakeholder#"
        )
        conditions: list[Condition] = []
        if query.kind is not None:
            conditions.append(StakeholderItem.kind == query.kind.value)
        conditions += _village_conditions(StakeholderItem.village_code, query.village_code, query.village_codes)
        results = StakeholderItem.query(
            self.tenant_id,
            StakeholderItem.sk.startswith("stakeholder#"),
            filter_condition=all_of(conditions),
            limit=limit,
            last_evaluated_key=start,
        )
        return [r.to_domain() for r in results], encode_cursor(results.last_evaluated_key)


class CommitmentRepository(_Bound):
    """The commitments of one tenant, and the transactions that change them."""

    def add(self, commitment: Commitment) -> None:
        self._own(commitment.tenant_id)
        item = CommitmentItem.of(
            self.tenant_id,
            commitment_sk(commitment.commitment_id),
            commitment,
            commitment_sort=_commitment_sort(commitment),
            stakeholder_key=self._stakeholder_key(commitment.stakeholder_id),
        )
        if not commitment.is_final:
            item.due_key, item.due_sort = OPEN, _due_sort(commitment)
        put_new(item)

    def get(self, commitment_id: str) -> Commitment | None:
        item = self._get(commitment_sk(commitment_id))
        return item.to_domain() if isinstance(item, CommitmentItem) else None

    def page(self, query: CommitmentQuery, *, limit: int, cursor: str | None) -> tuple[list[Commitment], str | None]:
        before = AdvocacyItem.commitment_sort < query.due_before.isoformat() if query.due_before else None
        conditions: list[Condition] = []
        if query.status is not None:
            conditions.append(CommitmentItem.status == query.status.value)
        if query.overdue is not None:
            conditions.append(CommitmentItem.overdue == query.overdue)
        conditions += _village_conditions(CommitmentItem.village_code, query.village_code, query.village_codes)
        scope = {"tenant_id": self.tenant_id}
        index: GlobalSecondaryIndex[AdvocacyItem] = AdvocacyItem.commitments_by_due
        if query.stakeholder_id is not None:
            scope["stakeholder_key"] = self._stakeholder_key(query.stakeholder_id)
            index = AdvocacyItem.commitments_of_stakeholder
        start = checked_cursor(
            cursor, scope=scope, keys={*scope, "sk", "commitment_sort", "tenant_id"}, sk_prefix="commitment#"
        )
        results = index.query(
            scope.get("stakeholder_key", self.tenant_id),
            before,
            filter_condition=all_of(conditions),
            limit=limit,
            last_evaluated_key=start,
        )
        items = [r.to_domain() for r in results if isinstance(r, CommitmentItem)]
        return items, encode_cursor(results.last_evaluated_key)

    def of_stakeholder(self, stakeholder_id: str, *, village_codes: frozenset[str] | None) -> list[Commitment]:
        conditions = _village_conditions(CommitmentItem.village_code, None, village_codes)
        return [
            r.to_domain()
            for r in AdvocacyItem.commitments_of_stakeholder.query(
                self._stakeholder_key(stakeholder_id), filter_condition=all_of(conditions)
            )
            if isinstance(r, CommitmentItem)
        ]

    def transition(self, *, before: Commitment, after: Commitment, step: Transition, counted: bool) -> None:
        self._own(after.tenant_id)
        actions: list[Any] = [
            CommitmentItem.status.set(after.status.value),
            CommitmentItem.version.set(after.version),
            CommitmentItem.updated_at.set(after.updated_at),
        ]
        if after.realized_amount_idr is not None:
            actions.append(CommitmentItem.realized_amount_idr.set(after.realized_amount_idr))
        if after.status in FINAL:  # leaves the reminder job's index; a final commitment is never overdue
            actions += [
                CommitmentItem.overdue.set(False),
                CommitmentItem.overdue_since.remove(),
                CommitmentItem.due_key.remove(),
                CommitmentItem.due_sort.remove(),
            ]
        transition = TransitionItem.of(
            self.tenant_id, f"{commitment_sk(after.commitment_id)}#transition#{step.version:06d}", step
        )
        with commitment_transaction() as transaction:
            transaction.update(
                CommitmentItem(self.tenant_id, commitment_sk(after.commitment_id)),
                actions=actions,
                condition=CommitmentItem.version == before.version,
            )
            transaction.save(transition, condition=TransitionItem.sk.does_not_exist())
            if counted:
                transaction.save(fact_item(after, step))

    def edit(self, *, before: Commitment, after: Commitment, edit: CommitmentEdit) -> None:
        self._own(after.tenant_id)
        actions: list[Any] = [
            CommitmentItem.version.set(after.version),
            CommitmentItem.updated_at.set(after.updated_at),
            CommitmentItem.description.set(after.description),
            CommitmentItem.due_date.set(after.due_date.isoformat()),
            CommitmentItem.commitment_sort.set(_commitment_sort(after)),
            CommitmentItem.due_sort.set(_due_sort(after)),
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

    def _stakeholder_key(self, stakeholder_id: str) -> str:
        return f"{self.tenant_id}#{stakeholder_id}"


def _commitment_sort(c: Commitment) -> str:
    return f"{c.due_date.isoformat()}#{c.commitment_id}"


def _due_sort(c: Commitment) -> str:
    return f"{c.due_date.isoformat()}#{c.tenant_id}#{c.commitment_id}"


def _village_conditions(attribute: Any, village_code: str | None, villages: frozenset[str] | None) -> list[Condition]:
    conditions = []
    if village_code is not None:
        conditions.append(attribute == village_code)
    if villages is not None:
        if not villages:
            raise ValueError("a village-limited listing needs at least one village")
        conditions.append(attribute.is_in(*sorted(villages)))  # an operator key lists at most 100 (IN's limit)
    return conditions
