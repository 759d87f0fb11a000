"""API keys: random secrets shown once, stored only as SHA-256 hashes."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from chalicelib.domain.principal import Principal, Role

NATIONAL_OWNER = "national"
MAX_KEY_LIFETIME = timedelta(days=731)  # an expiry at most two years ahead (a leap day included)
MAX_ROTATION_GRACE = timedelta(days=7)
MIN_BOOTSTRAP_SECRET = 32  # characters of an operator-chosen platform-admin secret
USE_RECORDED_EVERY = timedelta(minutes=1)  # last_used_at is written at most this often per key
_SECRET_SHAPE = re.compile(r"tpbis_([0-9a-f]{16})_([A-Za-z0-9_\-]{43})")


class KeyStatus(StrEnum):
    """Whether a key opens the API now."""

    ACTIVE = "active"
    REVOKED = "revoked"
    EXPIRED = "expired"


@dataclass(frozen=True)
class ApiKey:
    """A key as stored: never its secret."""

    key_id: str
    owner: str  # a tenant id, or NATIONAL_OWNER for platform and national keys
    role: Role
    label: str
    villages: tuple[str, ...]
    secret_hash: str
    created_at: datetime
    created_by: str | None = None
    revoked_at: datetime | None = None  # in the future while a rotated key's grace period runs
    expires_at: datetime | None = None
    last_used_at: datetime | None = None
    rotated_from: str | None = None

    def status(self, *, now: datetime) -> KeyStatus:
        """Revoked from its revocation time on, expired from its expiry on, else active."""
        if self.revoked_at is not None and self.revoked_at <= now:
            return KeyStatus.REVOKED
        if self.expires_at is not None and self.expires_at <= now:
            return KeyStatus.EXPIRED
        return KeyStatus.ACTIVE

    def live(self, *, now: datetime) -> bool:
        """Whether the key is active and not due to be revoked (a rotated key in its grace period is due)."""
        return self.revoked_at is None and self.status(now=now) is KeyStatus.ACTIVE

    @property
    def tenant_id(self) -> str | None:
        """The tenant the key belongs to (None for national keys)."""
        return None if self.owner == NATIONAL_OWNER else self.owner

    def principal(self) -> Principal:
        """The caller this key stands for."""
        return Principal(
            key_id=self.key_id, role=self.role, tenant_id=self.tenant_id, villages=frozenset(self.villages)
        )

    def matches(self, secret: str) -> bool:
        """Whether `secret` is this key's secret (constant-time comparison)."""
        return hmac.compare_digest(self.secret_hash, hash_secret(secret))


@dataclass(frozen=True)
class KeyData:
    """A request for a new key."""

    role: Role
    label: str
    villages: tuple[str, ...] = ()
    expires_at: datetime | None = None


@dataclass(frozen=True)
class IssuedKey:
    """A key just created, with its secret: the only time the secret exists outside the caller."""

    key: ApiKey
    secret: str


def new_key_id() -> str:
    """A random public key id (64 bits, hex)."""
    return secrets.token_hex(8)


def new_secret(key_id: str) -> str:
    """A fresh secret for a key: 256 random bits, prefixed so that the key can be found and redacted."""
    return f"tpbis_{key_id}_{secrets.token_urlsafe(32)}"


def hash_secret(secret: str) -> str:
    """The stored form of a secret (a random 256-bit secret needs no slow hash)."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def key_id_of(secret: str) -> str:
    """The key id a secret belongs to: embedded in the secrets we issue, derived from any other
    secret (an operator-chosen bootstrap secret) by hashing it."""
    match = _SECRET_SHAPE.fullmatch(secret)
    return match.group(1) if match else "x" + hash_secret(secret)[:15]
