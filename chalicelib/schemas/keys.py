"""API key requests and responses."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import AwareDatetime, Field, model_validator

from chalicelib import areas
from chalicelib.domain.keys import MAX_ROTATION_GRACE, ApiKey, IssuedKey, KeyStatus
from chalicelib.domain.principal import Role
from chalicelib.schemas.common import PageQuery, PublicModel, RequestModel, ShowsAsOf

EXPIRY = Field(default=None, description="When the key stops working (in the future, at most two years ahead).")


class KeyCreate(RequestModel):
    """A district admin asks for a key of its tenant."""

    role: Literal["district_admin", "operator", "viewer"]
    label: str = Field(min_length=1, max_length=100)
    villages: list[str] = Field(default_factory=list, max_length=100, description="Village codes (operator keys only).")
    expires_at: AwareDatetime | None = EXPIRY


class NationalKeyCreate(RequestModel):
    """The platform admin asks for a national-viewer key, or a replacement district-admin key of a tenant."""

    role: Literal["national_viewer", "district_admin"]
    label: str = Field(min_length=1, max_length=100)
    tenant_id: str | None = Field(default=None, pattern=areas.REGENCY_CODE_PATTERN)
    expires_at: AwareDatetime | None = EXPIRY


class KeyUpdate(RequestModel):
    """A new label, or an operator key's new villages (the secret stays)."""

    label: str | None = Field(default=None, min_length=1, max_length=100)
    villages: list[str] | None = Field(default=None, min_length=1, max_length=100)

    @model_validator(mode="after")
    def _something(self) -> KeyUpdate:
        if self.label is None and self.villages is None:
            raise ValueError("send a label, villages, or both")
        return self


class KeyRotate(RequestModel):
    """How long the old secret keeps working once the new one exists."""

    grace_seconds: int = Field(ge=0, le=int(MAX_ROTATION_GRACE.total_seconds()), examples=[86400])


class KeyListQuery(PageQuery):
    """Filter a tenant's keys by status (active ones when none is given)."""

    status: KeyStatus | None = None


class AdminKeyListQuery(PageQuery):
    """Filter every key by role, tenant and status."""

    role: Role | None = None
    tenant_id: str | None = Field(default=None, pattern=areas.REGENCY_CODE_PATTERN)
    status: KeyStatus | None = None


class CollectSetup(PublicModel):
    """How ODK Collect (or KoboCollect) reports with an operator key: scan `qr_svg` in Collect."""

    server_url: str = Field(description="The OpenRosa server URL, with the key in its path.")
    settings: dict[str, Any] = Field(description="The project settings Collect imports (general, admin, project).")
    settings_qr: str = Field(description="The settings as Collect's QR code carries them: zlib, then base64.")
    qr_svg: str = Field(description="That QR code, as an SVG document.")


class IssuedKeyPublic(PublicModel):
    """A new key with its secret: shown this once, never again."""

    key_id: str
    secret: str
    role: Role
    tenant_id: str | None = None
    label: str
    villages: list[str]
    created_at: datetime
    expires_at: datetime | None = None
    rotated_from: str | None = None
    collect: CollectSetup | None = Field(default=None, description="Operator keys: the ODK Collect setup (once).")

    @classmethod
    def of(cls, issued: IssuedKey) -> IssuedKeyPublic:
        return cls.read(issued.key, secret=issued.secret)


class KeyPublic(ShowsAsOf[ApiKey]):
    """A key as listed: no secret."""

    key_id: str
    role: Role
    tenant_id: str | None
    label: str
    villages: list[str]
    created_at: datetime
    created_by: str | None = None
    last_used_at: datetime | None = None
    expires_at: datetime | None = None
    revoked_at: datetime | None = Field(default=None, description="In the future while a rotated key's grace runs.")
    status: KeyStatus
    rotated_from: str | None = None


class KeyResponse(PublicModel):
    """A key."""

    key: KeyPublic


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
