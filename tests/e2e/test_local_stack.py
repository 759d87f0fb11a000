"""`make run`'s entry point, over real HTTP: the foundation flow, then a clean stop."""

from __future__ import annotations

from tests.e2e.conftest import HttpStack, start_stack


def test_sign_up_approve_and_use_keys_over_http(stack: HttpStack) -> None:
    assert stack.call("GET", "/v1/health") == (200, {"status": "ok"})
    status, body = stack.call(
        "POST",
        "/v1/signup",
        {
            "regency_code": "33.15",
            "office_name": "Dinas Perpustakaan",
            "contact_name": "Sri",
            "contact_email": "sri@example.id",
        },
    )
    assert status == 202 and (body["tenant_id"], body["status"]) == ("33.15", "pending")
    status, body = stack.call("POST", "/v1/admin/tenants/33.15/approve", key=stack.admin)
    assert status == 200
    admin = body["admin_key"]["secret"]
    status, body = stack.call("POST", "/v1/keys", {"role": "viewer", "label": "dashboard"}, key=admin)
    assert status == 201
    viewer = body["secret"]
    assert stack.call("GET", "/v1/tenant", key=viewer)[0] == 200
    assert stack.call("POST", "/v1/keys", {"role": "viewer", "label": "x"}, key=viewer)[0] == 403
    status, body = stack.call("GET", "/v1/tenant")
    assert status == 401 and body["error"]["code"] == "unauthenticated"
    status, body = stack.call("GET", "/v1/no-such-route")
    assert status == 404 and body["error"]["code"] == "not_found"
    status, spec = stack.call("GET", "/v1/openapi.json")
    assert status == 200 and "/v1/signup" in spec["paths"]


def test_the_stack_stops_cleanly_on_sigterm() -> None:
    own = start_stack()
    assert own.stop() == 0
    assert any(line.startswith("Embedded AWS: http://127.0.0.1:") for line in own.output)
