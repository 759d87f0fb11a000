"""The commitment workflow and the reminder job over real HTTP, against `make run`'s stack."""

from __future__ import annotations

from tests.e2e.conftest import HttpStack
from tests.factories import signup_payload


def test_a_commitment_is_followed_to_fulfilment_and_a_late_one_is_reminded_once(stack: HttpStack) -> None:
    assert stack.call("POST", "/v1/signup", signup_payload("33.18"))[0] == 202
    status, body = stack.call("POST", "/v1/admin/tenants/33.18/approve", key=stack.admin)
    assert status == 200
    admin = body["admin_key"]["secret"]

    status, stakeholder = stack.call(
        "POST", "/v1/stakeholders", {"name": "Bupati Pati", "kind": "regent", "position": "Bupati"}, key=admin
    )
    assert status == 201
    commitment = {
        "stakeholder_id": stakeholder["stakeholder_id"],
        "kind": "budget",
        "description": "APBD line for village libraries",
        "amount_idr": 150_000_000,
        "due_date": "2020-12-31",
    }
    status, created = stack.call("POST", "/v1/commitments", commitment, key=admin)
    assert (status, created["status"], created["version"]) == (201, "proposed", 1)
    path = f"/v1/commitments/{created['commitment_id']}"

    status, first = stack.call("POST", "/v1/admin/jobs/commitment-reminders/run", key=stack.admin)
    assert status == 200
    assert first["newly_overdue"] == first["events_published"] == 1
    status, again = stack.call("POST", "/v1/admin/jobs/commitment-reminders/run", key=stack.admin)
    assert again["newly_overdue"] == 0 and again["events_published"] == 0
    assert stack.call("GET", path, key=admin)[1]["overdue"] is True

    assert stack.call("POST", f"{path}/transitions", {"to": "committed", "expected_version": 1}, key=admin)[0] == 201
    status, error = stack.call("POST", f"{path}/transitions", {"to": "proposed", "expected_version": 2}, key=admin)
    assert status == 422 and "in_progress, fulfilled, lapsed, withdrawn" in error["error"]["message"]
    status, error = stack.call("POST", f"{path}/transitions", {"to": "lapsed", "expected_version": 1}, key=admin)
    assert status == 409
    fulfil = {"to": "fulfilled", "expected_version": 2, "realized_amount_idr": 120_000_000}
    assert stack.call("POST", f"{path}/transitions", fulfil, key=admin)[0] == 201
    status, detail = stack.call("GET", path, key=admin)
    assert (detail["status"], detail["version"], detail["overdue"]) == ("fulfilled", 3, False)
    assert [t["to_status"] for t in detail["transitions"]] == ["committed", "fulfilled"]
