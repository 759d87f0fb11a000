"""Fresh on change: the one pending plan of a run, and the delayed message that carries it.

When a change opens a marker item (the first change of a tenant's month and hundred villages since the
rollup cleared it), the rollup is asked to plan a run once the settle window has passed: one item in
the changes table (`rollup-nudge`/`next`) holds when the pending plan is due, and a change may send a
plan message only if it sets that time where none was pending (a conditional write). So a burst of
reports from every regency sends one message; changes arriving while a plan is pending are read by
it, or, when they are not yet settled at its time, by the plan it sends in turn (services/rollup_runs.py).

A lost message costs freshness, never data: the markers stay, and the schedule plans every 15 minutes.
"""

from __future__ import annotations

import datetime as dt

from pynamodb.attributes import UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.models import Model

from chalicelib import queues
from chalicelib.clock import utcnow
from chalicelib.config import get_settings
from chalicelib.observability import logger
from chalicelib.repositories.base import condition_held, table_meta
from chalicelib.tables import CHANGES

# After the settle window, a few seconds more: the markers are settled when the plan reads them.
MARGIN_SECONDS = 5


class PendingPlan(Model):
    """When the pending fresh-on-change plan is due (none pending once that time has passed)."""

    Meta = table_meta(CHANGES)

    pk = UnicodeAttribute(hash_key=True)  # "rollup-nudge"
    sk = UnicodeAttribute(range_key=True)  # "next"
    due_at = UTCDateTimeAttribute()


def claim(due_at: dt.datetime, *, now: dt.datetime) -> bool:
    """Set the pending plan's time to `due_at` if none is pending at `now`; whether this call did."""
    record = PendingPlan("rollup-nudge", "next")
    return condition_held(
        lambda: record.update(
            actions=[PendingPlan.due_at.set(due_at)],
            condition=PendingPlan.due_at.does_not_exist() | (PendingPlan.due_at <= now),
        )
    )


def plan_after(settled_at: dt.datetime, *, now: dt.datetime | None = None) -> bool:
    """Ask for a plan once changes marked until `settled_at` minus the settle window are settled (when
    fresh-on-change is on and no plan is pending); whether a message was sent. A failure is logged,
    not raised: the change is marked, and the schedule will find it."""
    settings = get_settings()
    if not settings.rollup_on_change:
        return False
    now = now or utcnow()
    due = max(settled_at, now) + dt.timedelta(seconds=MARGIN_SECONDS)
    try:
        if not claim(due, now=now):
            return False
    except Exception:  # the change itself is stored: it waits for the schedule instead
        logger.exception("could not ask for a fresh-on-change rollup")
        return False
    try:
        queues.send_later(queues.PLAN_REQUEST, delay_seconds=int((due - now).total_seconds() + 0.999))
    except Exception:  # no message behind the claim: given back, so that the next change may ask
        logger.exception("could not send a fresh-on-change rollup's plan")
        _give_back(due)
        return False
    return True


def _give_back(due_at: dt.datetime) -> None:
    """Remove the pending plan if it is still the one due at `due_at` (a failure is logged: the claim
    then lapses at its time)."""
    try:
        condition_held(lambda: PendingPlan("rollup-nudge", "next").delete(condition=PendingPlan.due_at == due_at))
    except Exception:
        logger.exception("could not give back a fresh-on-change claim")


def after_change(now: dt.datetime | None = None) -> bool:
    """A change opened a marker: ask for a plan once it is settled."""
    now = now or utcnow()
    return plan_after(now + dt.timedelta(seconds=get_settings().rollup_settle_seconds), now=now)


class PendingPlans:
    """The FreshPlanPort over the functions above."""

    def plan_after(self, settled_at: dt.datetime, *, now: dt.datetime | None = None) -> bool:
        return plan_after(settled_at, now=now)
