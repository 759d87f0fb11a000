"""The idempotency store on DynamoDB: Powertools' idempotency with its DynamoDB persistence layer.

Powertools hashes the data it is given into the record's key, which does not include the tenant:
the store puts its tenant, the operation and the key in that data (and checks the payload), so the
record is one per (tenant, operation, key).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from chalicelib.config import get_settings
from chalicelib.errors import is_throttling
from chalicelib.repositories.base import backoff
from chalicelib.stores.idempotency import IdempotencyInProgressError, IdempotencyKeyReusedError, ResultNotSavedError
from chalicelib.tables import IDEMPOTENCY

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

EXPIRES_AFTER_SECONDS = 24 * 3600
SAVE_ROUNDS = 4  # more rounds of saving a create's result when the store throttled the first save


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


@dataclass(frozen=True)
class PowertoolsIdempotency:
    """One tenant's idempotency records (the IdempotencyStore)."""

    tenant_id: str

    def run_once(
        self, *, operation: str, key: str, payload: Any, create: Callable[[], str], lambda_context: Any = None
    ) -> str:
        """`create()` once per (operation, key) of the tenant; a repeat gets the first result."""
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
        if hasattr(lambda_context, "get_remaining_time_in_millis"):
            config.register_lambda_context(lambda_context)
        persistence = _persistence(get_settings().table_name(IDEMPOTENCY.name))
        created: list[str] = []

        def _create(request: dict[str, Any]) -> str:
            created.append(create())
            return created[-1]

        once: Callable[..., Any] = idempotent_function(
            _create,
            data_keyword_argument="request",
            persistence_store=persistence,
            config=config,
            key_prefix=f"tpbis.{operation}",
        )
        request = {
            "operation": operation,
            "tenant_id": self.tenant_id,
            "key": key,
            "payload": json.loads(json.dumps(payload, default=str, sort_keys=True)),
        }
        try:
            return str(once(request=request))
        except IdempotencyPersistenceLayerError as exc:
            if not created or not is_throttling(exc):
                raise  # nothing was created (a throttled in-progress save is a 503 as it is)
            return _save_result(persistence, request, created[0], exc)
        except IdempotencyValidationError as exc:
            raise IdempotencyKeyReusedError(key) from exc
        except IdempotencyAlreadyInProgressError as exc:
            raise IdempotencyInProgressError(key) from exc


def _save_result(
    persistence: DynamoDBPersistenceLayer, request: dict[str, Any], resource_id: str, cause: Exception
) -> str:
    """The create happened but the store throttled the save of its result. It is not a success until
    the result is saved (a retry with the key would find the record in progress and, once that window
    passes, create a second resource): save it again with backoff, or raise ResultNotSavedError."""
    for round_number in range(1, SAVE_ROUNDS + 1):
        backoff(round_number)
        try:
            persistence.save_success(data=request, result=resource_id)  # type: ignore[arg-type]
            return resource_id
        except Exception as exc:
            if not is_throttling(exc):
                raise
    raise ResultNotSavedError(resource_id) from cause
