"""Issue 17 over real HTTP against `make run`'s entry point: the upper-case twin of a stored id is a
duplicate; a nested body and a forged cursor answer 400; TRACE answers 405 in the error shape."""

from __future__ import annotations

import base64
import http.client
import json
import urllib.parse
import uuid

from tests.e2e.conftest import HttpStack
from tests.reliability.test_concurrency import _office

REGENCY, VILLAGE = "33.19", "33.19.01.2001"


def _raw(
    stack: HttpStack, method: str, path: str, body: bytes | None = None, key: str | None = None
) -> tuple[int, dict[str, str], bytes]:
    address = urllib.parse.urlsplit(stack.base)
    connection = http.client.HTTPConnection(address.hostname or "127.0.0.1", address.port, timeout=30)
    headers = {"Content-Type": "application/json"}
    if key:
        headers["Authorization"] = f"Bearer {key}"
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, data


def test_issue_17_input_findings_hold_over_http(stack: HttpStack) -> None:
    key = _office(stack, REGENCY, VILLAGE)
    sid = str(uuid.uuid4())
    # A media report of 2024: the stack is shared, and the other e2e tests count the visits of 2025 and 2026.
    sent = {
        "submission_id": sid,
        "village_code": VILLAGE,
        "type": "media",
        "date": "2024-03-02",
        "outlet": "Radio",
        "medium": "radio",
    }
    assert stack.call("POST", "/v1/reports", sent, key=key)[0] == 201
    status, twin = stack.call("POST", "/v1/reports", {**sent, "submission_id": sid.upper()}, key=key)
    assert (status, twin["status"], twin["submission_id"]) == (200, "duplicate", sid)

    for auth in (None, key):
        status, headers, body = _raw(stack, "POST", "/v1/reports", b"[" * 1000, key=auth)
        assert status in ((400,) if auth else (400, 401)) and json.loads(body)["error"]["code"], body
    status, _, body = _raw(stack, "POST", "/v1/reports", b"[" * 1000 + b"]" * 1000, key=key)
    assert status == 400 and json.loads(body)["error"]["code"] == "malformed_json"

    forged = base64.urlsafe_b64encode(json.dumps({"tenant_id": {"S": REGENCY}}).encode()).decode().rstrip("=")
    status, body = stack.call("GET", f"/v1/reports?cursor={forged}", key=key)
    assert status == 400 and body["error"]["code"] == "invalid_cursor"

    status, headers, body = _raw(stack, "TRACE", "/v1/health")
    assert status == 405 and headers["content-type"] == "application/json"
    assert json.loads(body)["error"]["code"] == "method_not_allowed"
