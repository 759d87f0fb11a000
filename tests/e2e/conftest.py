"""A running local stack (`python -m devstack`, what `make run` starts), talked to over real HTTP."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
ADMIN = "e2e-platform-admin-secret-0123456789abcdef"
OUTPUT_LINES = 2000


@dataclass
class HttpStack:
    """The stack's base URL, admin secret and process, and what it printed (drained by a thread:
    a stack whose output pipe fills up blocks on its next log line)."""

    base: str
    admin: str
    process: subprocess.Popen[str]
    output: deque[str] = field(default_factory=lambda: deque(maxlen=OUTPUT_LINES))
    drainer: threading.Thread | None = None

    def stop(self) -> int:
        """SIGTERM, wait for it to exit (kill after 30 s); the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                return self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        code = self.process.wait(timeout=10)
        if self.drainer is not None:
            self.drainer.join(timeout=5)  # the last lines it printed
        return code

    def call(self, method: str, path: str, body: Any = None, key: str | None = None) -> tuple[int, Any]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        if key:
            request.add_header("Authorization", f"Bearer {key}")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                raw = response.read()
                return response.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as error:
            raw = error.read()
            return error.code, json.loads(raw) if raw else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_stack(**extra_env: str) -> HttpStack:
    """Start `python -m devstack` on a free port (with `extra_env`) and wait until it answers. Without
    TPBIS_LOCAL_DATA_DIR in `extra_env` its data lives in memory only."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_ENDPOINT_URL", "TPBIS_LOCAL_"))}
    env.update(PORT=str(port), TPBIS_LOCAL_AWS_PORT="0", TPBIS_BOOTSTRAP_ADMIN_KEY=ADMIN, PYTHONUNBUFFERED="1")
    env.update(extra_env)
    env.pop("TPBIS_STAGE", None)
    # Every test of a session signs up from 127.0.0.1; the per-address limit has its own tests.
    env.setdefault("TPBIS_SIGNUP_LIMIT_PER_HOUR", "1000")
    # Tests run the rollup when they mean to (run-now); the fresh-on-change ones turn this on.
    env.setdefault("TPBIS_ROLLUP_ON_CHANGE", "false")
    process = subprocess.Popen(
        [sys.executable, "-m", "devstack"],
        cwd=ROOT,
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    running = HttpStack(base=base, admin=ADMIN, process=process)

    def drain() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            running.output.append(line)

    running.drainer = threading.Thread(target=drain, name="stack-output", daemon=True)
    running.drainer.start()
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(base + "/v1/health", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            time.sleep(0.5)
            raise RuntimeError("the local stack did not start:\n" + "".join(running.output))
        time.sleep(0.2)
    return running


def ok(reply: tuple[int, Any], *statuses: int) -> Any:
    """The body of a reply whose status is one of `statuses` (200 when none are given)."""
    status, body = reply
    assert status in (statuses or (200,)), body
    return body


def new_tenant(stack: HttpStack, code: str) -> str:
    """Sign a regency up and approve it; its district admin's key."""
    from tests.factories import signup_payload

    ok(stack.call("POST", "/v1/signup", signup_payload(code)), 202)
    return str(ok(stack.call("POST", f"/v1/admin/tenants/{code}/approve", key=stack.admin))["admin_key"]["secret"])


@pytest.fixture(scope="session")
def stack() -> Iterator[HttpStack]:
    """One local stack for the whole e2e session."""
    running = start_stack()
    yield running
    running.stop()
