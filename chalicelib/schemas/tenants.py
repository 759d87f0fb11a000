"""Tenant requests and responses."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from chalicelib import areas
from chalicelib.domain.tenants import Tenant, TenantStatus
from chalicelib.schemas.common import PageQuery, PublicModel, RequestModel, described

EMAIL = described(
    r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$", "an email address such as perpustakaan@grobogankab.go.id", "email"
)


class SignupRequest(RequestModel):
    """A regency office asks to join."""

    regency_code: str = Field(pattern=areas.REGENCY_CODE_PATTERN, examples=["33.15"])
    office_name: str = Field(
        min_length=1, max_length=200, examples=["Dinas Perpustakaan dan Kearsipan Kabupaten Grobogan"]
    )
    contact_name: str = Field(min_length=1, max_length=200)
    contact_email: str = Field(pattern=EMAIL, max_length=254)


class TenantPublic(PublicModel):
    """A regency office as the API shows it."""

    tenant_id: str
    regency_name: str
    province_code: str
    province_name: str
    office_name: str
    contact_name: str
    contact_email: str
    status: TenantStatus
    created_at: datetime
    approved_at: datetime | None = None
    suspended_at: datetime | None = None

    @classmethod
    def of(cls, tenant: Tenant) -> TenantPublic:
        return cls.read(tenant, province_name=areas.name_of(tenant.province_code) or "")


class TenantPage(PublicModel):
    """One page of tenants."""

    items: list[TenantPublic]
    next_cursor: str | None = None


class TenantListQuery(PageQuery):
    """Filter tenants by status."""

    status: TenantStatus | None = None


class TenantResponse(PublicModel):
    """A tenant."""

    tenant: TenantPublic
