"""What the RollupLag alarm watches: how long the oldest settled change waited for a run."""

from __future__ import annotations

import datetime as dt

from chalicelib.repositories.changes import Marker
from chalicelib.services.rollup_runs import waited

NOW = dt.datetime(2026, 11, 20, 3, tzinfo=dt.UTC)


def _marker(seconds_ago: float | None) -> Marker:
    touched = None if seconds_ago is None else NOW - dt.timedelta(seconds=seconds_ago)
    return Marker("33.15", "2026-11", {"33.15.01.2001": "t"}, touched)


def test_the_wait_is_the_oldest_settled_change_s_time_past_its_settle_window() -> None:
    markers = [_marker(200), _marker(130), _marker(30)]
    assert waited(markers, now=NOW, settle=120) == 80.0


def test_changes_still_settling_or_none_wait_for_nothing() -> None:
    assert waited([_marker(30), _marker(None)], now=NOW, settle=120) == 0.0
    assert waited([], now=NOW, settle=120) == 0.0
