"""Answers that API Gateway gives before the app runs (no token, unknown route, throttling),
in the service's error shape. The CDK app installs them as Gateway Responses; the local
server applies the same table, so both speak alike."""

from __future__ import annotations

import json
from dataclasses import dataclass


@dataclass(frozen=True)
class GatewayAnswer:
    """One gateway response type: its status and error code and message."""

    status: int
    code: str
    message: str

    def body(self) -> str:
        """The JSON body, in the error shape."""
        return json.dumps({"error": {"code": self.code, "message": self.message, "details": []}})


GATEWAY_RESPONSES: dict[str, GatewayAnswer] = {
    "UNAUTHORIZED": GatewayAnswer(
        401, "unauthenticated", "a valid API key is required: Authorization: Bearer <secret>"
    ),
    "MISSING_AUTHENTICATION_TOKEN": GatewayAnswer(404, "not_found", "no such route"),
    "ACCESS_DENIED": GatewayAnswer(403, "forbidden", "access denied"),
    "THROTTLED": GatewayAnswer(429, "too_many_requests", "too many requests; retry shortly"),
    "REQUEST_TOO_LARGE": GatewayAnswer(413, "payload_too_large", "the request body is too large"),
    "BAD_REQUEST_BODY": GatewayAnswer(400, "bad_request", "the request body cannot be read"),
    "DEFAULT_4XX": GatewayAnswer(400, "bad_request", "the request was refused by the gateway"),
    "DEFAULT_5XX": GatewayAnswer(500, "internal_error", "the gateway failed to handle the request"),
}
