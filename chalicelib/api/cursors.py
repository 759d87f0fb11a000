"""Paging cursors as clients see them: the storage cursor, signed (HMAC-SHA256) and bound to one listing.

A repository's cursor is an opaque encoding of DynamoDB's last evaluated key. Handed out as is, a
client could forge one (any key, any index) or replay it on another route or tenant. So the HTTP
edge signs it for the listing it came from (the route, its path parameters, the caller's tenant and
the filters of the query) and accepts back only what it signed for that same listing: anything else
answers 400 `invalid_cursor` before any storage call.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import TYPE_CHECKING, Any

from chalicelib.errors import FieldProblem, MalformedRequestError
from chalicelib.lazy import lazy_import

if TYPE_CHECKING:  # settings are pydantic: read on first use, not at cold start
    from chalicelib import config
else:
    config = lazy_import("chalicelib.config")

_SEP = "."
_MAC_BYTES = 16  # 128 bits of the SHA-256 HMAC


def listing(*, route: str, tenant: str, path_params: dict[str, str], filters: dict[str, Any]) -> str:
    """The identity of one listing: what a cursor is bound to."""
    return json.dumps(
        {"route": route, "tenant": tenant, "path": path_params, "filters": filters},
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )


def _mac(bound_to: str, inner: str) -> str:
    digest = hmac.new(config.cursor_secret(), f"{bound_to}\n{inner}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:_MAC_BYTES]).decode().rstrip("=")


def sign(inner: str, *, bound_to: str) -> str:
    """The cursor handed to the client for the storage cursor `inner` of listing `bound_to`."""
    return f"{inner}{_SEP}{_mac(bound_to, inner)}"


def verify(cursor: str, *, bound_to: str) -> str:
    """The storage cursor inside a client's cursor, if this service signed it for this listing."""
    inner, sep, mac = cursor.rpartition(_SEP)
    if not sep or not inner or not hmac.compare_digest(mac.encode(), _mac(bound_to, inner).encode()):
        raise MalformedRequestError(
            "the cursor is not valid for this listing; start again without it",
            code="invalid_cursor",
            details=[FieldProblem("cursor", "use the next_cursor of the same listing, unchanged")],
        )
    return inner
