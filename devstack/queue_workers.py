"""Play Lambda's SQS poller locally: receive from the rollup's queue, invoke the worker function with
an SQS-shaped event, delete what succeeded and leave what failed (it comes back after its visibility
timeout, and after `maxReceiveCount` receives the queue moves it to its dead-letter queue).

`make run` runs a small pool of these as threads; tests call `poll_once` / `drain` directly.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from chalicelib import aws_clients
from chalicelib.observability import logger
from chalicelib.queues import rollup_queue_url

Handler = Callable[[dict[str, Any], Any], Any]


@dataclass
class Polled:
    """What one receive did."""

    received: int = 0
    succeeded: int = 0
    failed: int = 0


def sqs_event(messages: list[dict[str, Any]], *, queue_arn: str, region: str) -> dict[str, Any]:
    """The event Lambda's event source mapping hands the function for received messages."""
    return {
        "Records": [
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": m.get("Attributes", {}),
                "messageAttributes": {},
                "md5OfBody": m.get("MD5OfBody", ""),
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": region,
            }
            for m in messages
        ]
    }


def poll_once(handler: Handler, *, batch_size: int = 1, retry_now: bool = False) -> Polled:
    """Receive up to `batch_size` messages and hand them to the worker; with `retry_now` a failed
    message is visible again at once (as if its visibility timeout had passed)."""
    sqs, url = aws_clients.sqs(), rollup_queue_url()
    answer = sqs.receive_message(
        QueueUrl=url, MaxNumberOfMessages=batch_size, WaitTimeSeconds=0, AttributeNames=["All"]
    )
    messages = answer.get("Messages", [])
    polled = Polled(received=len(messages))
    if not messages:
        return polled
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    try:
        response = handler(sqs_event(messages, queue_arn=arn, region=sqs.meta.region_name), None)
        failed = {item["itemIdentifier"] for item in (response or {}).get("batchItemFailures", [])}
    except Exception:  # the whole invocation failed: every message comes back
        logger.exception("rollup worker invocation failed")
        failed = {m["MessageId"] for m in messages}
    for message in messages:
        if message["MessageId"] in failed:
            polled.failed += 1
            if retry_now:
                sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0)
        else:
            polled.succeeded += 1
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return polled


def drain(handler: Handler, *, batch_size: int = 1, limit: int = 10_000) -> Polled:
    """Poll until the queue is empty, failed messages retried at once (until the queue parks them
    in its dead-letter queue); the totals."""
    total = Polled()
    for _ in range(limit):
        polled = poll_once(handler, batch_size=batch_size, retry_now=True)
        if not polled.received:
            return total
        total.received += polled.received
        total.succeeded += polled.succeeded
        total.failed += polled.failed
    raise RuntimeError(f"the rollup queue was not empty after {limit} receives")


def start_workers(handler: Handler, *, count: int, stop: threading.Event) -> list[threading.Thread]:
    """`count` daemon threads working the queue until `stop` is set. While it is empty only the first
    asks it, once a second; when that one receives a message it wakes the others, which work until
    they find it empty again. (Not SQS long polling: moto answers a long poll by checking the queue in
    a loop without pause, which would keep an idle local stack busy; nor every thread asking each
    second, which kept an idle stack at about a tenth of a core.)"""
    busy = threading.Event()

    def loop(first: bool) -> None:
        while not stop.is_set():
            if not first and not busy.wait(timeout=1):
                continue
            try:
                received = poll_once(handler).received
            except Exception:  # the local endpoint going away at shutdown, or a hiccup: poll again
                logger.exception("rollup queue poll failed")
                received = 0
            if received:
                busy.set()
                continue
            if first:
                busy.clear()
            stop.wait(1)

    threads = [
        threading.Thread(target=loop, args=(n == 0,), name=f"rollup-worker-{n}", daemon=True) for n in range(count)
    ]
    for thread in threads:
        thread.start()
    return threads
