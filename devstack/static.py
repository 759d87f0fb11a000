"""The web app (web/dist, built by `make web`) served beside the API, with the headers CloudFront adds in AWS.

Paths under /v1 go to the API; `/` is index.html, `/assets/*` the hashed bundles (cached for a year),
`/areas/*` the area list. Every answer, the API's too, carries the security headers of
web/security-headers.json (the same file the CDK stack's response headers policy is built from),
except HSTS, which only makes sense over HTTPS.
"""

from __future__ import annotations

import json
import mimetypes
import os
from functools import cache
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

WEB = Path(__file__).resolve().parents[1] / "web"
TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".json": "application/json"}


@cache
def policy() -> dict[str, Any]:
    """The web app's security and cache headers, as web/security-headers.json gives them."""
    return dict(json.loads((WEB / "security-headers.json").read_text()))


def security_headers() -> dict[str, str]:
    """The headers every local answer carries."""
    return {
        "Content-Security-Policy": policy()["content_security_policy"],
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": policy()["referrer_policy"],
    }


def root() -> Path:
    """Where the built app is (TPBIS_WEB_DIST moves it)."""
    return Path(os.environ.get("TPBIS_WEB_DIST") or WEB / "dist").resolve()


def resolve(path: str) -> tuple[Path, str] | None:
    """The file a URL path names inside the built app and its Cache-Control, or None."""
    clean = path.split("?", 1)[0].split("#", 1)[0]
    base = root()
    target = (base / "index.html") if clean in ("", "/", "/index.html") else (base / clean.lstrip("/")).resolve()
    if not target.is_relative_to(base) or not target.is_file():
        return None
    cache_rules = policy()["cache"]
    top = target.relative_to(base).parts[0]
    return target, cache_rules.get(top, cache_rules["index"])


class StaticFiles(BaseHTTPRequestHandler):
    """A request-handler mixin (before ChaliceRequestHandler): GET and HEAD outside /v1 answer from the
    built app; every answer gets the security headers."""

    def end_headers(self) -> None:
        for name, value in security_headers().items():
            self.send_header(name, value)
        super().end_headers()

    def _answer(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.send_response(status)
        for name, value in {**headers, "Content-Length": str(len(body))}.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _static(self) -> bool:
        if self.path == "/v1" or self.path.startswith(("/v1/", "/v1?")):
            return False
        found = resolve(self.path)
        if found is None:
            body = b"not found\n" if root().is_dir() else b"the web app is not built: run `make web`\n"
            self._answer(404, {"Content-Type": "text/plain; charset=utf-8"}, body)
            return True
        target, cache_control = found
        kind = TYPES.get(target.suffix) or mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if kind.startswith("text/") and "charset" not in kind:
            kind += "; charset=utf-8"
        self._answer(200, {"Content-Type": kind, "Cache-Control": cache_control}, target.read_bytes())
        return True

    def do_GET(self) -> None:
        """The app's files, or the API."""
        if not self._static():
            super().do_GET()  # type: ignore[misc]  # ChaliceRequestHandler's, next in the MRO

    def do_HEAD(self) -> None:
        """As GET, without the body."""
        if not self._static():
            super().do_HEAD()  # type: ignore[misc]
