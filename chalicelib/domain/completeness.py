"""Completeness and timeliness of reporting, as DHIS2 defines them.

Expected villages are those active in the period; a village reports when it has at least one
report dated in the period; it reports on time when the first of them was *received* (the
server's time, never the phone's) by the deadline: by default the 10th day of the month after
the period, at the end of that day in the village's time zone, settable per tenant.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from chalicelib.domain.periods import Period

DEFAULT_DEADLINE_DAY = 10


def deadline(period: Period, *, day: int = DEFAULT_DEADLINE_DAY, tz: dt.tzinfo) -> dt.datetime:
    """The last instant a report for `period` counts as on time: the end of day `day` of the month
    after the period, in time zone `tz` (day 1..28, so it exists in every month)."""
    end = period.end
    year, month = (end.year + 1, 1) if end.month == 12 else (end.year, end.month + 1)
    return dt.datetime(year, month, day, tzinfo=tz) + dt.timedelta(days=1) - dt.timedelta(microseconds=1)


@dataclass(frozen=True)
class VillageReporting:
    """What one village did for a period: whether it was expected, and when its first report came."""

    expected: bool
    first_received: dt.datetime | None  # the received time of its first report dated in the period


def _pct(part: int, whole: int) -> float | None:
    return None if whole == 0 else round(part / whole * 100, 1)


def completeness(villages: Iterable[VillageReporting], *, due: dt.datetime) -> dict[str, int | float | None]:
    """`villages_expected`, `villages_reporting` (all that reported, as before), the expected ones
    that reported (`villages_reporting_expected`), `reporting_rate_pct` (those / expected),
    `villages_reporting_on_time` and `timeliness_pct` (on time / expected)."""
    expected = reporting = reporting_expected = on_time = 0
    for village in villages:
        reported = village.first_received is not None
        reporting += reported
        if village.expected:
            expected += 1
            reporting_expected += reported
            on_time += reported and village.first_received <= due  # type: ignore[operator]
    return {
        "villages_expected": expected,
        "villages_reporting": reporting,
        "villages_reporting_expected": reporting_expected,
        "reporting_rate_pct": _pct(reporting_expected, expected),
        "villages_reporting_on_time": on_time,
        "timeliness_pct": _pct(on_time, expected),
    }
