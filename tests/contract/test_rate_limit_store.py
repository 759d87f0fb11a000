"""The contract of the fixed-window counters (`RateLimitStore`), on DynamoDB and in memory."""

from __future__ import annotations

import datetime as dt

from chalicelib.stores import PlatformStores

WINDOW = 3600
START = dt.datetime(2026, 11, 5, 8, 0, tzinfo=dt.UTC)  # a window starts on the hour (epoch seconds)


def test_requests_within_the_limit_are_counted_and_the_next_one_learns_when_the_window_ends(
    platform_stores: PlatformStores,
) -> None:
    limits = platform_stores.rate_limits
    at = START + dt.timedelta(minutes=20)

    taken = [limits.take(purpose="signup", source="a", limit=2, window_seconds=WINDOW, now=at) for _ in range(2)]
    refused = limits.take(purpose="signup", source="a", limit=2, window_seconds=WINDOW, now=at)

    assert taken == [None, None]
    assert refused == 40 * 60


def test_sources_purposes_and_windows_are_counted_apart(platform_stores: PlatformStores) -> None:
    limits = platform_stores.rate_limits
    limits.take(purpose="signup", source="a", limit=1, window_seconds=WINDOW, now=START)

    assert limits.take(purpose="signup", source="b", limit=1, window_seconds=WINDOW, now=START) is None
    assert limits.take(purpose="other", source="a", limit=1, window_seconds=WINDOW, now=START) is None
    assert limits.take(purpose="signup", source="a", limit=1, window_seconds=WINDOW, now=START) == WINDOW
    next_window = START + dt.timedelta(seconds=WINDOW)
    assert limits.take(purpose="signup", source="a", limit=1, window_seconds=WINDOW, now=next_window) is None
