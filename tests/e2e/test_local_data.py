"""`make run` keeps its data: a restart, a crash and FRESH=1, over real HTTP."""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import HttpStack, start_stack
from tests.factories import report, signup_payload

VILLAGE = "33.15.01.2001"


def _tenant_with_a_report(stack: HttpStack) -> dict[str, Any]:
    assert stack.call("POST", "/v1/signup", signup_payload("33.15"))[0] == 202
    status, body = stack.call("POST", "/v1/admin/tenants/33.15/approve", key=stack.admin)
    assert status == 200, body
    admin = body["admin_key"]["secret"]
    status, body = stack.call("PUT", f"/v1/villages/{VILLAGE}", {"library_name": "Perpusdes"}, key=admin)
    assert status in (200, 201), body
    sent = report("visits", village=VILLAGE, date="2026-11-02", visitors=9, women=0, children=0)
    assert stack.call("POST", "/v1/reports", sent, key=admin)[0] == 201
    return {"admin": admin, "report": sent}


@pytest.mark.slow
def test_tenants_keys_reports_and_figures_survive_a_restart(tmp_path: Path) -> None:
    first = start_stack(TPBIS_LOCAL_DATA_DIR=str(tmp_path))
    try:
        made = _tenant_with_a_report(first)
        assert first.call("POST", "/v1/admin/jobs/rollup/run", key=first.admin)[0] == 200
    finally:
        assert first.stop() == 0
    assert (tmp_path / "state.json").exists()

    second = start_stack(TPBIS_LOCAL_DATA_DIR=str(tmp_path))
    try:
        assert any("items and" in line and "restored" in line for line in second.output), list(second.output)
        status, body = second.call("GET", f"/v1/reports/{made['report']['submission_id']}", key=made["admin"])
        assert (status, body["report"]["visitors"]) == (200, 9)
        status, body = second.call("GET", "/v1/indicators?period=2026-11&level=regency", key=made["admin"])
        assert status == 200 and body["items"][0]["indicators"]["visits"]["value"] == 9
        status, body = second.call("GET", "/v1/national/export?period=2026-11", key=second.admin)
        assert status == 200, body  # the export bucket's files came back too
        assert second.call("POST", "/v1/admin/jobs/rollup/run", key=second.admin)[0] == 200  # no stale lease
    finally:
        second.stop()


@pytest.mark.slow
def test_a_crash_loses_at_most_the_last_seconds_and_fresh_starts_empty(tmp_path: Path) -> None:
    first = start_stack(TPBIS_LOCAL_DATA_DIR=str(tmp_path))
    try:
        made = _tenant_with_a_report(first)
        deadline = time.monotonic() + 20
        while not _snapshot_has(tmp_path, made["report"]["submission_id"]):
            assert time.monotonic() < deadline, "no snapshot within 20 s"
            time.sleep(0.5)
    finally:
        first.process.send_signal(signal.SIGKILL)  # a crash: no last snapshot
        first.process.wait(timeout=10)

    second = start_stack(TPBIS_LOCAL_DATA_DIR=str(tmp_path))
    try:
        status, _ = second.call("GET", f"/v1/reports/{made['report']['submission_id']}", key=made["admin"])
        assert status == 200
    finally:
        second.stop()

    fresh = start_stack(TPBIS_LOCAL_DATA_DIR=str(tmp_path), TPBIS_LOCAL_FRESH="1")
    try:
        assert fresh.call("GET", "/v1/tenant", key=made["admin"])[0] == 401
        assert fresh.call("GET", "/v1/admin/tenants", key=fresh.admin)[1]["items"] == []
    finally:
        fresh.stop()
    assert (tmp_path / "state.previous.json").exists(), "FRESH=1 sets the old data aside, it does not delete it"


def _snapshot_has(folder: Path, submission_id: str) -> bool:
    """Whether the periodic snapshot holds the report (written within a few seconds of the post)."""
    path = folder / "state.json"
    return path.exists() and submission_id in json.dumps(json.loads(path.read_text())["tables"]["reports"])
