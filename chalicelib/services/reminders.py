"""The daily overdue-reminder job: flag past-due open commitments and announce each one once.

Every open commitment of every tenant sits in one sparse index sorted by due date, so one
query finds the past-due ones. A commitment is flagged with a conditional write (not yet
flagged, still open): only the run that flags it publishes its `CommitmentOverdue` event, so a
second run (or two overlapping runs) publishes nothing new. When publishing fails the flag is
taken back, so the next run tries again. A commitment that becomes final leaves the index and
loses its flag in the same transaction as its transition (`CommitmentStore.transition`).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from chalicelib import aws_clients
from chalicelib.clock import local_today, utcnow
from chalicelib.config import get_settings
from chalicelib.domain.commitments import Commitment
from chalicelib.domain.principal import Principal, Role
from chalicelib.observability import logger
from chalicelib.services import next_steps
from chalicelib.stores import for_tenant, platform

SOURCE = "tpbis.commitments"
DETAIL_TYPE = "CommitmentOverdue"
_BATCH = 10  # PutEvents takes at most 10 entries
# Indonesia's easternmost zone (WIT, UTC+9) is the first to reach a new date.
_EARLIEST_ZONE = timezone(timedelta(hours=9))


@dataclass(frozen=True)
class ReminderSummary:
    """What one run did."""

    checked: int
    newly_overdue: int
    events_published: int
    cleared: int
    next_steps_announced: int = 0


def run_now(*, principal: Principal, now: datetime | None = None) -> ReminderSummary:
    """Run the job on the platform admin's request."""
    principal.require(Role.PLATFORM_ADMIN)
    return run(now=now)


def run(*, now: datetime | None = None, events: Any = None) -> ReminderSummary:
    """Flag every open commitment whose due date has passed in its tenant's time zone, and publish
    one event per commitment this run flagged."""
    now = now or utcnow()
    client = events or aws_clients.events()
    checked = cleared = 0
    claimed: list[Commitment] = []
    published = 0
    for commitment in platform().open_commitments.due_before(now.astimezone(_EARLIEST_ZONE).date()):
        checked += 1
        past_due = commitment.due_date < local_today(commitment.tenant_id, now=now)
        if past_due and not commitment.overdue:
            if _set_overdue(commitment, overdue=True, at=now):
                claimed.append(commitment)
        elif not past_due and commitment.overdue and _set_overdue(commitment, overdue=False, at=now):
            cleared += 1  # flagged by a wrong clock: the commitment is not past due in its own zone
        if len(claimed) == _BATCH:
            published += _publish(client, claimed, now)
            claimed = []
    if claimed:
        published += _publish(client, claimed, now)
    steps = next_steps.announce(client=client, now=now, day=now.astimezone(_EARLIEST_ZONE).date())
    summary = ReminderSummary(
        checked=checked,
        newly_overdue=published,
        events_published=published,
        cleared=cleared,
        next_steps_announced=steps,
    )
    logger.info("commitment reminders", extra={"summary": summary.__dict__})
    return summary


def _set_overdue(commitment: Commitment, *, overdue: bool, at: datetime) -> bool:
    marks = for_tenant(commitment.tenant_id).advocacy.reminders
    return marks.set_overdue(commitment.commitment_id, overdue=overdue, at=at)


def _publish(client: Any, batch: list[Commitment], now: datetime) -> int:
    """Publish one event per flagged commitment; a commitment whose event failed is unflagged so
    the next run retries it. Returns the number of events published."""
    entries = [_entry(c, names) for c, names in _with_stakeholders(batch)]
    return publish_claimed(client, batch, entries, release=lambda c: _set_overdue(c, overdue=False, at=now))


def publish_claimed(client: Any, batch: list[Commitment], entries: list[dict[str, Any]], *, release: Any) -> int:
    """Put one event per claimed commitment; `release` takes back the claim of each whose event was
    not published (all of them when the call fails), so the next run retries. How many were published."""
    try:
        response = client.put_events(Entries=entries)
    except Exception:
        for commitment in batch:
            release(commitment)
        raise
    published = 0
    for commitment, result in zip(batch, response.get("Entries", []), strict=False):
        if result.get("EventId"):
            published += 1
        else:
            logger.warning("reminder event not published", extra={"error": result.get("ErrorCode")})
            release(commitment)
    return published


def _with_stakeholders(batch: list[Commitment]) -> list[tuple[Commitment, dict[str, Any]]]:
    wanted: dict[str, set[str]] = defaultdict(set)
    for c in batch:
        wanted[c.tenant_id].add(c.stakeholder_id)
    found = {tenant: for_tenant(tenant).advocacy.stakeholders.get_many(ids) for tenant, ids in wanted.items()}
    out = []
    for c in batch:
        s = found[c.tenant_id].get(c.stakeholder_id)
        out.append(
            (c, {"stakeholder_id": c.stakeholder_id, "name": s.name if s else None, "kind": s.kind if s else None})
        )
    return out


def _entry(c: Commitment, stakeholder: dict[str, Any]) -> dict[str, Any]:
    detail = {
        "tenant_id": c.tenant_id,
        "commitment_id": c.commitment_id,
        "stakeholder": stakeholder,
        "due_date": c.due_date.isoformat(),
        "kind": c.kind.value,
        "status": c.status.value,
        "village_code": c.village_code,
        "amount_idr": c.amount_idr,
    }
    return {
        "Source": SOURCE,
        "DetailType": DETAIL_TYPE,
        "Detail": json.dumps(detail),
        "EventBusName": get_settings().bus_name,
    }
