"""In-memory twins of the access stores (chalicelib/stores/access.py): keys, applications, rate limits.

They refuse what the PynamoDB repositories refuse (the same conditions, the same errors), page like
a DynamoDB query (the limit counts what is read before the filter; the cursor is opaque and bound
to its listing) and write an approval's three items all or nothing. tests/contract runs both.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TypeVar

from chalicelib.domain.keys import USE_RECORDED_EVERY, ApiKey, KeyStatus
from chalicelib.domain.principal import Role
from chalicelib.domain.signups import Application, ApplicationStatus
from chalicelib.domain.tenants import Tenant, TenantStatus
from chalicelib.errors import ConflictError, NotFoundError
from chalicelib.repositories.base import decode_cursor, encode_cursor
from chalicelib.stores.access import ApplicationListing, Cursor, KeptKeyGoneError, KeyListing

T = TypeVar("T")


@dataclass
class AccessData:
    """What the access stores of one world share: keys by id, applications by id, counters by window,
    and the world's tenants (with the version a change is conditional on), which an approval writes."""

    tenants: dict[str, tuple[Tenant, int]]
    keys: dict[str, ApiKey] = field(default_factory=dict)
    applications: dict[str, Application] = field(default_factory=dict)
    counters: dict[str, int] = field(default_factory=dict)


def _page(
    rows: list[tuple[dict[str, str], T]],
    *,
    scope: dict[str, str],
    cursor: str | None,
    limit: int,
    keep: Callable[[T], bool],
) -> tuple[list[T], str | None]:
    """A query's page over rows sorted by their key (attribute -> value): `limit` rows read after the
    cursor, those that `keep` keeps, and a cursor when more rows follow."""
    start = decode_cursor(cursor, scope=scope) or {}

    def after_start(row: tuple[dict[str, str], T]) -> bool:
        return not start or tuple(row[0].values()) > tuple(start.get(name, {}).get("S", "") for name in row[0])

    remaining = sorted((row for row in rows if after_start(row)), key=lambda row: tuple(row[0].values()))
    read = remaining[:limit]
    items = [item for _, item in read if keep(item)]
    if len(remaining) <= limit:
        return items, None
    return items, encode_cursor({name: {"S": value} for name, value in read[-1][0].items()})


def _not_revoked(key: ApiKey, at: datetime) -> bool:
    return key.revoked_at is None or key.revoked_at > at


class MemoryKeyStore:
    """The keys of one owner."""

    def __init__(self, owner: str, data: AccessData) -> None:
        if not owner:
            raise ValueError("a key store needs an owner")
        self.owner = owner
        self._data = data

    def _own(self, key_id: str) -> ApiKey | None:
        key = self._data.keys.get(key_id)
        return key if key is not None and key.owner == self.owner else None

    def _new(self, key: ApiKey) -> ApiKey:
        if key.owner != self.owner:
            raise ValueError("key belongs to another owner")
        return key

    def add(self, key: ApiKey) -> None:
        if self._new(key).key_id in self._data.keys:
            raise RuntimeError("key id collision")
        self._data.keys[key.key_id] = key

    def get(self, key_id: str) -> ApiKey | None:
        return self._own(key_id)

    def page(
        self, *, limit: int, cursor: Cursor, status: KeyStatus | None, now: datetime, role: Role | None = None
    ) -> KeyListing:
        rows = [({"owner": k.owner, "key_id": k.key_id}, k) for k in self._data.keys.values() if k.owner == self.owner]
        return _page(rows, scope={"owner": self.owner}, cursor=cursor, limit=limit, keep=_kept(status, role, now))

    def live_keys(self, *, role: Role, now: datetime) -> list[ApiKey]:
        return [
            self._data.keys[key_id]
            for key_id in sorted(self._data.keys)
            if (k := self._data.keys[key_id]).owner == self.owner and k.role is role and k.live(now=now)
        ]

    def revoke(self, key_id: str, *, at: datetime, keeping: str | None = None) -> None:
        key = self._own(key_id)
        if key is None or not _not_revoked(key, at):
            raise NotFoundError("no such key")
        if keeping is not None:
            kept = self._own(keeping)
            if kept is None or not kept.live(now=at):
                raise KeptKeyGoneError(f"key {keeping} changed meanwhile")
        self._data.keys[key_id] = replace(key, revoked_at=at)

    def update(self, key_id: str, *, label: str | None, villages: tuple[str, ...] | None, now: datetime) -> ApiKey:
        key = self._own(key_id)
        if key is None or not _not_revoked(key, now) or (villages is not None and key.role is not Role.OPERATOR):
            raise NotFoundError("no such key")
        updated = replace(
            key, label=key.label if label is None else label, villages=key.villages if villages is None else villages
        )
        self._data.keys[key_id] = updated
        return updated

    def rotate(self, old: ApiKey, new: ApiKey, *, old_ends_at: datetime) -> None:
        stored = self._own(old.key_id)
        if self._new(new).key_id in self._data.keys or stored is None or stored.revoked_at is not None:
            raise ConflictError(f"key {old.key_id} was revoked or rotated meanwhile", code="key_revoked")
        self._data.keys[new.key_id] = new
        self._data.keys[old.key_id] = replace(stored, revoked_at=old_ends_at)


def _kept(status: KeyStatus | None, role: Role | None, now: datetime) -> Callable[[ApiKey], bool]:
    return lambda k: (status is None or k.status(now=now) is status) and (role is None or k.role is role)


class MemoryKeyDirectory:
    """Every owner's keys."""

    def __init__(self, data: AccessData) -> None:
        self._data = data

    def find(self, key_id: str) -> ApiKey | None:
        return self._data.keys.get(key_id)

    def of_owner(self, owner: str) -> MemoryKeyStore:
        return MemoryKeyStore(owner, self._data)

    def put_bootstrap(self, key: ApiKey) -> None:
        self._data.keys[key.key_id] = key

    def record_use(self, key_id: str, *, now: datetime) -> bool:
        key = self._data.keys.get(key_id)
        if key is None or (key.last_used_at is not None and key.last_used_at > now - USE_RECORDED_EVERY):
            return False
        self._data.keys[key_id] = replace(key, last_used_at=now)
        return True

    def page(
        self,
        *,
        limit: int,
        cursor: Cursor,
        status: KeyStatus | None,
        now: datetime,
        role: Role | None,
        owner: str | None,  # the parameters of MemoryKeyStore.page, and whose keys
    ) -> KeyListing:
        if owner is not None:
            return self.of_owner(owner).page(limit=limit, cursor=cursor, status=status, now=now, role=role)
        rows = [({"key_id": k.key_id}, k) for k in self._data.keys.values()]
        return _page(rows, scope={}, cursor=cursor, limit=limit, keep=_kept(status, role, now))


def _created_key(application: Application) -> str:
    return f"{application.created_at.isoformat()}#{application.application_id}"


class MemoryApplicationStore:
    """All sign-up applications, and the approval that admits a tenant."""

    def __init__(self, data: AccessData) -> None:
        self._data = data

    def add(self, application: Application) -> None:
        if application.application_id in self._data.applications:
            raise ConflictError(f"application {application.application_id} exists")
        self._data.applications[application.application_id] = application

    def get(self, application_id: str) -> Application | None:
        return self._data.applications.get(application_id)

    def waiting_for(self, tenant_id: str, *, now: datetime) -> list[Application]:
        return sorted(
            (
                a
                for a in self._data.applications.values()
                if a.tenant_id == tenant_id and a.status(now=now) is ApplicationStatus.PENDING
            ),
            key=_created_key,
        )

    def page(
        self, *, status: ApplicationStatus | None, tenant_id: str | None, limit: int, cursor: Cursor, now: datetime
    ) -> ApplicationListing:
        def keep(a: Application) -> bool:
            return status is None or a.status(now=now) is status

        every = list(self._data.applications.values())
        if tenant_id is not None:
            rows = [(_index_key("tenant_id", a.tenant_id, a), a) for a in every if a.tenant_id == tenant_id]
            return _page(rows, scope={"tenant_id": tenant_id}, cursor=cursor, limit=limit, keep=keep)
        if status is not None:
            stored = ApplicationStatus.PENDING if status is ApplicationStatus.EXPIRED else status
            rows = [(_index_key("status", stored.value, a), a) for a in every if a.stored_status is stored]
            return _page(rows, scope={"status": stored.value}, cursor=cursor, limit=limit, keep=keep)
        rows = [({"application_id": a.application_id}, a) for a in every]
        return _page(rows, scope={}, cursor=cursor, limit=limit, keep=keep)

    def decide(self, application: Application) -> bool:
        stored = self._data.applications.get(application.application_id)
        if stored is None or stored.stored_status is not ApplicationStatus.PENDING:
            return False
        self._data.applications[application.application_id] = replace(
            stored,
            stored_status=application.stored_status,
            decided_at=application.decided_at or stored.decided_at,
            reason=application.reason or stored.reason,
        )
        return True

    def admit(self, tenant: Tenant, *, application: Application, first_key: ApiKey) -> None:
        tenants = self._data.tenants
        pending = tenants.get(tenant.tenant_id)
        if pending is not None and pending[0].status is not TenantStatus.PENDING:
            raise ConflictError(f"regency {tenant.tenant_id} already has a regency office", code="tenant_exists")
        if first_key.owner != tenant.tenant_id:
            raise ValueError("key belongs to another owner")
        stored = self._data.applications.get(application.application_id)
        if stored is None or stored.stored_status is not ApplicationStatus.PENDING:
            raise ConflictError(f"application {application.application_id} or its regency changed meanwhile")
        self.decide(application)
        if pending is None:
            tenants[tenant.tenant_id] = (tenant, 1)
        else:  # over a pending tenant from before sign-ups were applications: its profile stays
            kept = replace(
                pending[0], status=tenant.status, approved_at=tenant.approved_at, suspended_at=tenant.suspended_at
            )
            tenants[tenant.tenant_id] = (kept, pending[1] + 1)
        self._data.keys[first_key.key_id] = first_key


def _index_key(name: str, value: str, application: Application) -> dict[str, str]:
    """The key of an application in an index: the index's partition, its arrival, its id."""
    return {name: value, "created_key": _created_key(application), "application_id": application.application_id}


class MemoryRateLimits:
    """Fixed-window counters."""

    def __init__(self, data: AccessData) -> None:
        self._data = data

    def take(self, *, purpose: str, source: str, limit: int, window_seconds: int, now: datetime) -> int | None:
        epoch = int(now.timestamp())
        start = epoch - epoch % window_seconds
        counter = f"{purpose}#{source}#{start}"
        if self._data.counters.get(counter, 0) >= limit:
            return start + window_seconds - epoch
        self._data.counters[counter] = self._data.counters.get(counter, 0) + 1
        return None
