"""The daily overdue-commitment reminder job (EventBridge schedule → one service call)."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING

from chalice.app import Blueprint, CloudWatchEvent, Cron

from chalicelib.lazy import lazy_import
from chalicelib.observability import span

if TYPE_CHECKING:
    from chalicelib.services import reminders
else:
    reminders = lazy_import("chalicelib.services.reminders")

reminders_bp = Blueprint(__name__)

# 23:00 UTC is 06:00 WIB, 07:00 WITA and 08:00 WIT: early morning and the same date in all three
# of Indonesia's time zones, so a commitment due yesterday is flagged before the office opens.
DAILY_AT_23_UTC = Cron(0, 23, "*", "*", "?", "*")


@reminders_bp.schedule(DAILY_AT_23_UTC, name="send_commitment_reminders")
def send_commitment_reminders(event: CloudWatchEvent) -> dict[str, int]:
    """Flag past-due open commitments and publish one CommitmentOverdue event for each newly flagged."""
    with span("send_commitment_reminders", job="commitment_reminders") as trace:
        summary = asdict(reminders.run())
        trace.put_metadata("summary", summary)
    return summary
