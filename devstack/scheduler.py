"""Run the app's scheduled functions locally on their rate, as EventBridge would in AWS."""

from __future__ import annotations

import re
import threading
import time
from typing import Any

from chalice import Chalice

from chalicelib.observability import logger

_RATE = re.compile(r"rate\((\d+) (minute|minutes|hour|hours|day|days)\)")
_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}


def interval_of(expression: str) -> int | None:
    """Seconds between runs for a `rate(...)` expression (None for anything else)."""
    match = _RATE.fullmatch(expression.strip())
    if not match:
        return None
    return int(match.group(1)) * _SECONDS[match.group(2).rstrip("s")]


def scheduled_functions(app: Chalice) -> list[tuple[str, int, Any]]:
    """(name, interval seconds, handler) for every @app.schedule with a rate expression."""
    found = []
    for source in app.event_sources:
        expression = getattr(source, "schedule_expression", None)
        if expression is None:
            continue
        text = expression if isinstance(expression, str) else expression.to_string()
        seconds = interval_of(text)
        if seconds:
            found.append((source.name, seconds, app.handler_map[source.name]))
    return found


def start_scheduler(app: Chalice) -> threading.Thread:
    """A daemon thread that calls each scheduled function every interval (first call after one interval)."""
    jobs = scheduled_functions(app)

    def loop() -> None:
        due = {name: time.monotonic() + seconds for name, seconds, _ in jobs}
        while True:
            time.sleep(1)
            for name, seconds, handler in jobs:
                if time.monotonic() >= due[name]:
                    due[name] = time.monotonic() + seconds
                    try:
                        handler({"source": "aws.events", "detail-type": "Scheduled Event", "detail": {}}, None)
                    except Exception:  # a failed run is retried at the next interval
                        logger.exception("scheduled function failed", extra={"function": name})

    thread = threading.Thread(target=loop, name="scheduler", daemon=True)
    thread.start()
    return thread
