"""Sign-up application requests and responses."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from chalicelib import areas
from chalicelib.domain.signups import Application, ApplicationStatus
from chalicelib.schemas.common import PageQuery, PublicModel, RequestModel, ShowsAsOf
from chalicelib.schemas.keys import IssuedKeyPublic
from chalicelib.schemas.tenants import TenantPublic


class SignupAccepted(PublicModel):
    """The application is stored and waits for the platform admin; its id lets the office follow it."""

    application_id: str
    tenant_id: str
    status: ApplicationStatus
    expires_at: datetime


class ApplicationStatusPublic(ShowsAsOf[Application]):
    """An application as its applicant sees it (no contact details)."""

    application_id: str
    tenant_id: str
    regency_name: str
    office_name: str
    status: ApplicationStatus
    created_at: datetime
    expires_at: datetime
    decided_at: datetime | None = None
    reason: str | None = None


class ApplicationPublic(ApplicationStatusPublic):
    """An application as the platform admin sees it."""

    province_code: str
    province_name: str
    contact_name: str
    contact_email: str

    @classmethod
    def of(cls, application: Application, *, now: datetime) -> ApplicationPublic:
        province_name = areas.name_of(application.province_code) or ""
        return cls.read(application, status=application.status(now=now), province_name=province_name)


class ApplicationStatusResponse(PublicModel):
    """An application, for its applicant."""

    application: ApplicationStatusPublic


class ApplicationResponse(PublicModel):
    """An application, for the platform admin."""

    application: ApplicationPublic


class ApplicationPage(PublicModel):
    """One page of applications."""

    items: list[ApplicationPublic]
    next_cursor: str | None = None


class ApplicationListQuery(PageQuery):
    """Filter applications by status and regency."""

    status: ApplicationStatus | None = None
    tenant_id: str | None = Field(default=None, pattern=areas.REGENCY_CODE_PATTERN)


class Rejection(RequestModel):
    """Why an application is rejected (the applicant reads it)."""

    reason: str = Field(min_length=1, max_length=500)


class ApprovalResponse(PublicModel):
    """The approved tenant, its first district-admin key on a first approval (shown once), and the
    applications for the same regency that the approval closed."""

    tenant: TenantPublic
    admin_key: IssuedKeyPublic | None = None
    closed: list[str] = Field(default_factory=list)
