"""The access stores as typed ports: API keys, sign-up applications and their rate limits.

A tenant's keys are bound to it (`TenantStores.keys`); finding a key by its id for authentication,
the platform admin's listings and the bootstrap key go through the cross-tenant `KeyDirectory`.
Applications and rate limits belong to no tenant (`PlatformStores`). An approval's writes (the
decision, the tenant and its first key) are one method, `ApplicationStore.admit`, so that no service
composes a transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol, TypeAlias

from chalicelib.domain.keys import ApiKey, KeyStatus
from chalicelib.domain.principal import Role
from chalicelib.domain.signups import Application, ApplicationStatus
from chalicelib.domain.tenants import Tenant
from chalicelib.errors import ConflictError

Cursor: TypeAlias = str | None
"""Where a listing goes on: opaque, bound to its listing; None for the first page, or after the last."""
KeyListing: TypeAlias = tuple[list[ApiKey], Cursor]
ApplicationListing: TypeAlias = tuple[list[Application], Cursor]


class KeptKeyGoneError(ConflictError):
    """The key that was to stay live was revoked meanwhile (the caller looks again)."""


class KeyStore(Protocol):
    """The keys of one owner (a tenant, or the national program): nothing of another owner is seen."""

    def add(self, key: ApiKey) -> None:
        """Store a new key of this owner (ValueError for a key of another owner)."""
        ...

    def get(self, key_id: str) -> ApiKey | None:
        """One of this owner's keys; another owner's key is None, as a missing one."""
        ...

    def page(
        self, *, limit: int, cursor: Cursor, status: KeyStatus | None, now: datetime, role: Role | None = None
    ) -> KeyListing:
        """One page of this owner's keys in key-id order, by status as of `now` (and role). The limit
        counts the keys read before the filter: a page may hold fewer (even none) while a cursor
        follows; the cursor is None after the last page, and one of another owner is refused."""
        ...

    def live_keys(self, *, role: Role, now: datetime) -> list[ApiKey]:
        """Every live key of this owner with this role, in key-id order."""
        ...

    def revoke(self, key_id: str, *, at: datetime, keeping: str | None = None) -> None:
        """Revoke a key not revoked as of `at` (a rotated one in its grace period too, at once):
        NotFoundError otherwise. With `keeping`, only while that other key is still live, both in one
        transaction (KeptKeyGoneError, nothing written, when it is not)."""
        ...

    def update(self, key_id: str, *, label: str | None, villages: tuple[str, ...] | None, now: datetime) -> ApiKey:
        """Change a not-revoked key's label or (an operator key's) villages; the key as stored after.
        NotFoundError (nothing written) for a revoked, unknown or other owner's key, or for villages
        of a key that is not an operator's."""
        ...

    def rotate(self, old: ApiKey, new: ApiKey, *, old_ends_at: datetime) -> None:
        """Store `new` and end `old` at `old_ends_at`, both or neither; ConflictError (key_revoked)
        when `old` was revoked or rotated meanwhile."""
        ...


class KeyDirectory(Protocol):
    """Every owner's keys: for authentication, the platform admin and the bootstrap key only."""

    def find(self, key_id: str) -> ApiKey | None:
        """The key with this id, whoever owns it."""
        ...

    def of_owner(self, owner: str) -> KeyStore:
        """The keys of one owner."""
        ...

    def put_bootstrap(self, key: ApiKey) -> None:
        """Store (or replace) the platform's bootstrap key, with no owner check."""
        ...

    def record_use(self, key_id: str, *, now: datetime) -> bool:
        """Set a key's last use to `now` unless it was set less than a minute before (one conditional
        write); whether it was written (never for an unknown key)."""
        ...

    def page(
        self,
        *,
        owner: str | None,
        role: Role | None,
        status: KeyStatus | None,
        limit: int,
        cursor: Cursor,
        now: datetime,
    ) -> KeyListing:
        """One page of every owner's keys (in no promised order) or of one owner's (see `KeyStore.page`),
        by role and status; a page may hold fewer than `limit` while a cursor follows."""
        ...


class ApplicationStore(Protocol):
    """All sign-up applications: the platform's own data."""

    def add(self, application: Application) -> None:
        """Store a new application (its id is a fresh UUID)."""
        ...

    def get(self, application_id: str) -> Application | None:
        """The application, or None."""
        ...

    def waiting_for(self, tenant_id: str, *, now: datetime) -> list[Application]:
        """Every pending (not expired as of `now`) application of a regency, oldest first."""
        ...

    def page(
        self, *, status: ApplicationStatus | None, tenant_id: str | None, limit: int, cursor: Cursor, now: datetime
    ) -> ApplicationListing:
        """One page of applications: oldest first within a regency or a status (as of `now`), in no
        promised order otherwise. The limit counts what is read before the status filter: a page may
        hold fewer while a cursor follows; a cursor of another listing is refused."""
        ...

    def decide(self, application: Application) -> bool:
        """Store a decision (status, time, reason); False (nothing written) when the stored
        application is no longer pending."""
        ...

    def admit(self, tenant: Tenant, *, application: Application, first_key: ApiKey) -> None:
        """Make an approved application's regency an active tenant with its first key, all or
        nothing: the decision (while the application is still pending), the tenant (while the
        regency has none, or over a pending tenant from before sign-ups were applications) and the
        key. ConflictError (tenant_exists when the regency has a tenant that is not pending; nothing
        written) when any of them changed meanwhile."""
        ...


class RateLimitStore(Protocol):
    """Fixed-window request counters per purpose and source."""

    def take(self, *, purpose: str, source: str, limit: int, window_seconds: int, now: datetime) -> int | None:
        """Count one request of `source`: None when it is within `limit` in the current window,
        else the seconds until the window ends (and nothing counted)."""
        ...
