"""Shared storage helpers: table binding at run time and opaque paging cursors."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from typing import Any

from pynamodb.exceptions import PynamoDBException

from chalicelib.config import get_settings
from chalicelib.errors import MalformedRequestError
from chalicelib.tables import TableSpec


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
