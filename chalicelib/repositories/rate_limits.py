"""Fixed-window request counters: one item per (purpose, source, window), removed by TTL."""

from __future__ import annotations

from datetime import datetime

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.models import Model

from chalicelib.repositories.base import condition_held, table_meta
from chalicelib.tables import RATE_LIMITS


class CounterRecord(Model):
    """How many requests one source made in one window."""

    Meta = table_meta(RATE_LIMITS)

    pk = UnicodeAttribute(hash_key=True)  # "<purpose>#<source>#<window start, epoch seconds>"
    hits = NumberAttribute(default=0)
    expires = NumberAttribute()  # epoch seconds: DynamoDB's TTL removes the item after its window


def take(*, purpose: str, source: str, limit: int, window_seconds: int, now: datetime) -> int | None:
    """Count one request of `source`; None when it is within `limit` for the current window, else the
    seconds until the window ends. One conditional update: concurrent requests cannot overshoot."""
    epoch = int(now.timestamp())
    start = epoch - epoch % window_seconds
    end = start + window_seconds
    record = CounterRecord(f"{purpose}#{source}#{start}")
    counted = condition_held(
        lambda: record.update(
            actions=[CounterRecord.hits.add(1), CounterRecord.expires.set(end + window_seconds)],
            condition=CounterRecord.hits.does_not_exist() | (CounterRecord.hits < limit),
        )
    )
    return None if counted else end - epoch


class RateLimitRepository:
    """The counters as a handle (the `RateLimitStore` port)."""

    def take(self, *, purpose: str, source: str, limit: int, window_seconds: int, now: datetime) -> int | None:
        """Count one request of `source` (see `take`)."""
        return take(purpose=purpose, source=source, limit=limit, window_seconds=window_seconds, now=now)
