"""Idempotent where a retry is likely (issue 17, item 8): racing voids of one report all succeed, and a
retried advocacy action is stored once. Over real HTTP against `python -m devstack`."""

from __future__ import annotations

import uuid

import pytest

from tests.e2e.conftest import HttpStack
from tests.reliability.test_concurrency import _at_once, _commitment, _office

pytestmark = pytest.mark.slow  # starts the local stack (once per session)


def test_twenty_clients_voiding_one_report_at_once_all_succeed_and_it_is_voided_once(http_stack: HttpStack) -> None:
    village = "33.17.01.2001"
    key = _office(http_stack, "33.17", village)
    sid = str(uuid.uuid4())
    sent = {"submission_id": sid, "village_code": village, "type": "visits", "date": "2026-11-02", "visitors": 9}
    assert http_stack.call("POST", "/v1/reports", sent, key=key)[0] == 201
    answers = _at_once(lambda: http_stack.call("DELETE", f"/v1/reports/{sid}", key=key), clients=20)
    assert [status for status, _ in answers] == [200] * 20, [a for a in answers if a[0] != 200]
    assert {body["report"]["status"] for _, body in answers} == {"void"}
    status, stored = http_stack.call("GET", f"/v1/reports/{sid}", key=key)
    assert status == 200 and stored["report"]["version"] == 2
    assert [h["action"] for h in stored["history"]] == ["created", "voided"]


def test_thirty_identical_action_posts_with_one_idempotency_key_store_one_action(http_stack: HttpStack) -> None:
    import json
    import urllib.request

    key = _office(http_stack, "33.16", "33.16.01.2001")
    commitment = _commitment(
        http_stack,
        key,
        {"name": "Camat", "kind": "other"},
        {"kind": "policy", "description": "SK", "due_date": "2027-01-31"},
    )
    path = f"/v1/commitments/{commitment['commitment_id']}/actions"
    body = json.dumps({"date": "2026-11-02", "kind": "meeting", "note": "Audiensi"}).encode()

    def post() -> tuple[int, dict[str, object]]:
        request = urllib.request.Request(http_stack.base + path, data=body, method="POST")
        request.add_header("Content-Type", "application/json")
        request.add_header("Authorization", f"Bearer {key}")
        request.add_header("Idempotency-Key", "action-retry-1")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    answers = [post() for _ in range(10)] + _at_once(post, clients=20)
    created = {str(answer["action_id"]) for status, answer in answers if status == 201}
    assert len(created) == 1
    # a racing retry may find the first still in progress: 409, retry shortly; never a second action
    assert all(status == 201 or answer["error"]["code"] == "conflict" for status, answer in answers), answers  # type: ignore[index]
    assert [status for status, _ in answers[:10]] == [201] * 10
    status, detail = http_stack.call("GET", f"/v1/commitments/{commitment['commitment_id']}", key=key)
    assert status == 200, detail
    assert [a["action_id"] for a in detail["actions"]] == sorted(created)
