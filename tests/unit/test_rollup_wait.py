"""What the RollupLag alarm watches: how long the oldest change no plan has read waited for one."""

from __future__ import annotations

import datetime as dt

from chalicelib.repositories.changes import Marker
from chalicelib.services.rollup_runs import waited

NOW = dt.datetime(2026, 11, 20, 3, tzinfo=dt.UTC)


def _ago(seconds: float) -> dt.datetime:
    return NOW - dt.timedelta(seconds=seconds)


def _marker(*spans: tuple[float, float]) -> Marker:
    """A tenant-month whose items hold changes from `first` to `last` seconds ago, one (first, last) an item."""
    times = tuple((_ago(first), _ago(last)) for first, last in spans)
    touched = max((last for _, last in times), default=None)
    return Marker("33.15", "2026-11", {"33.15.01.2001": "t"}, touched, times)


def test_the_wait_is_the_oldest_settled_change_s_time_past_its_settle_window() -> None:
    markers = [_marker((200, 200)), _marker((130, 130)), _marker((30, 30))]
    assert waited(markers, now=NOW, settle=120) == 80.0


def test_changes_still_settling_or_none_wait_for_nothing() -> None:
    assert waited([_marker((30, 30)), _marker()], now=NOW, settle=120) == 0.0
    assert waited([], now=NOW, settle=120) == 0.0


def test_a_tenant_month_s_changes_date_from_its_first_not_its_last() -> None:
    # a change 14 minutes ago, another 10 minutes later, and no plan between: the first waited 12 past its window
    assert waited([_marker((840, 240))], now=NOW, settle=120) == 720.0


def test_what_the_previous_plan_read_waits_no_more() -> None:
    kept = _marker((3600, 600))  # kept by a failed village since: the previous plan read it
    assert waited([kept], now=NOW, settle=120, previous=_ago(300)) == 0.0
    again = _marker((3600, 200))  # changed again since that plan, within the window of its last change
    assert waited([kept, again], now=NOW, settle=120, previous=_ago(300)) == 180.0


def test_an_item_kept_by_a_failure_does_not_age_a_new_change_in_another_item_of_its_month() -> None:
    # one hundred villages kept since an hour ago; a report 130 s ago in another hundred, 10 min after the plan
    month = _marker((3600, 3600), (130, 130))
    assert waited([month], now=NOW, settle=120, previous=_ago(730)) == 10.0
