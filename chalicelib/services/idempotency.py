"""Create-once semantics for POSTs that carry an `Idempotency-Key` (Powertools idempotency on DynamoDB).

A phone that retries a create after a lost answer gets the first result back instead of a
duplicate. The key is scoped by operation and tenant (Powertools' own key does not include the
tenant), and the request payload is checked: the same key with another body is refused.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from chalicelib.config import get_settings
from chalicelib.errors import ConflictError, FieldProblem, InvalidInputError, ServiceUnavailableError, is_throttling
from chalicelib.observability import logger
from chalicelib.tables import IDEMPOTENCY

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
EXPIRES_AFTER_SECONDS = 24 * 3600


@dataclass(frozen=True)
class IdempotencyKey:
    """A request's Idempotency-Key, with the Lambda context whose remaining time bounds how long an
    interrupted first attempt blocks its retries."""

    key: str
    lambda_context: Any = None


@lru_cache(maxsize=4)
def _persistence(table_name: str) -> DynamoDBPersistenceLayer:
    # Built on first use: the layer creates its boto3 client when constructed.
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer
    from botocore.config import Config

    # The retry policy of every other DynamoDB call (PynamoDB's): standard mode, 4 attempts. boto3's
    # default (legacy, 10 attempts for DynamoDB) would hold a throttled request for ~25 s before its 503.
    return DynamoDBPersistenceLayer(
        table_name=table_name,
        key_attr=IDEMPOTENCY.hash_key,
        expiry_attr=IDEMPOTENCY.ttl_attribute or "expiration",
        boto_config=Config(retries={"mode": "standard", "total_max_attempts": 4}),
    )


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
    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig, idempotent_function
    from aws_lambda_powertools.utilities.idempotency.exceptions import (
        IdempotencyAlreadyInProgressError,
        IdempotencyPersistenceLayerError,
        IdempotencyValidationError,
    )

    config = IdempotencyConfig(
        event_key_jmespath="[operation, tenant_id, key]",
        payload_validation_jmespath="payload",
        raise_on_no_idempotency_key=True,
        expires_after_seconds=EXPIRES_AFTER_SECONDS,
    )
    if hasattr(key.lambda_context, "get_remaining_time_in_millis"):
        config.register_lambda_context(key.lambda_context)

    created: list[str] = []

    def _create(request: dict[str, Any]) -> str:
        created.append(create())
        return created[-1]

    once: Callable[..., Any] = idempotent_function(
        _create,
        data_keyword_argument="request",
        persistence_store=_persistence(get_settings().table_name(IDEMPOTENCY.name)),
        config=config,
        key_prefix=f"tpbis.{operation}",
    )

    request = {
        "operation": operation,
        "tenant_id": tenant_id,
        "key": key.key,
        "payload": json.loads(json.dumps(payload, default=str, sort_keys=True)),
    }
    try:
        return str(once(request=request))
    except IdempotencyPersistenceLayerError as exc:
        if not created or not is_throttling(exc):
            raise  # nothing was created (a throttled in-progress save is a 503 as it is)
        return _save_result(operation, request, created[0], exc)
    except IdempotencyValidationError as exc:
        raise InvalidInputError(
            "this Idempotency-Key was used with a different request",
            details=[FieldProblem(HEADER, "use a new key for a new request")],
        ) from exc
    except IdempotencyAlreadyInProgressError as exc:
        raise ConflictError("a request with this Idempotency-Key is still in progress; retry shortly") from exc


SAVE_ROUNDS = 4  # more rounds of saving a create's result when the store throttled the first save


def _save_result(operation: str, request: dict[str, Any], resource_id: str, cause: Exception) -> str:
    """The create happened but the store throttled the save of its result. It is not a success until
    the result is saved (a retry with the key would find the record in progress, answered 409, and
    once that window passes create a second resource): save it again with backoff, and answer 503
    if it still fails."""
    from chalicelib.repositories.base import backoff

    persistence = _persistence(get_settings().table_name(IDEMPOTENCY.name))
    for round_number in range(1, SAVE_ROUNDS + 1):
        backoff(round_number)
        try:
            persistence.save_success(data=request, result=resource_id)  # type: ignore[arg-type]
            return resource_id
        except Exception as exc:
            if not is_throttling(exc):
                raise
    logger.error(
        "created, but its Idempotency-Key record is not saved: retries answer 409 while the record is in "
        "progress; one after that could create the resource again",
        extra={"operation": operation, "resource_id": resource_id},
    )
    raise ServiceUnavailableError("the data store is throttling; retry with the same Idempotency-Key") from cause
