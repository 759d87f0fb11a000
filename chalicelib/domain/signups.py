"""Sign-up applications: a regency office asks to join; the platform admin approves one or rejects any.

An application reserves nothing: several may wait for one regency, and the tenant exists only
from the approval on. A pending application that nobody decided within 30 days is expired.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from chalicelib.errors import ConflictError

APPLICATION_LIFETIME = timedelta(days=30)
CLOSED_REASON = "another application for this regency was approved"


class ApplicationStatus(StrEnum):
    """Where an application is: waiting, decided, closed by another's approval, or too old."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    CLOSED = "closed"
    EXPIRED = "expired"  # never stored: a pending application past its expiry reads as expired


@dataclass(frozen=True)
class Application:
    """One office's request to become the tenant of a regency."""

    application_id: str
    tenant_id: str  # the regency code the office applies for
    regency_name: str
    office_name: str
    contact_name: str
    contact_email: str
    stored_status: ApplicationStatus
    created_at: datetime
    decided_at: datetime | None = None
    reason: str | None = None

    @property
    def province_code(self) -> str:
        """The province the regency lies in."""
        return self.tenant_id.split(".")[0]

    @property
    def expires_at(self) -> datetime:
        """When a pending application stops being decidable."""
        return self.created_at + APPLICATION_LIFETIME

    def status(self, *, now: datetime) -> ApplicationStatus:
        """The status as of `now` (a pending application past its expiry is expired)."""
        if self.stored_status is ApplicationStatus.PENDING and now >= self.expires_at:
            return ApplicationStatus.EXPIRED
        return self.stored_status

    def decided(self, status: ApplicationStatus, *, at: datetime, reason: str | None = None) -> Application:
        """This application approved, rejected or closed; only a pending one can be decided."""
        current = self.status(now=at)
        if current is not ApplicationStatus.PENDING:
            raise ConflictError(
                f"application {self.application_id} is {current}; only a pending application can be decided",
                code="application_not_pending",
            )
        return replace(self, stored_status=status, decided_at=at, reason=reason)
