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
    assert (status, body) == (202, {"tenant_id": "33.15", "status": "pending"})
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


def test_an_embedded_aws_port_in_use_is_refused_naming_the_variable_make_run_reads() -> None:
    import os
    import socket
    import subprocess
    import sys

    from tests.e2e.conftest import ROOT

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_ENDPOINT_URL", "TPBIS_LOCAL_"))}
        env.update(PORT="0", TPBIS_LOCAL_AWS_PORT=str(port))
        done = subprocess.run(
            [sys.executable, "-m", "devstack"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
        )
    assert done.returncode != 0
    assert f"port {port} is in use" in done.stderr
    assert "make run AWS_PORT=" in done.stderr  # what works under make (it sets TPBIS_LOCAL_AWS_PORT itself)
