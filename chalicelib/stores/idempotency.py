"""The idempotency store as a typed port: the first result of a tenant's create, by operation and key.

Bound to one tenant like every port (`TenantStores.idempotency`): the same key sent by two tenants
names two records. The PynamoDB side is Powertools' idempotency on DynamoDB
(chalicelib/repositories/idempotency.py); its in-memory twin is in tests/fakes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol


class IdempotencyKeyReusedError(Exception):
    """The key was used before with another payload."""


class IdempotencyInProgressError(Exception):
    """The first request with the key has not finished."""


class ResultNotSavedError(Exception):
    """The create ran, but its result could not be stored: a retry with the key cannot be answered with it."""

    def __init__(self, resource_id: str) -> None:
        super().__init__(f"{resource_id} was created, but its idempotency record is not saved")
        self.resource_id = resource_id


class IdempotencyStore(Protocol):
    """First results of one tenant's creates, by (operation, key), kept for a day."""

    def run_once(
        self, *, operation: str, key: str, payload: Any, create: Callable[[], str], lambda_context: Any = None
    ) -> str:
        """`create()` (the new resource's id) unless (operation, key) has a result: then that result, and
        `create` is not run. IdempotencyKeyReusedError when the key came with another payload,
        IdempotencyInProgressError while its first request runs (until it ends, or the Lambda context's
        time is up), ResultNotSavedError when `create` ran but its result could not be stored. What
        `create` raises passes, and frees the key."""
        ...
