"""What the RollupLag alarm watches: how long the oldest change no plan has read waited for one."""

from __future__ import annotations

import datetime as dt

from chalicelib.repositories.changes import Marker, Span
from chalicelib.services.rollup_runs import waited

NOW = dt.datetime(2026, 11, 20, 3, tzinfo=dt.UTC)


def _ago(seconds: float) -> dt.datetime:
    return NOW - dt.timedelta(seconds=seconds)


def _item(opened: float, last: float, *, announced: float | None = None) -> Span:
    """A marker item's changes, in seconds ago: its first, its latest announced (the first unless
    given), its last."""
    return Span(_ago(opened), _ago(opened if announced is None else announced), _ago(last))


def _marker(*items: Span) -> Marker:
    return Marker("33.15", "2026-11", {"33.15.01.2001": "t"}, items)


def test_the_wait_is_the_oldest_settled_change_s_time_past_its_settle_window() -> None:
    markers = [_marker(_item(200, 200)), _marker(_item(130, 130)), _marker(_item(30, 30))]
    assert waited(markers, now=NOW, settle=120) == 80.0


def test_changes_still_settling_or_none_wait_for_nothing() -> None:
    assert waited([_marker(_item(30, 30)), _marker()], now=NOW, settle=120) == 0.0
    assert waited([], now=NOW, settle=120) == 0.0


def test_an_item_no_plan_read_waits_from_its_first_change_even_past_a_later_announced_one() -> None:
    # a change 14 minutes ago whose plan was lost, another 10 minutes later (announced): 12 min past its window
    assert waited([_marker(_item(840, 240, announced=240))], now=NOW, settle=120) == 720.0
    assert waited([_marker(_item(840, 240, announced=240))], now=NOW, settle=120, previous=_ago(900)) == 720.0


def test_what_the_previous_plan_read_waits_no_more() -> None:
    kept = _marker(_item(3600, 600))  # kept by a failed village since: the previous plan read it
    assert waited([kept], now=NOW, settle=120, previous=_ago(300)) == 0.0


def test_a_kept_item_s_next_change_waits_from_itself() -> None:
    # kept for an hour, the previous plan 10 minutes ago, a change announced 130 s ago
    again = _marker(_item(3600, 130, announced=130))
    assert waited([again], now=NOW, settle=120, previous=_ago(600)) == 10.0


def test_changes_since_the_previous_plan_in_an_item_it_read_wait_from_that_plan_at_the_earliest() -> None:
    # the item was young at the previous plan (5 minutes ago), changed since without a quiet spell
    young = _marker(_item(400, 100, announced=400))
    assert waited([young], now=NOW, settle=120, previous=_ago(300)) == 180.0


def test_an_item_kept_by_a_failure_does_not_age_a_new_change_in_another_item_of_its_month() -> None:
    # one hundred villages kept since an hour ago; a report 130 s ago in another hundred, 10 min after the plan
    month = _marker(_item(3600, 3600), _item(130, 130))
    assert waited([month], now=NOW, settle=120, previous=_ago(730)) == 10.0
