"""API key records: one item per key, found by key id; listed per owner through an index."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from pynamodb.attributes import ListAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.connection import Connection
from pynamodb.exceptions import PutError, TransactWriteError
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from chalicelib.domain.keys import USE_RECORDED_EVERY, ApiKey, KeyStatus
from chalicelib.domain.principal import Role
from chalicelib.errors import ConflictError, NotFoundError, is_throttling
from chalicelib.repositories.base import all_of, condition_held, decode_cursor, encode_cursor, table_meta
from chalicelib.stores.access import KeptKeyGoneError
from chalicelib.tables import API_KEYS

__all__ = ["ApiKeyRecord", "KeptKeyGoneError", "KeyDirectoryRepository", "KeyRepository", "find_key"]


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
    expires_at = UTCDateTimeAttribute(null=True)
    last_used_at = UTCDateTimeAttribute(null=True)
    rotated_from = UnicodeAttribute(null=True)

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
            expires_at=self.expires_at,
            last_used_at=self.last_used_at,
            rotated_from=self.rotated_from,
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
            expires_at=key.expires_at,
            last_used_at=key.last_used_at,
            rotated_from=key.rotated_from,
        )


def _not_revoked(now: datetime) -> Any:
    return ApiKeyRecord.revoked_at.does_not_exist() | (ApiKeyRecord.revoked_at > now)


def _status_filter(status: KeyStatus, now: datetime) -> Any:
    """The condition for a key's status as of `now`."""
    not_expired = ApiKeyRecord.expires_at.does_not_exist() | (ApiKeyRecord.expires_at > now)
    if status is KeyStatus.ACTIVE:
        return _not_revoked(now) & not_expired
    if status is KeyStatus.REVOKED:
        return ApiKeyRecord.revoked_at.exists() & (ApiKeyRecord.revoked_at <= now)
    return _not_revoked(now) & ApiKeyRecord.expires_at.exists() & (ApiKeyRecord.expires_at <= now)


def _live(now: datetime) -> Any:
    """Active and not due to be revoked (the condition of `ApiKey.live`)."""
    return ApiKeyRecord.revoked_at.does_not_exist() & (
        ApiKeyRecord.expires_at.does_not_exist() | (ApiKeyRecord.expires_at > now)
    )


def find_key(key_id: str) -> ApiKey | None:
    """The key with this id, whoever owns it: for authentication and the platform admin."""
    try:
        return ApiKeyRecord.get(key_id, consistent_read=True).to_domain()
    except ApiKeyRecord.DoesNotExist:
        return None


def put_key(key: ApiKey) -> None:
    """Store a key with no owner check: for the platform's bootstrap key only."""
    ApiKeyRecord.from_domain(key).save()


def record_use(key_id: str, *, now: datetime) -> bool:
    """Set a key's last use to `now` unless it was set less than a minute ago (one conditional write,
    so that many requests in a minute cost one write); whether it was written."""
    record = ApiKeyRecord(key_id)
    condition = ApiKeyRecord.key_id.exists() & (
        ApiKeyRecord.last_used_at.does_not_exist() | (ApiKeyRecord.last_used_at <= now - USE_RECORDED_EVERY)
    )
    return condition_held(lambda: record.update(actions=[ApiKeyRecord.last_used_at.set(now)], condition=condition))


def _filter(status: KeyStatus | None, role: Role | None, now: datetime) -> Any:
    conditions = [_status_filter(status, now)] if status is not None else []
    if role is not None:
        conditions.append(ApiKeyRecord.role == role.value)
    return all_of(conditions)


def page_all(
    *, owner: str | None, role: Role | None, status: KeyStatus | None, limit: int, cursor: str | None, now: datetime
) -> tuple[list[ApiKey], str | None]:
    """One page of every owner's keys (or one owner's), by role and status: for the platform admin."""
    if owner is not None:
        return KeyRepository(owner=owner).page(limit=limit, cursor=cursor, status=status, role=role, now=now)
    start = decode_cursor(cursor, scope={})
    results = ApiKeyRecord.scan(filter_condition=_filter(status, role, now), limit=limit, last_evaluated_key=start)
    return [record.to_domain() for record in results], encode_cursor(results.last_evaluated_key)


class KeyRepository:
    """The keys of one owner (a tenant, or the national program): every read and write is scoped to it."""

    def __init__(self, *, owner: str) -> None:
        if not owner:
            raise ValueError("a key repository needs an owner")
        self.owner = owner

    def add(self, key: ApiKey) -> None:
        """Store a new key of this owner."""
        try:
            self.record_for_new(key).save(condition=ApiKeyRecord.key_id.does_not_exist())
        except PutError as exc:  # a 64-bit random id collided: astronomically rare, never silent
            if is_throttling(exc):
                raise
            raise RuntimeError("key id collision") from exc

    def record_for_new(self, key: ApiKey) -> ApiKeyRecord:
        """The record of a new key of this owner, for a transaction."""
        if key.owner != self.owner:
            raise ValueError("key belongs to another owner")
        return ApiKeyRecord.from_domain(key)

    def get(self, key_id: str) -> ApiKey | None:
        """One of this owner's keys; another owner's key is None, as a missing one."""
        key = find_key(key_id)
        return key if key is not None and key.owner == self.owner else None

    def page(
        self, *, limit: int, cursor: str | None, status: KeyStatus | None, now: datetime, role: Role | None = None
    ) -> tuple[list[ApiKey], str | None]:
        """One page of this owner's keys in key-id order, by status as of `now` (and role)."""
        start = decode_cursor(cursor, scope={"owner": self.owner})
        results = ApiKeyRecord.by_owner.query(
            self.owner, filter_condition=_filter(status, role, now), limit=limit, last_evaluated_key=start
        )
        return [record.to_domain() for record in results], encode_cursor(results.last_evaluated_key)

    def live_keys(self, *, role: Role, now: datetime) -> list[ApiKey]:
        """Every live key of this owner with this role."""
        condition = _live(now) & (ApiKeyRecord.role == role.value)
        return [record.to_domain() for record in ApiKeyRecord.by_owner.query(self.owner, filter_condition=condition)]

    def revoke(self, key_id: str, *, at: datetime, keeping: str | None = None) -> None:
        """Revoke one of this owner's keys (a rotated one in its grace period too, at once). With
        `keeping`, only while that other key is still live, in one transaction: two admins revoking
        each other's keys at the same moment cannot both succeed."""
        condition = (ApiKeyRecord.owner == self.owner) & _not_revoked(at)
        record, actions = ApiKeyRecord(key_id), [cast(Any, ApiKeyRecord.revoked_at.set(at))]
        if keeping is None:
            if not condition_held(lambda: record.update(actions=actions, condition=condition)):
                raise NotFoundError("no such key")
            return
        try:
            with TransactWrite(connection=Connection()) as transaction:
                transaction.update(record, actions=actions, condition=condition)
                transaction.condition_check(
                    ApiKeyRecord, keeping, condition=(ApiKeyRecord.owner == self.owner) & _live(at)
                )
        except TransactWriteError as exc:
            if is_throttling(exc):
                raise
            # PynamoDB sends a transaction's condition checks before its updates: the revocation's
            # reason is the second one, the kept key's the first.
            reasons = exc.cancellation_reasons or []
            revocation = reasons[1] if len(reasons) > 1 else None
            if revocation is not None and revocation.code == "ConditionalCheckFailed":
                raise NotFoundError("no such key") from exc
            raise KeptKeyGoneError(f"key {keeping} changed meanwhile") from exc

    def update(self, key_id: str, *, label: str | None, villages: tuple[str, ...] | None, now: datetime) -> ApiKey:
        """Change a live key's label or (an operator key's) villages; its secret stays."""
        actions: list[Any] = []
        if label is not None:
            actions.append(ApiKeyRecord.label.set(label))
        if villages is not None:
            actions.append(ApiKeyRecord.villages.set(cast(Any, list(villages))))
        record = ApiKeyRecord(key_id)
        condition = (ApiKeyRecord.owner == self.owner) & _not_revoked(now)
        if villages is not None:
            condition = condition & (ApiKeyRecord.role == Role.OPERATOR.value)
        if not condition_held(lambda: record.update(actions=actions, condition=condition)):
            raise NotFoundError("no such key")
        return record.to_domain()

    def rotate(self, old: ApiKey, new: ApiKey, *, old_ends_at: datetime) -> None:
        """Store `new` and end `old` at `old_ends_at`, in one transaction; refused (409) when `old` was
        revoked or rotated meanwhile."""
        record = ApiKeyRecord(old.key_id)
        try:
            with TransactWrite(connection=Connection()) as transaction:
                transaction.save(self.record_for_new(new), condition=ApiKeyRecord.key_id.does_not_exist())
                transaction.update(
                    record,
                    actions=[ApiKeyRecord.revoked_at.set(old_ends_at)],
                    condition=(ApiKeyRecord.owner == self.owner) & ApiKeyRecord.revoked_at.does_not_exist(),
                )
        except TransactWriteError as exc:
            if is_throttling(exc):
                raise
            raise ConflictError(f"key {old.key_id} was revoked or rotated meanwhile", code="key_revoked") from exc


class KeyDirectoryRepository:
    """Every owner's keys (the `KeyDirectory` port): the module's cross-owner functions, as one handle."""

    find = staticmethod(find_key)
    put_bootstrap = staticmethod(put_key)
    page = staticmethod(page_all)

    def of_owner(self, owner: str) -> KeyRepository:
        """The keys of one owner."""
        return KeyRepository(owner=owner)

    def record_use(self, key_id: str, *, now: datetime) -> bool:
        """Note a key's use (at most one write a minute), through the module's function as it is then."""
        return record_use(key_id, now=now)
