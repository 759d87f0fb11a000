"""The rollup queue's workers in a test: drain the queue through the app's worker function, as
Lambda's poller does in AWS and devstack's threads under `make run`."""

from __future__ import annotations

from devstack.queue_workers import Polled, drain


def drain_rollup_queue() -> Polled:
    """Hand every queued message to the worker function until the queue is empty (a failing one
    retried at once, until the queue parks it in its dead-letter queue)."""
    from app import app
    from chalicelib.jobs.rollup_worker import WORKER_FUNCTION

    return drain(app.handler_map[WORKER_FUNCTION])
