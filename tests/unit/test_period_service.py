"""The period service's rules, on the in-memory stores (no moto)."""

from __future__ import annotations

import datetime as dt

import pytest

from chalicelib.domain.approvals import PeriodAction, PeriodSettings, PeriodState
from chalicelib.domain.principal import Principal, Role
from chalicelib.domain.rollup_plan import REGENCY_SCOPE
from chalicelib.domain.villages import Village
from chalicelib.errors import ConflictError, InvalidInputError, PeriodLockedError, PermissionDeniedError
from chalicelib.services import periods
from tests.fakes.report_stores import Marked
from tests.fakes.stores import MemoryStores

GROBOGAN, PATI = "33.15", "33.18"
ADMIN = Principal(key_id="admin", role=Role.DISTRICT_ADMIN, tenant_id=GROBOGAN)
VIEWER = Principal(key_id="viewer", role=Role.VIEWER, tenant_id=GROBOGAN)
PLATFORM = Principal(key_id="platform", role=Role.PLATFORM_ADMIN)
NOW = dt.datetime(2026, 11, 20, 3, 0, tzinfo=dt.UTC)  # 10:00 in Grobogan (WIB)


def test_approving_an_ended_month_stores_it_with_its_event_and_announces_the_regency(
    world: MemoryStores, marked: Marked
) -> None:
    approved = periods.approve(principal=ADMIN, month="2026-10", now=NOW)

    assert (approved.state, approved.version, approved.changed_by) == (PeriodState.APPROVED, 1, "admin")
    assert world.for_tenant(GROBOGAN).periods.months(["2026-10"]) == {"2026-10": approved}
    assert [e.action for e in periods.history(principal=VIEWER, month="2026-10")] == [PeriodAction.APPROVED]
    assert marked == [(GROBOGAN, "2026-10", REGENCY_SCOPE)]


def test_a_month_that_is_not_over_in_local_time_cannot_be_approved(world: MemoryStores, marked: Marked) -> None:
    last_evening = dt.datetime(2026, 11, 30, 16, 59, tzinfo=dt.UTC)  # 23:59 on 30 November in WIB

    with pytest.raises(InvalidInputError):
        periods.approve(principal=ADMIN, month="2026-11", now=last_evening)

    assert world.for_tenant(GROBOGAN).periods.all_months() == []


def test_approving_an_approved_month_is_a_conflict(world: MemoryStores, marked: Marked) -> None:
    periods.approve(principal=ADMIN, month="2026-10", now=NOW)

    with pytest.raises(ConflictError) as refused:
        periods.approve(principal=ADMIN, month="2026-10", now=NOW)

    assert refused.value.code == "already_approved"


def test_reopening_a_month_that_is_not_locked_is_a_conflict(world: MemoryStores, marked: Marked) -> None:
    with pytest.raises(ConflictError) as refused:
        periods.reopen(principal=ADMIN, month="2026-10", reason="salah", now=NOW)

    assert refused.value.code == "not_approved"
    assert periods.history(principal=VIEWER, month="2026-10") == []


def test_a_reopened_month_is_open_again_and_its_history_keeps_the_reason(world: MemoryStores, marked: Marked) -> None:
    periods.approve(principal=ADMIN, month="2026-10", now=NOW)
    with pytest.raises(PeriodLockedError):
        periods.require_open(tenant_id=GROBOGAN, months=["2026-10"], now=NOW)

    reopened = periods.reopen(principal=ADMIN, month="2026-10", reason="salah hitung", now=NOW)

    assert (reopened.state, reopened.reopened, reopened.version) == (PeriodState.PROVISIONAL, True, 2)
    periods.require_open(tenant_id=GROBOGAN, months=["2026-10"], now=NOW)
    assert [(e.action, e.reason) for e in periods.history(principal=VIEWER, month="2026-10")] == [
        (PeriodAction.APPROVED, None),
        (PeriodAction.REOPENED, "salah hitung"),
    ]


def test_the_platform_admin_reopens_the_named_tenants_month_only(world: MemoryStores, marked: Marked) -> None:
    periods.approve(principal=ADMIN, month="2026-10", now=NOW)
    with pytest.raises(InvalidInputError):
        periods.reopen(principal=PLATFORM, month="2026-10", reason="r", now=NOW)

    periods.reopen(principal=PLATFORM, month="2026-10", reason="r", tenant_id=GROBOGAN, now=NOW)

    assert periods.locked_months(tenant_id=GROBOGAN, months=["2026-10"], now=NOW) == set()
    assert world.for_tenant(PATI).periods.all_months() == []


def test_the_automatic_lock_closes_a_month_some_days_after_its_end_unless_reopened(
    world: MemoryStores, marked: Marked
) -> None:
    world.for_tenant(GROBOGAN).periods.save_settings(PeriodSettings(auto_lock_days=15))

    assert periods.locked_months(tenant_id=GROBOGAN, months=["2026-09", "2026-10", "2026-11"], now=NOW) == {
        "2026-09",
        "2026-10",
    }
    periods.reopen(principal=ADMIN, month="2026-09", reason="terlambat", now=NOW)
    assert periods.locked_months(tenant_id=GROBOGAN, months=["2026-09", "2026-10"], now=NOW) == {"2026-10"}
    assert periods.locked_months(tenant_id=PATI, months=["2026-10"], now=NOW) == set()


def test_the_listing_is_newest_first_with_each_months_state(world: MemoryStores, marked: Marked) -> None:
    periods.approve(principal=ADMIN, month="2026-09", now=NOW)

    views = periods.listing(principal=VIEWER, start="2026-08", end="2026-11", now=NOW)

    assert [(v.month, v.state, v.locked) for v in views] == [
        ("2026-11", PeriodState.PROVISIONAL, False),
        ("2026-10", PeriodState.PROVISIONAL, False),
        ("2026-09", PeriodState.APPROVED, True),
        ("2026-08", PeriodState.PROVISIONAL, False),
    ]


def test_a_listing_from_after_its_end_is_refused(world: MemoryStores, marked: Marked) -> None:
    with pytest.raises(InvalidInputError):
        periods.listing(principal=VIEWER, start="2026-11", end="2026-08", now=NOW)


def test_a_new_deadline_announces_every_village_of_the_tenant_for_the_current_month(
    world: MemoryStores, marked: Marked
) -> None:
    for code in ("33.15.01.2001", "33.15.02.2001"):
        world.for_tenant(GROBOGAN).villages.add(Village(GROBOGAN, code, "Perpusdes", None, None, NOW, NOW))

    periods.update_settings(principal=ADMIN, data=PeriodSettings(deadline_day=10))  # the default: no change
    assert marked == []

    periods.update_settings(principal=ADMIN, data=PeriodSettings(deadline_day=15))

    month = marked[0][1]
    assert sorted(marked) == [(GROBOGAN, month, "33.15.01.2001"), (GROBOGAN, month, "33.15.02.2001")]
    assert periods.settings(principal=VIEWER) == PeriodSettings(deadline_day=15)


def test_only_the_district_admin_changes_settings_and_notifications(world: MemoryStores, marked: Marked) -> None:
    with pytest.raises(PermissionDeniedError):
        periods.update_settings(principal=VIEWER, data=PeriodSettings(deadline_day=3))
    with pytest.raises(PermissionDeniedError):
        periods.switch_reminder_emails(principal=VIEWER, on=False)

    periods.switch_reminder_emails(principal=ADMIN, on=False)

    assert periods.reminder_emails_on(principal=VIEWER) is False
    assert world.for_tenant(PATI).periods.reminder_emails() is True
