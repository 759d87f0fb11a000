"""The rules of applications and keys over time, without AWS."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.domain.keys import ApiKey, KeyStatus
from chalicelib.domain.principal import Role
from chalicelib.domain.signups import Application, ApplicationStatus
from chalicelib.errors import ConflictError

T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
APPLICATION = Application(
    application_id="6b6f0000-0000-4000-8000-00000000abcd",
    tenant_id="33.15",
    regency_name="Kabupaten Grobogan",
    office_name="Dinas",
    contact_name="Sri",
    contact_email="sri@example.id",
    stored_status=ApplicationStatus.PENDING,
    created_at=T0,
)
KEY = ApiKey(
    key_id="00000000000000aa",
    owner="33.15",
    role=Role.VIEWER,
    label="x",
    villages=(),
    secret_hash="0" * 64,
    created_at=T0,
)


def test_a_pending_application_expires_exactly_30_days_after_it_came_in() -> None:
    assert APPLICATION.status(now=T0 + timedelta(days=30) - timedelta(milliseconds=1)) is ApplicationStatus.PENDING
    assert APPLICATION.status(now=T0 + timedelta(days=30)) is ApplicationStatus.EXPIRED
    rejected = APPLICATION.decided(ApplicationStatus.REJECTED, at=T0, reason="no")
    assert rejected.status(now=T0 + timedelta(days=90)) is ApplicationStatus.REJECTED


@pytest.mark.parametrize("status", [ApplicationStatus.APPROVED, ApplicationStatus.REJECTED, ApplicationStatus.CLOSED])
def test_only_a_pending_application_can_be_decided(status: ApplicationStatus) -> None:
    decided = APPLICATION.decided(status, at=T0 + timedelta(days=1))
    assert decided.decided_at == T0 + timedelta(days=1)
    with pytest.raises(ConflictError):
        decided.decided(ApplicationStatus.APPROVED, at=T0 + timedelta(days=2))
    with pytest.raises(ConflictError):
        APPLICATION.decided(status, at=T0 + timedelta(days=31))  # expired


def test_a_key_is_revoked_from_its_revocation_time_on_and_expired_from_its_expiry_on() -> None:
    rotating = replace(KEY, revoked_at=T0 + timedelta(hours=1))
    assert rotating.status(now=T0) is KeyStatus.ACTIVE and not rotating.live(now=T0)  # in its grace
    assert rotating.status(now=T0 + timedelta(hours=1)) is KeyStatus.REVOKED
    expiring = replace(KEY, expires_at=T0 + timedelta(days=1))
    assert expiring.status(now=T0) is KeyStatus.ACTIVE and expiring.live(now=T0)
    assert expiring.status(now=T0 + timedelta(days=1)) is KeyStatus.EXPIRED
    both = replace(expiring, revoked_at=T0)
    assert both.status(now=T0 + timedelta(days=2)) is KeyStatus.REVOKED  # revocation says more than expiry
