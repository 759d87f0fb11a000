"""Key secrets, hashing, principals and tenant status rules."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.domain.keys import hash_secret, key_id_of, new_key_id, new_secret
from chalicelib.domain.principal import Principal, Role
from chalicelib.domain.tenants import Tenant, TenantStatus
from chalicelib.errors import ConflictError, PermissionDeniedError
from chalicelib.services.auth import bearer_secret

NOW = datetime(2026, 11, 22, tzinfo=UTC)


def test_secrets_carry_at_least_128_random_bits_and_are_never_equal() -> None:
    secrets = {new_secret(new_key_id()) for _ in range(200)}
    assert len(secrets) == 200
    random_part = next(iter(secrets))[len("tpbis_") + 16 + 1 :]
    assert len(random_part) * 6 >= 128  # base64url characters carry 6 bits each


def test_the_key_id_is_read_from_an_issued_secret_and_derived_from_any_other() -> None:
    key_id = new_key_id()
    assert key_id_of(new_secret(key_id)) == key_id
    assert key_id_of("an operator chosen secret") == key_id_of("an operator chosen secret")
    assert key_id_of("an operator chosen secret") != key_id_of("another secret")


def test_only_the_hash_of_a_secret_is_kept_and_it_does_not_reveal_the_secret() -> None:
    secret = new_secret(new_key_id())
    assert hash_secret(secret) == hash_secret(secret)
    assert secret not in hash_secret(secret)
    assert len(hash_secret(secret)) == 64


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Bearer abc", "abc"),
        ("bearer  abc ", "abc"),
        ("Basic abc", None),
        ("Bearer", None),
        ("", None),
        (None, None),
        ("Bearer " + "x" * 600, None),
    ],
)
def test_bearer_headers_are_parsed_strictly(header: str | None, expected: str | None) -> None:
    assert bearer_secret(header) == expected


def test_a_principal_refuses_roles_it_does_not_have() -> None:
    viewer = Principal(key_id="k", role=Role.VIEWER, tenant_id="33.15")
    viewer.require(Role.VIEWER, Role.DISTRICT_ADMIN)
    with pytest.raises(PermissionDeniedError):
        viewer.require(Role.DISTRICT_ADMIN)


def test_an_operator_sees_only_its_villages_and_others_see_all_of_their_tenant() -> None:
    operator = Principal(key_id="k", role=Role.OPERATOR, tenant_id="33.15", villages=frozenset({"33.15.01.2001"}))
    assert operator.sees_village("33.15.01.2001")
    assert not operator.sees_village("33.15.01.2002")
    with pytest.raises(PermissionDeniedError):
        operator.require_village("33.15.01.2002")
    assert Principal(key_id="k", role=Role.VIEWER, tenant_id="33.15").sees_village("33.15.01.2002")


def test_a_national_key_has_no_tenant_to_act_for() -> None:
    with pytest.raises(PermissionDeniedError):
        _ = Principal(key_id="k", role=Role.NATIONAL_VIEWER).tenant


def _tenant(status: TenantStatus) -> Tenant:
    return Tenant("33.15", "Kabupaten Grobogan", "Dinas", "Sri", "s@x.id", status, NOW)


def test_tenant_approval_and_suspension_follow_the_lifecycle() -> None:
    active = _tenant(TenantStatus.PENDING).approved(at=NOW)
    assert active.status is TenantStatus.ACTIVE and active.approved_at == NOW
    suspended = active.suspended(at=NOW)
    assert suspended.status is TenantStatus.SUSPENDED
    assert suspended.approved(at=NOW).status is TenantStatus.ACTIVE
    with pytest.raises(ConflictError):
        active.approved(at=NOW)
    with pytest.raises(ConflictError):
        _tenant(TenantStatus.PENDING).suspended(at=NOW)
