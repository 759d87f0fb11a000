"""Completeness and timeliness of reporting, as DHIS2 defines them.

Expected villages are those active in the period; a village reports when it has at least one
report dated in the period; it reports on time when the first of them was *received* (the
server's time, never the phone's) by the deadline: by default the 10th day of the month after
the period, at the end of that day in the village's time zone, settable per tenant.
"""

from __future__ import annotations

import datetime as dt

from chalicelib.domain.periods import Period

DEFAULT_DEADLINE_DAY = 10


def deadline(period: Period, *, day: int = DEFAULT_DEADLINE_DAY, tz: dt.tzinfo) -> dt.datetime:
    """The last instant a report for `period` counts as on time: the end of day `day` of the month
    after the period, in time zone `tz` (day 1..28, so it exists in every month)."""
    end = period.end
    year, month = (end.year + 1, 1) if end.month == 12 else (end.year, end.month + 1)
    return dt.datetime(year, month, day, tzinfo=tz) + dt.timedelta(days=1) - dt.timedelta(microseconds=1)
