"""EventBridge schedule expressions: how often a `rate(...)` runs."""

from __future__ import annotations

import re

_RATE = re.compile(r"rate\((\d+) (minute|minutes|hour|hours|day|days)\)")
_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}


def interval_of(expression: str) -> int | None:
    """Seconds between runs for a `rate(...)` expression (None for anything else)."""
    match = _RATE.fullmatch(expression.strip())
    if not match:
        return None
    return int(match.group(1)) * _SECONDS[match.group(2).rstrip("s")]
