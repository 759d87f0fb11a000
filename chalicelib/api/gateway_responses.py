"""Answers that API Gateway gives before the app runs (no token, unknown route, a route the key's
role may not call, throttling), in the service's error shape. The CDK app installs them as Gateway
Responses; the local server applies the same table, so both speak alike.

UNAUTHORIZED answers every key the authorizer cannot accept (none, malformed, unknown, revoked,
expired) with one body, so its message names them all. A gateway response has one fixed status per
type, and its template is not VTL: API Gateway only substitutes `$context` variables. ACCESS_DENIED
(the authorizer's policy refused the route) takes its code and message from the authorizer's context
(chalicelib/api/auth.py sets both on every policy)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

_AUTHORIZER_VARIABLE = re.compile(r"\$context\.authorizer\.(\w+)")


@dataclass(frozen=True)
class GatewayAnswer:
    """One gateway response type: its status and error code and message."""

    status: int
    code: str
    message: str

    def body(self) -> str:
        """The JSON body, in the error shape."""
        return json.dumps({"error": {"code": self.code, "message": self.message, "details": []}})

    def render(self, authorizer_context: dict[str, Any]) -> str:
        """The body as API Gateway sends it: each `$context.authorizer.<name>` replaced by that value of
        the authorizer's context, an empty text when it has none."""
        return _AUTHORIZER_VARIABLE.sub(lambda m: str(authorizer_context.get(m.group(1), "")), self.body())


GATEWAY_RESPONSES: dict[str, GatewayAnswer] = {
    "UNAUTHORIZED": GatewayAnswer(
        401,
        "unauthenticated",
        "a valid API key is required (Authorization: Bearer <secret>); this one is missing, unknown, "
        "revoked or expired: ask your administrator for a new one",
    ),
    "MISSING_AUTHENTICATION_TOKEN": GatewayAnswer(404, "not_found", "no such route"),
    "ACCESS_DENIED": GatewayAnswer(403, "$context.authorizer.code", "$context.authorizer.message"),
    "THROTTLED": GatewayAnswer(429, "too_many_requests", "too many requests; retry shortly"),
    "REQUEST_TOO_LARGE": GatewayAnswer(413, "payload_too_large", "the request body is too large"),
    "BAD_REQUEST_BODY": GatewayAnswer(400, "bad_request", "the request body cannot be read"),
    "DEFAULT_4XX": GatewayAnswer(400, "bad_request", "the request was refused by the gateway"),
    "DEFAULT_5XX": GatewayAnswer(500, "internal_error", "the gateway failed to handle the request"),
}
