"""A small HTTP-style client over the same gateway `make run` serves, for API tests."""

from __future__ import annotations

import json as jsonlib
from dataclasses import dataclass
from typing import Any

from chalice.app import Chalice

from devstack.gateway import make_gateway

_MISSING = object()


@dataclass
class ApiResponse:
    """What came back."""

    status: int
    headers: dict[str, str]
    text: str

    @property
    def json(self) -> Any:
        return jsonlib.loads(self.text) if self.text else None

    @property
    def error_code(self) -> str | None:
        body = self.json
        return body["error"]["code"] if isinstance(body, dict) and "error" in body else None


class ApiClient:
    """Requests against the app through the local API Gateway (authorizer included)."""

    def __init__(self, app: Chalice) -> None:
        self.gateway = make_gateway(app)

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = _MISSING,
        body: bytes | None = None,
        key: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> ApiResponse:
        sent = {"content-type": "application/json"}
        if key is not None:
            sent["authorization"] = f"Bearer {key}"
        sent.update(headers or {})
        if json is not _MISSING:
            body = jsonlib.dumps(json).encode()
        raw = self.gateway.handle_request(method, path, sent, body or b"")
        headers_out = {k.lower(): v for k, v in (raw.get("headers") or {}).items()}
        text = raw.get("body") or ""
        return ApiResponse(raw["statusCode"], headers_out, text if isinstance(text, str) else text.decode())

    def get(self, path: str, **kw: Any) -> ApiResponse:
        return self.request("GET", path, **kw)

    def post(self, path: str, **kw: Any) -> ApiResponse:
        return self.request("POST", path, **kw)

    def put(self, path: str, **kw: Any) -> ApiResponse:
        return self.request("PUT", path, **kw)

    def patch(self, path: str, **kw: Any) -> ApiResponse:
        return self.request("PATCH", path, **kw)

    def delete(self, path: str, **kw: Any) -> ApiResponse:
        return self.request("DELETE", path, **kw)
