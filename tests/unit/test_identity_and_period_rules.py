"""Smaller domain rules without AWS: who a key stands for, tenants and villages over time, schedule
rates and the automatic month lock."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from chalicelib.domain.approvals import MonthApproval, PeriodSettings, PeriodState, auto_locked, effective_state
from chalicelib.domain.keys import NATIONAL_OWNER, ApiKey, hash_secret, new_key_id, new_secret
from chalicelib.domain.principal import Role
from chalicelib.domain.schedules import interval_of
from chalicelib.domain.tenants import Tenant, TenantStatus
from chalicelib.domain.villages import Village

T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def _key(owner: str, role: Role, villages: tuple[str, ...] = ()) -> tuple[ApiKey, str]:
    key_id = new_key_id()
    secret = new_secret(key_id)
    return ApiKey(key_id, owner, role, "label", villages, hash_secret(secret), T0), secret


def test_a_tenant_key_stands_for_a_principal_of_its_tenant_limited_to_its_villages() -> None:
    key, _ = _key("33.15", Role.OPERATOR, ("33.15.01.2001",))
    principal = key.principal()
    assert (principal.key_id, principal.role, principal.tenant_id) == (key.key_id, Role.OPERATOR, "33.15")
    assert principal.villages == frozenset({"33.15.01.2001"})
    assert key.tenant_id == "33.15"


def test_a_national_key_belongs_to_no_tenant() -> None:
    key, _ = _key(NATIONAL_OWNER, Role.NATIONAL_VIEWER)
    assert key.tenant_id is None and key.principal().tenant_id is None


def test_a_key_matches_its_own_secret_only() -> None:
    key, secret = _key("33.15", Role.VIEWER)
    _, other = _key("33.15", Role.VIEWER)
    assert key.matches(secret)
    assert not key.matches(other)
    assert not key.matches(secret[:-1])
    assert not key.matches("")


def _tenant(status: TenantStatus, tenant_id: str = "33.15") -> Tenant:
    return Tenant(tenant_id, "Kabupaten Grobogan", "Dinas", "Sri", "s@x.id", status, T0)


def test_a_tenant_lies_in_the_province_of_its_regency_code() -> None:
    assert _tenant(TenantStatus.ACTIVE).province_code == "33"
    assert _tenant(TenantStatus.ACTIVE, "11.08").province_code == "11"


def test_approving_a_suspended_tenant_again_clears_its_suspension() -> None:
    later = T0 + dt.timedelta(days=3)
    suspended = _tenant(TenantStatus.ACTIVE).suspended(at=T0)
    assert suspended.suspended_at == T0
    again = suspended.approved(at=later)
    assert (again.status, again.approved_at, again.suspended_at) == (TenantStatus.ACTIVE, later, None)


def _village(joined_on: dt.date | None = None, joined_year: int | None = None) -> Village:
    return Village("33.15", "33.15.01.2001", "Perpusdes", joined_year, None, T0, T0, joined_on)


def test_a_village_joined_on_its_date_else_on_the_first_of_january_of_its_year_else_unknown() -> None:
    assert _village(dt.date(2025, 4, 7), 2024).joined == dt.date(2025, 4, 7)
    assert _village(joined_year=2024).joined == dt.date(2024, 1, 1)
    assert _village().joined is None


def test_a_village_is_active_until_it_is_deactivated() -> None:
    village = _village()
    assert village.active
    assert not replace(village, deactivated_on=dt.date(2026, 6, 30)).active


@pytest.mark.parametrize(
    ("expression", "seconds"),
    [
        ("rate(1 minute)", 60),
        ("rate(5 minutes)", 300),
        ("rate(1 hour)", 3600),
        ("rate(2 hours)", 7200),
        ("rate(1 day)", 86400),
        ("  rate(3 days) ", 3 * 86400),
    ],
)
def test_a_rate_expression_gives_the_seconds_between_runs(expression: str, seconds: int) -> None:
    assert interval_of(expression) == seconds


@pytest.mark.parametrize(
    "expression", ["cron(0 23 * * ? *)", "rate(1 week)", "rate(-1 days)", "rate(1.5 hours)", "rate(2hours)", ""]
)
def test_anything_but_a_rate_in_minutes_hours_or_days_has_no_interval(expression: str) -> None:
    assert interval_of(expression) is None


def test_the_automatic_lock_closes_a_month_only_after_its_days_have_passed() -> None:
    settings = PeriodSettings(auto_lock_days=15)
    assert not auto_locked("2026-11", settings, today=dt.date(2026, 12, 15))  # 30 Nov + 15 days: still open
    assert auto_locked("2026-11", settings, today=dt.date(2026, 12, 16))
    assert not auto_locked("2026-11", PeriodSettings(), today=dt.date(2030, 1, 1))  # no automatic lock


def test_a_month_is_provisional_until_approved_and_again_once_reopened() -> None:
    assert effective_state(None) is PeriodState.PROVISIONAL
    approved = MonthApproval("2026-11", PeriodState.PROVISIONAL, 0, T0, "k").approved(by="k", at=T0)
    assert effective_state(approved) is PeriodState.APPROVED
    assert effective_state(approved.reopened_by(by="k", at=T0)) is PeriodState.PROVISIONAL
