"""Run the app's scheduled functions locally, as EventBridge would in AWS.

Supported: `rate(N minute|hour|day[s])` (first run one interval after start) and daily cron
expressions `cron(M H * * ? *)` (at that UTC time each day). Anything else is logged and skipped.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from chalice import Chalice

from chalicelib.domain.schedules import interval_of
from chalicelib.observability import logger

_DAILY_CRON = re.compile(r"cron\((\d{1,2}) (\d{1,2}) \* \* \? \*\)")


def next_daily_run(expression: str, after: datetime) -> datetime | None:
    """The first time strictly after `after` that a daily `cron(M H * * ? *)` fires (None for others)."""
    match = _DAILY_CRON.fullmatch(expression.strip())
    if not match:
        return None
    minute, hour = int(match.group(1)), int(match.group(2))
    if minute > 59 or hour > 23:
        return None
    candidate = after.astimezone(UTC).replace(hour=hour, minute=minute, second=0, microsecond=0)
    return candidate if candidate > after else candidate + timedelta(days=1)


@dataclass(frozen=True)
class Job:
    """A scheduled function and when it runs next after a given moment (epoch seconds)."""

    name: str
    handler: Any
    next_after: Callable[[float], float]


def _timing(text: str) -> Callable[[float], float] | None:
    seconds = interval_of(text)
    if seconds:
        return lambda now: now + seconds
    if next_daily_run(text, datetime.now(UTC)) is None:  # neither a rate nor a daily cron
        return None

    def next_after(now: float) -> float:
        run = next_daily_run(text, datetime.fromtimestamp(now, UTC))
        assert run is not None  # the expression was checked above
        return run.timestamp()

    return next_after


def scheduled_functions(app: Chalice) -> list[Job]:
    """Every @app.schedule whose expression this runner supports."""
    found = []
    for source in app.event_sources:
        expression = getattr(source, "schedule_expression", None)
        if expression is None:
            continue
        text = expression if isinstance(expression, str) else expression.to_string()
        timing = _timing(text)
        if timing is None:
            logger.warning("schedule not run locally", extra={"function": source.name, "expression": text})
            continue
        found.append(Job(source.name, app.handler_map[source.name], timing))
    return found


def start_scheduler(app: Chalice) -> threading.Thread:
    """A daemon thread that calls each scheduled function when it is due."""
    jobs = scheduled_functions(app)

    def loop() -> None:
        due = {job.name: job.next_after(time.time()) for job in jobs}
        while True:
            time.sleep(1)
            for job in jobs:
                if time.time() >= due[job.name]:
                    due[job.name] = job.next_after(time.time())
                    try:
                        job.handler({"source": "aws.events", "detail-type": "Scheduled Event", "detail": {}}, None)
                    except Exception:  # a failed run is retried at the next occurrence
                        logger.exception("scheduled function failed", extra={"function": job.name})

    thread = threading.Thread(target=loop, name="scheduler", daemon=True)
    thread.start()
    if "deliver_reminders" in app.handler_map:
        # The bus's rule for reminder e-mails, as the stack wires it: here to a local folder.
        from devstack.outbox import start_outbox

        folder, _ = start_outbox(app.handler_map["deliver_reminders"])
        print(f"Reminder e-mails: written to {folder}", flush=True)
    return thread
