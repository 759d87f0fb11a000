"""Tenants: regency/city library offices, identified by their Kemendagri regency code."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from chalicelib.errors import ConflictError


class TenantStatus(StrEnum):
    """Where a tenant is in its life: signed up, approved, or suspended."""

    PENDING = "pending"
    ACTIVE = "active"
    SUSPENDED = "suspended"


@dataclass(frozen=True)
class Tenant:
    """A regency library office (Dinas Perpustakaan) using the service."""

    tenant_id: str
    regency_name: str
    office_name: str
    contact_name: str
    contact_email: str
    status: TenantStatus
    created_at: datetime
    approved_at: datetime | None = None
    suspended_at: datetime | None = None

    @property
    def province_code(self) -> str:
        """The province the regency lies in."""
        return self.tenant_id.split(".")[0]

    def approved(self, *, at: datetime) -> Tenant:
        """This tenant approved (again); an active tenant cannot be approved twice."""
        if self.status is TenantStatus.ACTIVE:
            raise ConflictError(f"tenant {self.tenant_id} is already active")
        return replace(self, status=TenantStatus.ACTIVE, approved_at=at, suspended_at=None)

    def suspended(self, *, at: datetime) -> Tenant:
        """This tenant suspended: every key of it is refused until it is approved again."""
        if self.status is not TenantStatus.ACTIVE:
            raise ConflictError(f"only an active tenant can be suspended; {self.tenant_id} is {self.status}")
        return replace(self, status=TenantStatus.SUSPENDED, suspended_at=at)
