"""PynamoDB records of the advocacy table (the key scheme is described in repositories/advocacy.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    DiscriminatorAttribute,
    JSONAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from chalicelib.domain.commitments import (
    Action,
    ActionKind,
    Commitment,
    CommitmentKind,
    CommitmentStatus,
    Stakeholder,
    StakeholderKind,
    Transition,
)
from chalicelib.errors import FieldProblem, VersionConflictError, cancellation_codes
from chalicelib.repositories.base import table_meta
from chalicelib.tables import ADVOCACY

OPEN = "open"


class _CommitmentsByDue(GlobalSecondaryIndex["AdvocacyItem"]):
    class Meta:
        index_name = "commitments_by_due"
        projection = AllProjection()

    tenant_id = UnicodeAttribute(hash_key=True)
    commitment_sort = UnicodeAttribute(range_key=True)


class _CommitmentsOfStakeholder(GlobalSecondaryIndex["AdvocacyItem"]):
    class Meta:
        index_name = "commitments_of_stakeholder"
        projection = AllProjection()

    stakeholder_key = UnicodeAttribute(hash_key=True)
    commitment_sort = UnicodeAttribute(range_key=True)


class _OpenByDue(GlobalSecondaryIndex["AdvocacyItem"]):
    class Meta:
        index_name = "open_by_due"
        projection = AllProjection()

    due_key = UnicodeAttribute(hash_key=True)
    due_sort = UnicodeAttribute(range_key=True)


class AdvocacyItem(Model):
    """Any item of the advocacy table; `item_type` says which subclass it is."""

    Meta = table_meta(ADVOCACY)

    tenant_id = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    item_type = DiscriminatorAttribute()
    commitment_sort = UnicodeAttribute(null=True)
    stakeholder_key = UnicodeAttribute(null=True)
    due_key = UnicodeAttribute(null=True)
    due_sort = UnicodeAttribute(null=True)

    commitments_by_due = _CommitmentsByDue()
    commitments_of_stakeholder = _CommitmentsOfStakeholder()
    open_by_due = _OpenByDue()


class StakeholderItem(AdvocacyItem, discriminator="stakeholder"):
    """Storage shape of a stakeholder."""

    stakeholder_id = UnicodeAttribute()
    name = UnicodeAttribute()
    kind = UnicodeAttribute()
    organization = UnicodeAttribute(null=True)
    position = UnicodeAttribute(null=True)
    village_code = UnicodeAttribute(null=True)
    contact = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    version = NumberAttribute(default=1)

    def to_domain(self) -> Stakeholder:
        return Stakeholder(
            stakeholder_id=self.stakeholder_id,
            tenant_id=self.tenant_id,
            name=self.name,
            kind=StakeholderKind(self.kind),
            organization=self.organization,
            position=self.position,
            village_code=self.village_code,
            contact=self.contact,
            created_at=self.created_at,
            updated_at=self.updated_at,
            version=int(self.version),
        )


class CommitmentItem(AdvocacyItem, discriminator="commitment"):
    """Storage shape of a commitment's current state."""

    commitment_id = UnicodeAttribute()
    stakeholder_id = UnicodeAttribute()
    kind = UnicodeAttribute()
    description = UnicodeAttribute()
    amount_idr = NumberAttribute(null=True)
    realized_amount_idr = NumberAttribute(null=True)
    due_date = UnicodeAttribute()
    village_code = UnicodeAttribute(null=True)
    status = UnicodeAttribute()
    version = NumberAttribute()
    overdue = BooleanAttribute(default=False)
    overdue_since = UTCDateTimeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    created_by = UnicodeAttribute()
    next_step = UnicodeAttribute(null=True)
    next_step_due = UnicodeAttribute(null=True)
    next_step_announced = UnicodeAttribute(null=True)  # the next_step_due whose event was published

    def to_domain(self) -> Commitment:
        return Commitment(
            commitment_id=self.commitment_id,
            tenant_id=self.tenant_id,
            stakeholder_id=self.stakeholder_id,
            kind=CommitmentKind(self.kind),
            description=self.description,
            amount_idr=as_int(self.amount_idr),
            realized_amount_idr=as_int(self.realized_amount_idr),
            due_date=date.fromisoformat(self.due_date),
            village_code=self.village_code,
            status=CommitmentStatus(self.status),
            version=int(self.version),
            overdue=bool(self.overdue),
            created_at=self.created_at,
            updated_at=self.updated_at,
            created_by=self.created_by,
            next_step=self.next_step,
            next_step_due=date.fromisoformat(self.next_step_due) if self.next_step_due else None,
        )


class EditItem(AdvocacyItem, discriminator="edit"):
    """Storage shape of one PATCH of a commitment: each changed field with its old and new value."""

    commitment_id = UnicodeAttribute()
    version = NumberAttribute()
    at = UTCDateTimeAttribute()
    by = UnicodeAttribute()
    changes = JSONAttribute()  # [{"field", "old", "new"}]


class TransitionItem(AdvocacyItem, discriminator="transition"):
    """Storage shape of one step of a commitment's history."""

    commitment_id = UnicodeAttribute()
    version = NumberAttribute()
    from_status = UnicodeAttribute()
    to_status = UnicodeAttribute()
    at = UTCDateTimeAttribute()
    on = UnicodeAttribute()
    by = UnicodeAttribute()
    note = UnicodeAttribute(null=True)
    evidence_url = UnicodeAttribute(null=True)
    realized_amount_idr = NumberAttribute(null=True)

    def to_domain(self) -> Transition:
        return Transition(
            commitment_id=self.commitment_id,
            version=int(self.version),
            from_status=CommitmentStatus(self.from_status),
            to_status=CommitmentStatus(self.to_status),
            at=self.at,
            on=date.fromisoformat(self.on),
            by=self.by,
            note=self.note,
            evidence_url=self.evidence_url,
            realized_amount_idr=as_int(self.realized_amount_idr),
        )


class ActionItem(AdvocacyItem, discriminator="action"):
    """Storage shape of an advocacy action."""

    action_id = UnicodeAttribute()
    commitment_id = UnicodeAttribute()
    date = UnicodeAttribute()
    kind = UnicodeAttribute()
    note = UnicodeAttribute()
    next_step = UnicodeAttribute(null=True)
    next_step_due = UnicodeAttribute(null=True)
    recorded_at = UTCDateTimeAttribute()
    recorded_by = UnicodeAttribute()

    def to_domain(self) -> Action:
        return Action(
            action_id=self.action_id,
            commitment_id=self.commitment_id,
            date=date.fromisoformat(self.date),
            kind=ActionKind(self.kind),
            note=self.note,
            next_step=self.next_step,
            next_step_due=date.fromisoformat(self.next_step_due) if self.next_step_due else None,
            recorded_at=self.recorded_at,
            recorded_by=self.recorded_by,
        )


class FactItem(AdvocacyItem, discriminator="fact"):
    """Storage shape of a counted transition, keyed for the rollup's range query."""

    commitment_id = UnicodeAttribute()
    to_status = UnicodeAttribute()
    on = UnicodeAttribute()
    amount_idr = NumberAttribute(null=True)


def as_int(value: Any) -> int | None:
    """A stored number as an int (None stays None)."""
    return None if value is None else int(value)


def stakeholder_sk(stakeholder_id: str) -> str:
    """The sort key of a stakeholder."""
    return f"stakeholder#{stakeholder_id}"


def commitment_sk(commitment_id: str) -> str:
    """The sort key of a commitment (and the prefix of its history and actions)."""
    return f"commitment#{commitment_id}"


@contextmanager
def commitment_transaction() -> Iterator[TransactWrite]:
    """One transaction on a commitment and what goes with it: a failed condition or a conflicting
    writer means the commitment changed since it was read (409)."""
    try:
        with TransactWrite(connection=Connection()) as transaction:
            yield transaction
    except TransactWriteError as exc:
        if cancellation_codes(exc) & {"ConditionalCheckFailed", "TransactionConflict"}:
            raise VersionConflictError(
                "the commitment changed meanwhile; reload it and retry",
                details=[FieldProblem("expected_version", "the commitment changed meanwhile")],
            ) from exc
        raise
