"""The service's clock: one place to read the time (tests pass their own `now`)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from chalicelib import areas


def utcnow() -> datetime:
    """Now, timezone-aware, in UTC, truncated to milliseconds (what DynamoDB keeps)."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def local_today(area_code: str, *, now: datetime | None = None) -> date:
    """Today's date in the time zone of the province containing `area_code`."""
    return (now or utcnow()).astimezone(areas.timezone_of(area_code)).date()


def as_text(moment: datetime) -> str:
    """An instant as the API writes one (what pydantic serializes a UTC datetime to): `...T01:02:03.456000Z`."""
    text = moment.astimezone(UTC).isoformat()
    return text.removesuffix("+00:00") + "Z"
