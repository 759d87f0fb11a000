"""The period store's contract, on DynamoDB and in memory."""

from __future__ import annotations

import datetime as dt

import pytest

from chalicelib.domain.approvals import MonthApproval, PeriodAction, PeriodEvent, PeriodSettings, PeriodState
from chalicelib.errors import ConflictError
from chalicelib.stores import PeriodStore
from tests.contract.conftest import StoresOf

A, B = "33.15", "33.22"
AT = dt.datetime(2026, 11, 5, 8, 30, tzinfo=dt.UTC)


def _approve(store: PeriodStore, month: str, before: MonthApproval | None = None, *, minutes: int = 0) -> MonthApproval:
    at = AT + dt.timedelta(minutes=minutes)
    current = before or MonthApproval(month, PeriodState.PROVISIONAL, 0, at, "k1")
    after = current.approved(by="k1", at=at)
    store.change(before, after, PeriodEvent(month, PeriodAction.APPROVED, "k1", at))
    return after


def _reopen(store: PeriodStore, before: MonthApproval, *, minutes: int) -> MonthApproval:
    at = AT + dt.timedelta(minutes=minutes)
    after = before.reopened_by(by="k2", at=at)
    store.change(before, after, PeriodEvent(before.month, PeriodAction.REOPENED, "k2", at, "salah hitung"))
    return after


def test_a_changed_month_is_read_back_with_its_event(stores_of: StoresOf) -> None:
    store: PeriodStore = stores_of(A).periods

    approved = _approve(store, "2026-10")

    assert store.months(["2026-10", "2026-09"]) == {"2026-10": approved}
    assert store.events("2026-10") == [PeriodEvent("2026-10", PeriodAction.APPROVED, "k1", AT)]


def test_a_month_never_changed_has_no_state_and_no_history(stores_of: StoresOf) -> None:
    store = stores_of(A).periods

    assert store.months(["2026-10"]) == {}
    assert store.all_months() == []
    assert store.events("2026-10") == []


def test_a_first_change_is_refused_when_the_month_has_a_state_already(stores_of: StoresOf) -> None:
    store = stores_of(A).periods
    first = _approve(store, "2026-10")

    with pytest.raises(ConflictError):
        _approve(store, "2026-10", minutes=1)  # read as never approved: another request won meanwhile

    assert store.months(["2026-10"]) == {"2026-10": first}
    assert len(store.events("2026-10")) == 1  # the event of the refused change is not written either


def test_a_change_from_a_stale_version_is_refused_and_writes_nothing(stores_of: StoresOf) -> None:
    store = stores_of(A).periods
    approved = _approve(store, "2026-10")
    reopened = _reopen(store, approved, minutes=1)

    with pytest.raises(ConflictError):
        _reopen(store, approved, minutes=2)  # `approved` is no longer the stored state

    assert store.months(["2026-10"]) == {"2026-10": reopened}
    assert [e.action for e in store.events("2026-10")] == [PeriodAction.APPROVED, PeriodAction.REOPENED]


def test_history_comes_oldest_first_and_months_in_month_order(stores_of: StoresOf) -> None:
    store = stores_of(A).periods
    approved = _approve(store, "2026-10")
    reopened = _reopen(store, approved, minutes=5)
    again = _approve(store, "2026-10", reopened, minutes=9)
    _approve(store, "2026-08", minutes=1)
    _approve(store, "2026-09", minutes=2)

    events = store.events("2026-10")

    assert [(e.action, e.at) for e in events] == [
        (PeriodAction.APPROVED, AT),
        (PeriodAction.REOPENED, AT + dt.timedelta(minutes=5)),
        (PeriodAction.APPROVED, AT + dt.timedelta(minutes=9)),
    ]
    assert events[1].reason == "salah hitung"
    assert [m.month for m in store.all_months()] == ["2026-08", "2026-09", "2026-10"]
    assert store.months(["2026-10"])["2026-10"] == again


def test_settings_are_the_defaults_until_saved_and_then_what_was_saved(stores_of: StoresOf) -> None:
    store = stores_of(A).periods
    assert store.settings() == PeriodSettings()

    store.save_settings(PeriodSettings(deadline_day=15, auto_lock_days=20))
    assert store.settings() == PeriodSettings(deadline_day=15, auto_lock_days=20)

    store.save_settings(PeriodSettings(deadline_day=5, auto_lock_days=None))
    assert store.settings() == PeriodSettings(deadline_day=5, auto_lock_days=None)


def test_reminder_emails_are_on_until_switched_off(stores_of: StoresOf) -> None:
    store = stores_of(A).periods
    assert store.reminder_emails() is True

    store.set_reminder_emails(False)
    assert store.reminder_emails() is False

    store.set_reminder_emails(True)
    assert store.reminder_emails() is True


def test_a_tenants_handle_sees_none_of_another_tenants_periods(stores_of: StoresOf) -> None:
    mine, theirs = stores_of(A).periods, stores_of(B).periods
    _approve(theirs, "2026-10")
    theirs.save_settings(PeriodSettings(deadline_day=3))
    theirs.set_reminder_emails(False)

    assert mine.months(["2026-10"]) == {}
    assert mine.all_months() == []
    assert mine.events("2026-10") == []
    assert mine.settings() == PeriodSettings()
    assert mine.reminder_emails() is True
    _approve(mine, "2026-10")  # their month's state is no condition on mine
    assert len(theirs.events("2026-10")) == 1
