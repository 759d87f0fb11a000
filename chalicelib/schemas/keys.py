"""API key requests and responses."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from chalicelib import areas
from chalicelib.domain.keys import ApiKey, IssuedKey
from chalicelib.domain.principal import Role
from chalicelib.schemas.common import PublicModel, RequestModel


class KeyCreate(RequestModel):
    """A district admin asks for a key of its tenant."""

    role: Literal["district_admin", "operator", "viewer"]
    label: str = Field(min_length=1, max_length=100)
    villages: list[str] = Field(default_factory=list, max_length=100, description="Village codes (operator keys only).")


class NationalKeyCreate(RequestModel):
    """The platform admin asks for a national-viewer key, or a replacement district-admin key of a tenant."""

    role: Literal["national_viewer", "district_admin"]
    label: str = Field(min_length=1, max_length=100)
    tenant_id: str | None = Field(default=None, pattern=areas.REGENCY_CODE_PATTERN)


class IssuedKeyPublic(PublicModel):
    """A new key with its secret: shown this once, never again."""

    key_id: str
    secret: str
    role: Role
    label: str
    villages: list[str]
    created_at: datetime

    @classmethod
    def of(cls, issued: IssuedKey) -> IssuedKeyPublic:
        key = issued.key
        return cls(
            key_id=key.key_id,
            secret=issued.secret,
            role=key.role,
            label=key.label,
            villages=list(key.villages),
            created_at=key.created_at,
        )


class KeyPublic(PublicModel):
    """A key as listed: no secret."""

    key_id: str
    role: Role
    label: str
    villages: list[str]
    created_at: datetime
    created_by: str | None = None

    @classmethod
    def of(cls, key: ApiKey) -> KeyPublic:
        return cls(
            key_id=key.key_id,
            role=key.role,
            label=key.label,
            villages=list(key.villages),
            created_at=key.created_at,
            created_by=key.created_by,
        )


class KeyPage(PublicModel):
    """One page of keys."""

    items: list[KeyPublic]
    next_cursor: str | None = None


class CallerPublic(PublicModel):
    """The key a request carries: what the web app needs to show what its holder may do."""

    key_id: str
    role: Role
    tenant_id: str | None
    villages: list[str]
