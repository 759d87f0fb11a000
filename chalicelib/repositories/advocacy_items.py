"""PynamoDB records of the advocacy table (the key scheme is described in repositories/advocacy.py)."""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from enum import Enum
from typing import Any, Self, TypeVar

from pynamodb.attributes import (
    BooleanAttribute,
    DiscriminatorAttribute,
    JSONAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.connection import Connection
from pynamodb.exceptions import PutError, TransactWriteError
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from chalicelib.domain.commitments import Action, Commitment, Stakeholder, Transition
from chalicelib.errors import FieldProblem, MalformedRequestError, VersionConflictError, cancellation_codes
from chalicelib.repositories.base import decode_cursor, table_meta
from chalicelib.tables import ADVOCACY

OPEN = "open"
T = TypeVar("T")


_FIELDS: dict[type[Any], dict[str, Any]] = {}


def _fields(record: type[Any]) -> dict[str, Any]:
    """A domain dataclass's fields and their types."""
    if record not in _FIELDS:
        hints = typing.get_type_hints(record)
        _FIELDS[record] = {f.name: hints[f.name] for f in dataclasses.fields(record)}
    return _FIELDS[record]


def as_stored(value: Any) -> Any:
    """A domain value as an attribute holds it: an enum by its value, a date as ISO text."""
    if isinstance(value, Enum):
        return value.value
    return value.isoformat() if type(value) is date else value


def _loaded(hint: Any, value: Any) -> Any:
    """A stored value as the domain field of type `hint` holds it (the reverse of `as_stored`)."""
    if value is None:
        return None
    kinds = [k for k in typing.get_args(hint) if k is not type(None)] if isinstance(hint, types.UnionType) else [hint]
    kind = kinds[0]
    if isinstance(kind, type) and issubclass(kind, Enum):
        return kind(value)
    if kind is date:
        return date.fromisoformat(value)
    return kind(value) if kind in (int, bool) else value


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

    @classmethod
    def of(cls, tenant_id: str, sk: str, record: Any, **keys: Any) -> Self:
        """The item of a domain record: each attribute named like one of its fields holds that field
        (the field list is declared once, on the domain class and here); `keys` are the index keys."""
        names = set(_fields(type(record))) & set(cls.get_attributes()) - {"tenant_id", "sk"}
        return cls(tenant_id, sk, **{name: as_stored(getattr(record, name)) for name in names}, **keys)

    def load(self, record: type[T]) -> T:
        """The domain record this item holds: each of its fields read from the attribute of its name."""
        return record(**{name: _loaded(hint, getattr(self, name)) for name, hint in _fields(record).items()})


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
        return self.load(Stakeholder)


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
        return self.load(Commitment)


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
        return self.load(Transition)


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
        return self.load(Action)


class FactItem(AdvocacyItem, discriminator="fact"):
    """Storage shape of a counted transition, keyed for the rollup's range query."""

    commitment_id = UnicodeAttribute()
    to_status = UnicodeAttribute()
    on = UnicodeAttribute()
    amount_idr = NumberAttribute(null=True)


def as_int(value: Any) -> int | None:
    """A stored number as an int (None stays None)."""
    return None if value is None else int(value)


def put_new(item: AdvocacyItem) -> None:
    """Store a new item; its key taken (a 64-bit random id collided: astronomically rare) is a
    RuntimeError, never an overwrite."""
    try:
        item.save(condition=AdvocacyItem.sk.does_not_exist())
    except PutError as exc:
        raise RuntimeError("advocacy id collision") from exc


def checked_cursor(cursor: str | None, *, scope: dict[str, str], keys: set[str], sk_prefix: str) -> Any:
    """The key a cursor of exactly this listing holds: its scope, its key attributes, its kind of item
    (MalformedRequestError for any other)."""
    start = decode_cursor(cursor, scope=scope)
    if start is not None and (set(start) != keys or not start["sk"]["S"].startswith(sk_prefix)):
        raise MalformedRequestError("the cursor does not belong to this listing", code="invalid_cursor")
    return start


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
