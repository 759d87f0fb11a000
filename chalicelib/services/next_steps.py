"""The reminder job's second pass: one `CommitmentNextStepDue` event per next step that falls due.

A commitment's next step (set with PATCH /v1/commitments/{id}) is announced once: the run that
records it as announced (a conditional write on its due date) publishes the event; a failed
publish takes the mark back so the next run retries. A new next step (another due date) is
announced again when it falls due.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from chalicelib.clock import local_today
from chalicelib.config import get_settings
from chalicelib.domain.commitments import Commitment
from chalicelib.stores import for_tenant, platform

SOURCE = "tpbis.commitments"
DETAIL_TYPE = "CommitmentNextStepDue"
_BATCH = 10  # PutEvents takes at most 10 entries


def announce(*, client: Any, now: datetime, day: date) -> int:
    """Publish an event for every open commitment whose next step is due by its tenant's local
    today (`day` is the earliest zone's date); returns how many were published."""
    due = [
        (c, c.next_step_due)
        for c in platform().open_commitments.next_steps_due(day)
        if c.next_step_due is not None and c.next_step_due <= local_today(c.tenant_id, now=now)
    ]
    claimed = [
        c for c, on in due if for_tenant(c.tenant_id).advocacy.reminders.claim_next_step(c.commitment_id, due=on)
    ]
    published = 0
    for start in range(0, len(claimed), _BATCH):
        published += _publish(client, claimed[start : start + _BATCH])
    return published


def _publish(client: Any, batch: list[Commitment]) -> int:
    from chalicelib.services.reminders import publish_claimed  # the overdue pass's publisher

    entries = [_entry(c) for c in batch]
    return publish_claimed(client, batch, entries, release=_release)


def _release(c: Commitment) -> None:
    for_tenant(c.tenant_id).advocacy.reminders.release_next_step(c.commitment_id)


def _entry(c: Commitment) -> dict[str, Any]:
    detail = {
        "tenant_id": c.tenant_id,
        "commitment_id": c.commitment_id,
        "stakeholder_id": c.stakeholder_id,
        "next_step": c.next_step,
        "next_step_due": c.next_step_due.isoformat() if c.next_step_due else None,
        "due_date": c.due_date.isoformat(),
        "status": c.status.value,
        "village_code": c.village_code,
    }
    return {
        "Source": SOURCE,
        "DetailType": DETAIL_TYPE,
        "Detail": json.dumps(detail),
        "EventBusName": get_settings().bus_name,
    }
