"""The rollup's work queue on SQS: one message per tenant of a run, and the delayed plan of a fresh-on-change run."""

from __future__ import annotations

import json
from typing import Any

from chalicelib import aws_clients
from chalicelib.config import get_settings

# SendMessageBatch takes at most ten messages.
_BATCH = 10


class QueueSendError(RuntimeError):
    """SQS refused some messages of a batch."""


def rollup_queue_url() -> str:
    """The URL of the rollup's queue."""
    return str(aws_clients.sqs().get_queue_url(QueueName=get_settings().rollup_queue_name)["QueueUrl"])


def send_all(bodies: list[dict[str, Any]]) -> int:
    """Send each body (JSON) to the rollup's queue, ten a request; the requests made. Raises
    QueueSendError if SQS refused one (those before it are sent: their tenants are rolled, the run
    stays incomplete, and the next run plans the others again)."""
    if not bodies:
        return 0
    sqs, url = aws_clients.sqs(), rollup_queue_url()
    requests = 0
    for start in range(0, len(bodies), _BATCH):
        entries = [
            {"Id": str(number), "MessageBody": json.dumps(body, sort_keys=True)}
            for number, body in enumerate(bodies[start : start + _BATCH])
        ]
        answer = sqs.send_message_batch(QueueUrl=url, Entries=entries)
        requests += 1
        if answer.get("Failed"):
            raise QueueSendError(f"the rollup queue refused {len(answer['Failed'])} messages: {answer['Failed'][0]}")
    return requests + 1  # and the queue's URL


# What a fresh-on-change plan's message carries (every other message is one tenant of a run).
PLAN_REQUEST = {"plan": "change"}
# SQS delays a message by at most 15 minutes.
MAX_DELAY_SECONDS = 900


def send_later(body: dict[str, Any], *, delay_seconds: int) -> None:
    """Send one body (JSON) to the rollup's queue, received no sooner than `delay_seconds` from now
    (capped at SQS's 15 minutes)."""
    aws_clients.sqs().send_message(
        QueueUrl=rollup_queue_url(),
        MessageBody=json.dumps(body, sort_keys=True),
        DelaySeconds=max(0, min(MAX_DELAY_SECONDS, delay_seconds)),
    )
