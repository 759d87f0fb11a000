"""The rollup queue's workers in a test: drain the queue through the app's worker function, as
Lambda's poller does in AWS and devstack's threads under `make run`."""

from __future__ import annotations

from typing import Any

import pytest

from devstack.queue_workers import Polled, drain


def drain_rollup_queue() -> Polled:
    """Hand every queued message to the worker function until the queue is empty (a failing one
    retried at once, until the queue parks it in its dead-letter queue)."""
    from app import app
    from chalicelib.jobs.rollup_worker import WORKER_FUNCTION

    return drain(app.handler_map[WORKER_FUNCTION])


def fail_tenant(monkeypatch: pytest.MonkeyPatch, tenant: str) -> None:
    """Make every rollup of `tenant` fail (a poison tenant); the others roll up as usual."""
    from chalicelib.services import rollup

    original = rollup.roll_tenant

    def poisoned(tenant_id: str, *args: Any, **kwargs: Any) -> Any:
        if tenant_id == tenant:
            raise ValueError("a figure this tenant's data cannot give")
        return original(tenant_id, *args, **kwargs)

    monkeypatch.setattr(rollup, "roll_tenant", poisoned)
