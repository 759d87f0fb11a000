"""`make run`'s stand-in for the e-mail route: the bus's reminder events land in a local folder.

As in AWS, a rule on the service's bus matches the reminder events; here it targets an SQS queue
of the embedded AWS, and a thread hands each event to the same delivery function the stack wires,
with the `outbox` channel: one JSON file per e-mail in TPBIS_OUTBOX_DIR (default `./outbox`).
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path
from typing import Any

import boto3

from chalicelib.config import get_settings
from chalicelib.domain.reminder_mail import KINDS
from chalicelib.observability import logger
from chalicelib.services.reminders import SOURCE

QUEUE = "local-reminder-outbox"
RULE = "local-reminder-outbox"


def configure(folder: str | None = None) -> Path:
    """Send reminder e-mails to a folder (made if needed); returns it."""
    path = Path(folder or os.environ.get("TPBIS_OUTBOX_DIR") or "outbox").resolve()
    path.mkdir(parents=True, exist_ok=True)
    os.environ["TPBIS_OUTBOX_DIR"] = str(path)
    os.environ["TPBIS_REMINDER_CHANNEL"] = "outbox"
    get_settings.cache_clear()
    return path


def subscribe() -> str:
    """A queue of the embedded AWS that receives the bus's reminder events; its URL."""
    settings = get_settings()
    sqs = boto3.client("sqs", region_name=settings.region)
    url: str = sqs.create_queue(QueueName=QUEUE)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    bus = boto3.client("events", region_name=settings.region)
    pattern = {"source": [SOURCE], "detail-type": list(KINDS)}
    bus.put_rule(Name=RULE, EventBusName=settings.bus_name, EventPattern=json.dumps(pattern))
    bus.put_targets(Rule=RULE, EventBusName=settings.bus_name, Targets=[{"Id": "outbox", "Arn": arn}])
    return url


def drain(url: str, deliver: Any) -> int:
    """Deliver every queued event once; how many were handled."""
    sqs = boto3.client("sqs", region_name=get_settings().region)
    handled = 0
    while True:
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        if not messages:
            return handled
        for message in messages:
            try:
                deliver(json.loads(message["Body"]), None)
            except Exception:  # kept in the queue: retried on the next pass
                logger.exception("local reminder delivery failed")
                continue
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
            handled += 1


def start_outbox(deliver: Any, *, interval: float = 2.0) -> tuple[Path, threading.Thread]:
    """Route reminder events to the outbox folder from now on: the folder and the polling thread."""
    folder = configure()
    url = subscribe()

    def loop() -> None:
        while True:
            time.sleep(interval)
            drain(url, deliver)

    thread = threading.Thread(target=loop, name="outbox", daemon=True)
    thread.start()
    return folder, thread
