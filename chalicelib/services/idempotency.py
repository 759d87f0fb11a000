"""Create-once semantics for POSTs that carry an `Idempotency-Key`.

A phone that retries a create after a lost answer gets the first result back instead of a
duplicate. The key is scoped by operation and tenant (the tenant's idempotency store,
`TenantStores.idempotency`), and the request payload is checked: the same key with another body
is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from chalicelib.errors import ConflictError, FieldProblem, InvalidInputError, ServiceUnavailableError
from chalicelib.observability import logger
from chalicelib.stores import for_tenant
from chalicelib.stores.idempotency import IdempotencyInProgressError, IdempotencyKeyReusedError, ResultNotSavedError

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255


@dataclass(frozen=True)
class IdempotencyKey:
    """A request's Idempotency-Key, with the Lambda context whose remaining time bounds how long an
    interrupted first attempt blocks its retries."""

    key: str
    lambda_context: Any = None


def check_key(given: IdempotencyKey | None) -> IdempotencyKey | None:
    """The key as given, refused when it is empty or too long."""
    if given is None:
        return None
    key = given.key
    if not key.strip() or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise InvalidInputError(
            "the Idempotency-Key header is not valid",
            details=[FieldProblem(HEADER, f"1 to {MAX_KEY_LENGTH} printable characters")],
        )
    return given


def run_once(
    *, operation: str, tenant_id: str, key: IdempotencyKey | None, payload: Any, create: Callable[[], str]
) -> str:
    """`create()` (which returns the new resource's id), run once per (operation, tenant, key):
    a repeat with the same payload returns the first id without running it again."""
    if key is None:
        return create()
    store = for_tenant(tenant_id).idempotency
    try:
        return store.run_once(
            operation=operation, key=key.key, payload=payload, create=create, lambda_context=key.lambda_context
        )
    except IdempotencyKeyReusedError as exc:
        raise InvalidInputError(
            "this Idempotency-Key was used with a different request",
            details=[FieldProblem(HEADER, "use a new key for a new request")],
        ) from exc
    except IdempotencyInProgressError as exc:
        raise ConflictError("a request with this Idempotency-Key is still in progress; retry shortly") from exc
    except ResultNotSavedError as exc:
        # It is not a success until the result is saved: a retry with the key finds the record in
        # progress (409), and one after that window could create the resource again.
        logger.error(
            "created, but its Idempotency-Key record is not saved: retries answer 409 while the record is in "
            "progress; one after that could create the resource again",
            extra={"operation": operation, "resource_id": exc.resource_id},
        )
        raise ServiceUnavailableError("the data store is throttling; retry with the same Idempotency-Key") from exc
