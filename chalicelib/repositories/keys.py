"""API key records: one item per key, found by key id; listed per owner through an index."""

from __future__ import annotations

from datetime import datetime

from pynamodb.attributes import ListAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.exceptions import PutError, UpdateError
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.domain.keys import ApiKey
from chalicelib.domain.principal import Role
from chalicelib.errors import NotFoundError
from chalicelib.repositories.base import decode_cursor, encode_cursor, table_meta
from chalicelib.tables import API_KEYS


class _ByOwner(GlobalSecondaryIndex["ApiKeyRecord"]):
    class Meta:
        index_name = "by_owner"
        projection = AllProjection()

    owner = UnicodeAttribute(hash_key=True)
    key_id = UnicodeAttribute(range_key=True)


class ApiKeyRecord(Model):
    """Storage shape of an API key (the secret's hash only)."""

    Meta = table_meta(API_KEYS)

    key_id = UnicodeAttribute(hash_key=True)
    owner = UnicodeAttribute()
    role = UnicodeAttribute()
    label = UnicodeAttribute()
    villages = ListAttribute(of=UnicodeAttribute, default=list)
    secret_hash = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    created_by = UnicodeAttribute(null=True)
    revoked_at = UTCDateTimeAttribute(null=True)

    by_owner = _ByOwner()

    def to_domain(self) -> ApiKey:
        return ApiKey(
            key_id=self.key_id,
            owner=self.owner,
            role=Role(self.role),
            label=self.label,
            villages=tuple(str(v) for v in self.villages or ()),
            secret_hash=self.secret_hash,
            created_at=self.created_at,
            created_by=self.created_by,
            revoked_at=self.revoked_at,
        )

    @classmethod
    def from_domain(cls, key: ApiKey) -> ApiKeyRecord:
        return cls(
            key.key_id,
            owner=key.owner,
            role=key.role.value,
            label=key.label,
            villages=list(key.villages),
            secret_hash=key.secret_hash,
            created_at=key.created_at,
            created_by=key.created_by,
            revoked_at=key.revoked_at,
        )


def find_key(key_id: str) -> ApiKey | None:
    """The key with this id, whoever owns it: for authentication only."""
    try:
        return ApiKeyRecord.get(key_id, consistent_read=True).to_domain()
    except ApiKeyRecord.DoesNotExist:
        return None


def put_key(key: ApiKey) -> None:
    """Store a key with no owner check: for the platform's bootstrap key only."""
    ApiKeyRecord.from_domain(key).save()


class KeyRepository:
    """The keys of one owner (a tenant, or the national program): every read and write is scoped to it."""

    def __init__(self, *, owner: str) -> None:
        if not owner:
            raise ValueError("a key repository needs an owner")
        self.owner = owner

    def add(self, key: ApiKey) -> None:
        """Store a new key of this owner."""
        if key.owner != self.owner:
            raise ValueError("key belongs to another owner")
        try:
            ApiKeyRecord.from_domain(key).save(condition=ApiKeyRecord.key_id.does_not_exist())
        except PutError as exc:  # a 64-bit random id collided: astronomically rare, never silent
            raise RuntimeError("key id collision") from exc

    def record_for_new(self, key: ApiKey) -> ApiKeyRecord:
        """The record of a new key of this owner, for a transaction."""
        if key.owner != self.owner:
            raise ValueError("key belongs to another owner")
        return ApiKeyRecord.from_domain(key)

    def page(self, *, limit: int, cursor: str | None) -> tuple[list[ApiKey], str | None]:
        """One page of this owner's active keys, in key-id order."""
        start = decode_cursor(cursor, scope={"owner": self.owner})
        results = ApiKeyRecord.by_owner.query(
            self.owner,
            filter_condition=ApiKeyRecord.revoked_at.does_not_exist(),
            limit=limit,
            last_evaluated_key=start,
        )
        return [record.to_domain() for record in results], encode_cursor(results.last_evaluated_key)

    def revoke(self, key_id: str, *, at: datetime) -> None:
        """Revoke one of this owner's keys; another owner's key, or a revoked one, is not found."""
        record = ApiKeyRecord(key_id)
        try:
            record.update(
                actions=[ApiKeyRecord.revoked_at.set(at)],
                condition=(ApiKeyRecord.owner == self.owner) & ApiKeyRecord.revoked_at.does_not_exist(),
            )
        except UpdateError as exc:
            if exc.cause_response_code == "ConditionalCheckFailedException":
                raise NotFoundError("no such key") from exc
            raise
