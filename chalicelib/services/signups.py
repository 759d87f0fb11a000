"""Sign-up applications: submitting (rate-limited per source), reading, approving and rejecting."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Protocol

from chalicelib import areas
from chalicelib.clock import utcnow
from chalicelib.config import get_settings
from chalicelib.domain.keys import IssuedKey
from chalicelib.domain.principal import Principal, Role
from chalicelib.domain.signups import CLOSED_REASON, Application, ApplicationStatus
from chalicelib.domain.tenants import Tenant, TenantStatus
from chalicelib.errors import (
    AlreadyExistsError,
    ConflictError,
    FieldProblem,
    InvalidInputError,
    NotFoundError,
    RateLimitedError,
)
from chalicelib.observability import logger
from chalicelib.services.keys import build_key
from chalicelib.stores import platform

SIGNUP_WINDOW_SECONDS = 3600


class SignupData(Protocol):
    """What a regency office sends to sign up."""

    regency_code: str
    office_name: str
    contact_name: str
    contact_email: str


def submit(
    *,
    data: SignupData,
    source: str,
    now: datetime | None = None,
) -> Application:
    """Store a pending application; it reserves nothing. Refused beyond the per-source limit (429)
    and for a regency that already has a tenant (409)."""
    now = now or utcnow()
    stores = platform()
    retry_after = stores.rate_limits.take(
        purpose="signup",
        source=source,
        limit=get_settings().signup_limit_per_hour,
        window_seconds=SIGNUP_WINDOW_SECONDS,
        now=now,
    )
    if retry_after is not None:
        logger.warning("sign-up refused: the address's hourly limit is spent", extra={"source": source})
        raise RateLimitedError("too many sign-ups from this address; retry later", retry_after=retry_after)
    area = areas.lookup(data.regency_code)
    if area is None or area.level is not areas.Level.REGENCY:
        raise InvalidInputError(
            f"{data.regency_code} is not a regency or city code in the Kemendagri list",
            details=[FieldProblem("regency_code", "unknown regency or city code")],
        )
    tenant = stores.tenants.get(area.code)
    if tenant is not None and tenant.status is not TenantStatus.PENDING:
        raise AlreadyExistsError(f"regency {area.code} already has a regency office", code="tenant_exists")
    application = Application(
        application_id=str(uuid.uuid4()),
        tenant_id=area.code,
        regency_name=area.name,
        office_name=data.office_name,
        contact_name=data.contact_name,
        contact_email=data.contact_email,
        stored_status=ApplicationStatus.PENDING,
        created_at=now,
    )
    stores.applications.add(application)
    return application


def find(application_id: str) -> Application:
    """An application by its id (a UUID, in any letter case); anything else is not found."""
    try:
        canonical = str(uuid.UUID(application_id))
    except ValueError as exc:
        raise NotFoundError("no such application") from exc
    application = platform().applications.get(canonical)
    if application is None:
        raise NotFoundError("no such application")
    return application


def list_applications(
    *,
    principal: Principal,
    status: ApplicationStatus | None,
    tenant_id: str | None,
    limit: int,
    cursor: str | None,
    now: datetime | None = None,
) -> tuple[list[Application], str | None]:
    """Applications for the platform admin, by status and regency."""
    principal.require(Role.PLATFORM_ADMIN)
    return platform().applications.page(
        status=status, tenant_id=tenant_id, limit=limit, cursor=cursor, now=now or utcnow()
    )


def approve(
    *, principal: Principal, application_id: str, now: datetime | None = None
) -> tuple[Tenant, IssuedKey, list[str]]:
    """Approve one application: its regency becomes an active tenant with a first district-admin key
    (one transaction), and the regency's other pending applications are closed. The ids of those."""
    principal.require(Role.PLATFORM_ADMIN)
    return approve_application(principal=principal, application=find(application_id), now=now or utcnow())


def approve_application(
    *, principal: Principal, application: Application, now: datetime
) -> tuple[Tenant, IssuedKey, list[str]]:
    """Approve a found application (see `approve`)."""
    stores = platform()
    applications = stores.applications
    decided = application.decided(ApplicationStatus.APPROVED, at=now)
    tenant_id = application.tenant_id
    existing = stores.tenants.get(tenant_id)
    if existing is not None and existing.status is not TenantStatus.PENDING:
        raise ConflictError(f"regency {tenant_id} already has a regency office", code="tenant_exists")
    tenant = Tenant(
        tenant_id=tenant_id,
        regency_name=application.regency_name,
        office_name=application.office_name,
        contact_name=application.contact_name,
        contact_email=application.contact_email,
        status=TenantStatus.ACTIVE,
        created_at=application.created_at,
        approved_at=now,
    )
    issued = first_admin_key(principal=principal, tenant_id=tenant_id, now=now)
    applications.admit(tenant, application=decided, first_key=issued.key)
    closed = [
        other.application_id
        for other in applications.waiting_for(tenant_id, now=now)
        if applications.decide(other.decided(ApplicationStatus.CLOSED, at=now, reason=CLOSED_REASON))
    ]
    return tenant, issued, closed


def first_admin_key(*, principal: Principal, tenant_id: str, now: datetime) -> IssuedKey:
    """The first district-admin key of a newly approved tenant (not stored yet)."""
    return build_key(
        owner=tenant_id,
        role=Role.DISTRICT_ADMIN,
        label="first district admin",
        villages=(),
        created_by=principal.key_id,
        now=now,
    )


def reject(*, principal: Principal, application_id: str, reason: str, now: datetime | None = None) -> Application:
    """Reject a pending application with a reason the applicant can read."""
    principal.require(Role.PLATFORM_ADMIN)
    decided = find(application_id).decided(ApplicationStatus.REJECTED, at=now or utcnow(), reason=reason)
    if not platform().applications.decide(decided):
        raise ConflictError(
            f"application {decided.application_id} was decided meanwhile", code="application_not_pending"
        )
    return decided


def waiting_application(*, tenant_id: str, now: datetime) -> Application:
    """The one pending application of a regency (for the tenant-route approval)."""
    waiting = platform().applications.waiting_for(tenant_id, now=now)
    if not waiting:
        raise NotFoundError("no such tenant or pending application")
    if len(waiting) > 1:
        raise ConflictError(
            f"{len(waiting)} applications wait for regency {tenant_id}; approve one by its id",
            code="ambiguous_application",
            details=[FieldProblem("application_id", a.application_id) for a in waiting],
        )
    return waiting[0]
