"""The API's public base URL, as the caller reached it (for links a client follows later)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.lazy import lazy_import

if TYPE_CHECKING:  # settings are pydantic: read on first use, not at cold start
    from chalicelib import config
else:
    config = lazy_import("chalicelib.config")


def api_base(request: Any) -> str:
    """`TPBIS_PUBLIC_API_URL` when set (a custom domain); else the scheme, host and stage the request
    came through (API Gateway's execute-api URL carries the stage in its path)."""
    configured = config.get_settings().public_api_url
    if configured:
        return configured.rstrip("/")
    headers = request.headers or {}
    scheme = (headers.get("x-forwarded-proto") or "http").split(",")[0].strip()
    host = headers.get("host") or "localhost"
    context = request.context or {}
    stage, path = context.get("stage") or "", context.get("path") or ""
    prefix = f"/{stage}" if stage and path.startswith(f"/{stage}/") else ""
    return f"{scheme}://{host}{prefix}"
