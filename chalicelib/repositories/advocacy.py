"""Advocacy records: one table, one partition per tenant, items told apart by their sort key.

    stakeholder#<id>                                   a stakeholder
    commitment#<id>                                    a commitment (its current state)
    commitment#<id>#action#<date>#<recorded at>#<id>   an advocacy action, in date order
    commitment#<id>#transition#<version:06d>           one step of its history, in version order
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

from datetime import date, datetime
from typing import Any

from pynamodb.exceptions import PutError, UpdateError
from pynamodb.expressions.condition import Condition

from chalicelib.domain.commitments import (
    FINAL,
    Action,
    Commitment,
    CommitmentStatus,
    Stakeholder,
    StakeholderKind,
    Transition,
)
from chalicelib.errors import (
    MalformedRequestError,
    NotFoundError,
)
from chalicelib.repositories.advocacy_items import (
    OPEN,
    ActionItem,
    AdvocacyItem,
    CommitmentItem,
    StakeholderItem,
    TransitionItem,
    commitment_sk,
    commitment_transaction,
    stakeholder_sk,
)
from chalicelib.repositories.base import all_of, decode_cursor, encode_cursor
from chalicelib.repositories.transition_facts import fact_item, fact_months, scope_of, transition_facts

# The rollup's reads of the facts live in transition_facts; kept importable from here for its callers.
__all__ = ["AdvocacyRepository", "fact_months", "scope_of", "transition_facts"]


def _commitment_sort(c: Commitment) -> str:
    return f"{c.due_date.isoformat()}#{c.commitment_id}"


def _due_sort(c: Commitment) -> str:
    return f"{c.due_date.isoformat()}#{c.tenant_id}#{c.commitment_id}"


def _checked_cursor(cursor: str | None, *, scope: dict[str, str], keys: set[str], sk_prefix: str) -> Any:
    """A cursor of exactly this listing: its scope, its key attributes, its kind of item."""
    start = decode_cursor(cursor, scope=scope)
    if start is not None and (set(start) != keys or not start["sk"]["S"].startswith(sk_prefix)):
        raise MalformedRequestError("the cursor does not belong to this listing", code="invalid_cursor")
    return start


class AdvocacyRepository:
    """The advocacy records of one tenant: every key read or written starts with its id."""

    def __init__(self, *, tenant_id: str) -> None:
        if not tenant_id:
            raise ValueError("an advocacy repository needs a tenant")
        self.tenant_id = tenant_id

    # stakeholders

    def add_stakeholder(self, s: Stakeholder) -> None:
        """Store a new stakeholder of this tenant."""
        self._own(s.tenant_id)
        _put_new(StakeholderItem.of(self.tenant_id, stakeholder_sk(s.stakeholder_id), s))

    def get_stakeholder(self, stakeholder_id: str) -> Stakeholder | None:
        """The stakeholder, or None."""
        item = self._get(stakeholder_sk(stakeholder_id))
        return item.to_domain() if isinstance(item, StakeholderItem) else None

    def update_stakeholder(self, stakeholder_id: str, changes: dict[str, Any], *, at: datetime) -> Stakeholder:
        """Apply field changes (None clears a field) and bump the version."""
        item = StakeholderItem(self.tenant_id, stakeholder_sk(stakeholder_id))
        actions: list[Any] = [StakeholderItem.updated_at.set(at), StakeholderItem.version.add(1)]
        for name, value in changes.items():
            attribute = getattr(StakeholderItem, name)
            actions.append(attribute.remove() if value is None else attribute.set(value))
        try:
            item.update(actions=actions, condition=StakeholderItem.sk.exists())
        except UpdateError as exc:
            if exc.cause_response_code == "ConditionalCheckFailedException":
                raise NotFoundError("no such stakeholder") from exc
            raise
        return item.to_domain()

    def list_stakeholders(
        self,
        *,
        kind: StakeholderKind | None,
        village_code: str | None,
        villages: frozenset[str] | None,
        limit: int,
        cursor: str | None,
    ) -> tuple[list[Stakeholder], str | None]:
        """One page of stakeholders (by id); `villages` limits them to those villages (operators)."""
        start = _checked_cursor(
            cursor, scope={"tenant_id": self.tenant_id}, keys={"tenant_id", "sk"}, sk_prefix="stakeholder#"
        )
        conditions: list[Condition] = []
        if kind is not None:
            conditions.append(StakeholderItem.kind == kind.value)
        conditions += _village_conditions(StakeholderItem.village_code, village_code, villages)
        results = StakeholderItem.query(
            self.tenant_id,
            StakeholderItem.sk.startswith("stakeholder#"),
            filter_condition=all_of(conditions),
            limit=limit,
            last_evaluated_key=start,
        )
        return [r.to_domain() for r in results], encode_cursor(results.last_evaluated_key)

    # commitments

    def add_commitment(self, c: Commitment) -> None:
        """Store a new commitment (open, so the reminder job sees it)."""
        self._own(c.tenant_id)
        item = CommitmentItem.of(
            self.tenant_id,
            commitment_sk(c.commitment_id),
            c,
            commitment_sort=_commitment_sort(c),
            stakeholder_key=f"{self.tenant_id}#{c.stakeholder_id}",
        )
        if not c.is_final:
            item.due_key, item.due_sort = OPEN, _due_sort(c)
        _put_new(item)

    def get_commitment(self, commitment_id: str) -> Commitment | None:
        """The commitment's current state, or None."""
        item = self._get(commitment_sk(commitment_id))
        return item.to_domain() if isinstance(item, CommitmentItem) else None

    def history(self, commitment_id: str) -> tuple[Commitment, list[Transition], list[Action]] | None:
        """The commitment with its transitions (by version) and actions (by date), in one query."""
        commitment: Commitment | None = None
        transitions: list[Transition] = []
        actions: list[Action] = []
        for item in AdvocacyItem.query(
            self.tenant_id, AdvocacyItem.sk.startswith(commitment_sk(commitment_id)), consistent_read=True
        ):
            if isinstance(item, CommitmentItem):
                commitment = item.to_domain()
            elif isinstance(item, TransitionItem):
                transitions.append(item.to_domain())
            elif isinstance(item, ActionItem):
                actions.append(item.to_domain())
        return (commitment, transitions, actions) if commitment else None

    def list_commitments(
        self,
        *,
        status: CommitmentStatus | None,
        overdue: bool | None,
        stakeholder_id: str | None,
        village_code: str | None,
        villages: frozenset[str] | None,
        limit: int,
        cursor: str | None,
        due_before: date | None = None,
    ) -> tuple[list[Commitment], str | None]:
        """One page of commitments by due date; `villages` limits them to those villages (operators);
        `due_before` to those due before that date."""
        before = AdvocacyItem.commitment_sort < due_before.isoformat() if due_before else None
        conditions: list[Condition] = []
        if status is not None:
            conditions.append(CommitmentItem.status == status.value)
        if overdue is not None:
            conditions.append(CommitmentItem.overdue == overdue)
        conditions += _village_conditions(CommitmentItem.village_code, village_code, villages)
        if stakeholder_id is not None:
            key = f"{self.tenant_id}#{stakeholder_id}"
            start = _checked_cursor(
                cursor,
                scope={"tenant_id": self.tenant_id, "stakeholder_key": key},
                keys={"tenant_id", "sk", "stakeholder_key", "commitment_sort"},
                sk_prefix="commitment#",
            )
            results = AdvocacyItem.commitments_of_stakeholder.query(
                key, before, filter_condition=all_of(conditions), limit=limit, last_evaluated_key=start
            )
        else:
            start = _checked_cursor(
                cursor,
                scope={"tenant_id": self.tenant_id},
                keys={"tenant_id", "sk", "commitment_sort"},
                sk_prefix="commitment#",
            )
            results = AdvocacyItem.commitments_by_due.query(
                self.tenant_id, before, filter_condition=all_of(conditions), limit=limit, last_evaluated_key=start
            )
        items = [r.to_domain() for r in results if isinstance(r, CommitmentItem)]
        return items, encode_cursor(results.last_evaluated_key)

    def commitments_of(self, stakeholder_id: str, *, villages: frozenset[str] | None) -> list[Commitment]:
        """Every commitment of a stakeholder, by due date."""
        conditions = _village_conditions(CommitmentItem.village_code, None, villages)
        return [
            r.to_domain()
            for r in AdvocacyItem.commitments_of_stakeholder.query(
                f"{self.tenant_id}#{stakeholder_id}", filter_condition=all_of(conditions)
            )
            if isinstance(r, CommitmentItem)
        ]

    def record_transition(self, *, before: Commitment, after: Commitment, step: Transition, counted: bool) -> None:
        """Store a transition atomically: the commitment's new state, on condition that its version is
        still `before.version`; the history step; and, for a counted transition, the rollup's fact.
        A concurrent change answers VersionConflictError and writes nothing."""
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

    def add_action(self, action: Action) -> None:
        """Store an advocacy action of a commitment."""
        sk = (
            f"{commitment_sk(action.commitment_id)}#action#{action.date.isoformat()}"
            f"#{action.recorded_at.isoformat()}#{action.action_id}"
        )
        _put_new(ActionItem.of(self.tenant_id, sk, action))

    def _get(self, sk: str) -> AdvocacyItem | None:
        try:
            return AdvocacyItem.get(self.tenant_id, sk, consistent_read=True)
        except AdvocacyItem.DoesNotExist:
            return None

    def _own(self, tenant_id: str) -> None:
        if tenant_id != self.tenant_id:
            raise ValueError("the record belongs to another tenant")


def _put_new(item: AdvocacyItem) -> None:
    try:
        item.save(condition=AdvocacyItem.sk.does_not_exist())
    except PutError as exc:  # a 64-bit random id collided: astronomically rare, never silent
        raise RuntimeError("advocacy id collision") from exc


def _village_conditions(attribute: Any, village_code: str | None, villages: frozenset[str] | None) -> list[Condition]:
    conditions = []
    if village_code is not None:
        conditions.append(attribute == village_code)
    if villages is not None:
        if not villages:
            raise ValueError("a village-limited listing needs at least one village")
        conditions.append(attribute.is_in(*sorted(villages)))  # an operator key lists at most 100 (IN's limit)
    return conditions
