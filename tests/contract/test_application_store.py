"""The contract of the sign-up applications (`ApplicationStore`) and of an approval's one write
(`admit`), on DynamoDB and in memory."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import replace

import pytest

from chalicelib.domain.keys import ApiKey
from chalicelib.domain.principal import Role
from chalicelib.domain.signups import APPLICATION_LIFETIME, Application, ApplicationStatus
from chalicelib.domain.tenants import Tenant, TenantStatus
from chalicelib.errors import ConflictError, MalformedRequestError
from chalicelib.stores import ApplicationStore, PlatformStores

AT = dt.datetime(2026, 11, 5, 8, 30, tzinfo=dt.UTC)
NOW = AT + dt.timedelta(days=1)


def _application(
    tenant_id: str = "33.15", *, minutes: int = 0, status: ApplicationStatus = ApplicationStatus.PENDING
) -> Application:
    return Application(
        str(uuid.uuid4()),
        tenant_id,
        f"Kabupaten {tenant_id}",
        "Dinas Perpustakaan",
        "Sri",
        "sri@example.id",
        status,
        AT + dt.timedelta(minutes=minutes),
    )


def _tenant(status: TenantStatus = TenantStatus.ACTIVE, **changes: object) -> Tenant:
    made = Tenant("33.15", "Kabupaten 33.15", "Dinas Perpustakaan", "Sri", "sri@example.id", status, AT, NOW, None)
    return replace(made, **changes)  # type: ignore[arg-type]


def _first_key(owner: str = "33.15") -> ApiKey:
    return ApiKey("f1", owner, Role.DISTRICT_ADMIN, "first district admin", (), "hash-f1", NOW, created_by="p1")


def _walk(store: ApplicationStore, *, status: ApplicationStatus | None, tenant_id: str | None) -> list[str]:
    seen: list[str] = []
    cursor: str | None = None
    while True:
        items, cursor = store.page(status=status, tenant_id=tenant_id, limit=2, cursor=cursor, now=NOW)
        assert len(items) <= 2
        seen += [a.application_id for a in items]
        if cursor is None:
            return seen


def test_an_application_added_is_read_back_and_an_unknown_one_is_none(platform_stores: PlatformStores) -> None:
    store = platform_stores.applications
    application = _application()

    store.add(application)

    assert store.get(application.application_id) == application
    assert store.get(str(uuid.uuid4())) is None


def test_the_applications_waiting_for_a_regency_are_its_pending_unexpired_ones_oldest_first(
    platform_stores: PlatformStores,
) -> None:
    store = platform_stores.applications
    second, first = _application(minutes=5), _application(minutes=1)
    expired = replace(_application(), created_at=NOW - APPLICATION_LIFETIME)
    rejected = _application(minutes=2, status=ApplicationStatus.REJECTED)
    for application in (second, first, expired, rejected, _application("33.16")):
        store.add(application)

    assert store.waiting_for("33.15", now=NOW) == [first, second]
    assert store.waiting_for("33.17", now=NOW) == []


def test_pages_of_a_regency_or_a_status_come_oldest_first_and_every_page_once(platform_stores: PlatformStores) -> None:
    store = platform_stores.applications
    mine = [_application(minutes=m) for m in (4, 1, 3, 2, 5)]
    rejected = _application("33.16", minutes=6, status=ApplicationStatus.REJECTED)
    expired = replace(_application("33.16"), created_at=NOW - APPLICATION_LIFETIME)
    for application in (*mine, rejected, expired):
        store.add(application)
    oldest_first = [a.application_id for a in sorted(mine, key=lambda a: a.created_at)]

    assert _walk(store, status=None, tenant_id="33.15") == oldest_first
    assert _walk(store, status=ApplicationStatus.PENDING, tenant_id=None) == oldest_first
    assert _walk(store, status=ApplicationStatus.EXPIRED, tenant_id=None) == [expired.application_id]
    assert _walk(store, status=ApplicationStatus.REJECTED, tenant_id="33.16") == [rejected.application_id]
    every = [*oldest_first, rejected.application_id, expired.application_id]
    assert sorted(_walk(store, status=None, tenant_id=None)) == sorted(every)


def test_a_cursor_of_another_listing_is_refused(platform_stores: PlatformStores) -> None:
    store = platform_stores.applications
    for minutes in (1, 2, 3):
        store.add(_application(minutes=minutes))
    _, cursor = store.page(status=None, tenant_id="33.15", limit=1, cursor=None, now=NOW)
    assert cursor is not None

    with pytest.raises(MalformedRequestError):
        store.page(status=None, tenant_id="33.16", limit=1, cursor=cursor, now=NOW)


def test_a_decision_is_stored_once_and_a_second_one_is_refused(platform_stores: PlatformStores) -> None:
    store = platform_stores.applications
    application = _application()
    store.add(application)
    rejected = application.decided(ApplicationStatus.REJECTED, at=NOW, reason="not an office")

    assert store.decide(rejected) is True
    assert store.decide(replace(rejected, stored_status=ApplicationStatus.CLOSED, reason="other")) is False
    assert store.get(application.application_id) == rejected


def test_admitting_stores_the_decision_the_tenant_and_its_first_key(platform_stores: PlatformStores) -> None:
    application = _application()
    platform_stores.applications.add(application)
    approved = application.decided(ApplicationStatus.APPROVED, at=NOW)

    platform_stores.applications.admit(_tenant(), application=approved, first_key=_first_key())

    assert platform_stores.applications.get(application.application_id) == approved
    assert platform_stores.tenants.get("33.15") == _tenant()
    assert platform_stores.keys.find("f1") == _first_key()


def test_admitting_over_a_pending_tenant_from_before_applications_keeps_its_profile(
    platform_stores: PlatformStores,
) -> None:
    platform_stores.tenants.add(_tenant(TenantStatus.PENDING, office_name="Kantor Lama", approved_at=None))
    application = _application()
    platform_stores.applications.add(application)

    platform_stores.applications.admit(
        _tenant(), application=application.decided(ApplicationStatus.APPROVED, at=NOW), first_key=_first_key()
    )

    assert platform_stores.tenants.get("33.15") == _tenant(office_name="Kantor Lama")


def test_admitting_a_regency_that_has_a_tenant_writes_nothing(platform_stores: PlatformStores) -> None:
    platform_stores.tenants.add(_tenant(TenantStatus.SUSPENDED))
    application = _application()
    platform_stores.applications.add(application)

    with pytest.raises(ConflictError) as refused:
        platform_stores.applications.admit(
            _tenant(), application=application.decided(ApplicationStatus.APPROVED, at=NOW), first_key=_first_key()
        )

    assert refused.value.code == "tenant_exists"
    assert platform_stores.applications.get(application.application_id) == application
    assert platform_stores.tenants.get("33.15") == _tenant(TenantStatus.SUSPENDED)
    assert platform_stores.keys.find("f1") is None


def test_admitting_an_application_decided_meanwhile_writes_nothing(platform_stores: PlatformStores) -> None:
    store = platform_stores.applications
    application = _application()
    store.add(application)
    store.decide(application.decided(ApplicationStatus.REJECTED, at=NOW, reason="no"))

    with pytest.raises(ConflictError):
        store.admit(
            _tenant(), application=application.decided(ApplicationStatus.APPROVED, at=NOW), first_key=_first_key()
        )

    assert platform_stores.tenants.get("33.15") is None
    assert platform_stores.keys.find("f1") is None
    stored = store.get(application.application_id)
    assert stored is not None and stored.stored_status is ApplicationStatus.REJECTED


def test_admitting_an_unknown_application_writes_nothing(platform_stores: PlatformStores) -> None:
    application = _application()

    with pytest.raises(ConflictError):
        platform_stores.applications.admit(
            _tenant(), application=application.decided(ApplicationStatus.APPROVED, at=NOW), first_key=_first_key()
        )

    assert platform_stores.applications.get(application.application_id) is None
    assert platform_stores.tenants.get("33.15") is None
