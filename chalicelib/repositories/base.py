"""Shared storage helpers: table binding at run time, opaque paging cursors, bounded batch reads."""

from __future__ import annotations

import base64
import binascii
import json
import random
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from botocore.exceptions import BotoCoreError, ClientError
from pynamodb.exceptions import GetError, PynamoDBException
from pynamodb.models import Model

from chalicelib.config import get_settings
from chalicelib.errors import MalformedRequestError, ServiceUnavailableError
from chalicelib.tables import TableSpec

M = TypeVar("M", bound=Model)
BATCH_ROUNDS = 8  # rounds of a batch call before giving up on what DynamoDB leaves unprocessed
BATCH_BASE_DELAY = 0.05  # seconds before the second round; doubles each round, at most 2 s, with jitter
BATCH_GET_LIMIT = 100  # keys of one BatchGetItem request


class _BoundMeta(type):
    """Metaclass of a model's `Meta`: the physical table name is read from settings when used,
    never fixed at import time."""

    spec: TableSpec

    @property
    def table_name(cls) -> str:
        return get_settings().table_name(cls.spec.name)


def table_meta(spec: TableSpec) -> Any:
    """A PynamoDB `Meta` class bound to a table spec."""
    return _BoundMeta("Meta", (), {"spec": spec})


def encode_cursor(last_key: dict[str, Any] | None) -> str | None:
    """An opaque cursor for a query's last evaluated key (None when there is no next page)."""
    if not last_key:
        return None
    raw = json.dumps(last_key, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None, *, scope: dict[str, str]) -> dict[str, Any] | None:
    """The last evaluated key inside a cursor, checked to belong to `scope` (attribute -> value):
    a cursor made for another tenant or another listing is refused, never followed."""
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        key = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise MalformedRequestError("the cursor is not valid", code="invalid_cursor") from exc
    if not isinstance(key, dict) or not all(
        isinstance(value, dict) and set(value) == {"S"} and isinstance(value["S"], str) for value in key.values()
    ):
        raise MalformedRequestError("the cursor is not valid", code="invalid_cursor")
    if any(key.get(name, {}).get("S") != value for name, value in scope.items()):
        raise MalformedRequestError("the cursor does not belong to this listing", code="invalid_cursor")
    return key


def condition_held(write: Callable[[], object]) -> bool:
    """Make a conditional write; whether its condition held (False, not an error, when it did not)."""
    try:
        write()
        return True
    except PynamoDBException as exc:
        if getattr(exc, "cause_response_code", None) != "ConditionalCheckFailedException":
            raise
        return False


def all_of(conditions: list[Any]) -> Any:
    """The conjunction of PynamoDB conditions (None for none): a filter built from optional parts."""
    combined = None
    for condition in conditions:
        combined = condition if combined is None else combined & condition
    return combined


def backoff(round_number: int) -> None:
    """Wait before round `round_number` (0-based) of a batch call: nothing before the first, then
    BATCH_BASE_DELAY doubling each round (at most 2 s), with jitter."""
    if round_number:
        delay = min(BATCH_BASE_DELAY * 2 ** (round_number - 1), 2.0)
        time.sleep(delay * random.uniform(0.5, 1.0))


def batch_get(model: type[M], keys: Iterable[tuple[str, str]], *, consistent_read: bool = True) -> list[M]:
    """BatchGetItem of (hash, range) string keys, 100 a request, resending what DynamoDB leaves
    unprocessed for at most BATCH_ROUNDS rounds with exponential backoff. PynamoDB's own batch_get
    resends them at once and without end, so a table that keeps leaving keys unread would hold the
    request until its Lambda times out. Raises ServiceUnavailableError (503, retry) when keys are
    still unread after the last round; absent keys are simply not returned."""
    return batch_get_tables({model: keys}, consistent_read=consistent_read)[model]


def batch_get_tables(
    requests: Mapping[type[M], Iterable[tuple[str, str]]], *, consistent_read: bool = True
) -> dict[type[M], list[M]]:
    """`batch_get` over several tables at once: their keys share the requests (100 keys a request in
    all), so a few items of three tables cost one request, not three. Returns every model's items."""
    by_table: dict[str, type[M]] = {}
    wanted: list[tuple[str, dict[str, Any]]] = []
    for model, keys in requests.items():
        range_attribute = model._range_key_attribute()
        if range_attribute is None:
            raise ValueError(f"{model.__name__} has no range key")
        hash_name, range_name = model._hash_key_attribute().attr_name, range_attribute.attr_name
        table = model.Meta.table_name
        by_table[table] = model
        wanted += [(table, {hash_name: {"S": h}, range_name: {"S": r}}) for h, r in sorted(set(keys))]
    found: dict[type[M], list[M]] = {model: [] for model in requests}
    for start in range(0, len(wanted), BATCH_GET_LIMIT):
        pending: dict[str, list[dict[str, Any]]] = {}
        for table, key in wanted[start : start + BATCH_GET_LIMIT]:
            pending.setdefault(table, []).append(key)
        for round_number in range(BATCH_ROUNDS):
            backoff(round_number)
            request = {t: {"Keys": k, "ConsistentRead": consistent_read} for t, k in pending.items()}
            connection = next(iter(by_table.values()))._get_connection().connection
            try:
                answer = connection.dispatch("BatchGetItem", {"RequestItems": request})
            except (BotoCoreError, ClientError) as exc:  # as PynamoDB's own batch reads raise it
                raise GetError(f"Failed to batch get items: {exc}", exc) from exc
            for table, items in (answer.get("Responses") or {}).items():
                found[by_table[table]] += [by_table[table].from_raw_data(item) for item in items]
            pending = {t: u["Keys"] for t, u in (answer.get("UnprocessedKeys") or {}).items() if u.get("Keys")}
            if not pending:
                break
        else:
            unread = sum(len(keys) for keys in pending.values())
            raise ServiceUnavailableError(f"{unread} items are still unread: the data store is throttling")
    return found
