"""`make run` serves the built web app beside /v1 with the security headers CloudFront adds in AWS."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from pathlib import Path

from tests.e2e.conftest import HttpStack

POLICY = json.loads((Path(__file__).resolve().parents[2] / "web" / "security-headers.json").read_text())


def _get(stack: HttpStack, path: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(stack.base + path, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_the_app_is_served_at_the_root_with_the_security_headers_and_no_cache(stack: HttpStack) -> None:
    status, headers, body = _get(stack, "/")

    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert headers["Cache-Control"] == "no-cache"
    csp = headers["Content-Security-Policy"]
    assert csp == POLICY["content_security_policy"] and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == POLICY["referrer_policy"]
    assert b"<script>" not in body  # no inline script: only the bundle below


def test_bundles_have_hashed_names_and_are_cached_for_a_year(stack: HttpStack) -> None:
    _, _, body = _get(stack, "/")
    bundles = re.findall(r'(?:src|href)="(/assets/[^"]+)"', body.decode())
    assert bundles and all(re.fullmatch(r"/assets/[\w-]+-[\w-]{8}\.(js|css)", b) for b in bundles), bundles

    for bundle in bundles:
        status, headers, _ = _get(stack, bundle)
        assert status == 200 and headers["Cache-Control"] == POLICY["cache"]["assets"]
        assert headers["Content-Type"].startswith(("text/javascript", "text/css"))


def test_the_area_list_is_served_for_the_sign_up_and_village_pages(stack: HttpStack) -> None:
    status, headers, body = _get(stack, "/areas/regencies.json")
    regencies = json.loads(body)
    assert status == 200 and headers["Cache-Control"] == POLICY["cache"]["areas"]
    assert len(regencies) == 514
    assert {
        "code": "33.15",
        "name": "Kabupaten Grobogan",
        "province_code": "33",
        "province_name": "Jawa Tengah",
    } in regencies
    _, _, body = _get(stack, "/areas/33.15.json")
    assert {"code": "33.15.01.2001", "name": "Karanglangu"} in json.loads(body)["villages"]


def test_the_api_keeps_its_answers_and_gets_the_security_headers_too(stack: HttpStack) -> None:
    status, headers, body = _get(stack, "/v1/health")
    assert status == 200 and json.loads(body) == {"status": "ok"}
    assert (
        headers["X-Content-Type-Options"] == "nosniff"
        and "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    )


def test_paths_outside_the_app_and_unknown_files_are_not_found(stack: HttpStack) -> None:
    for path in ("/../pyproject.toml", "/%2e%2e/pyproject.toml", "/assets/../../Makefile", "/nothing-here.js"):
        status, _, body = _get(stack, path)
        assert status == 404, path
        assert b"PYTHON" not in body and b"[project]" not in body
    assert _get(stack, "/v1/nothing-here")[0] in (403, 404)  # the API's own answer, not a file
