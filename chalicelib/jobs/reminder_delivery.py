"""Reminder e-mails: an EventBridge rule on the service's bus (infrastructure/stack.py) hands each
CommitmentOverdue and CommitmentNextStepDue event to this function."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice.app import Blueprint

from chalicelib.lazy import lazy_import
from chalicelib.observability import span

if TYPE_CHECKING:
    from chalicelib.services import reminder_delivery as delivery
else:
    delivery = lazy_import("chalicelib.services.reminder_delivery")

reminder_delivery_bp = Blueprint(__name__)
DELIVERY_FUNCTION = "deliver_reminders"


@reminder_delivery_bp.lambda_function(name=DELIVERY_FUNCTION)
def deliver_reminders(event: dict[str, Any], context: Any) -> dict[str, str]:
    """Send one reminder event's e-mail to the office's contact."""
    with span(DELIVERY_FUNCTION, job="reminder_delivery") as trace:
        outcome = delivery.deliver(event)
        trace.put_annotation("outcome", outcome)
    return {"outcome": outcome}
