"""Fresh on change over real HTTP, against a stack of its own as `make run` starts it (the queue on
moto's SQS, its pool of workers, a change asking for a plan): a report posted reaches
`GET /v1/national/indicators` with nobody calling run-now and no schedule due, and a rebuild through
the queue gives the national figures the serial rollup gives.

The settle window is 0 s here so the test waits seconds, not minutes; the plan still comes through a
delayed message (the settle window plus 5 s) and the workers, as it does with the default 120 s."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.conftest import HttpStack, new_tenant, ok, start_stack

pytestmark = pytest.mark.slow

GROBOGAN, PATI = "33.15", "33.18"
VILLAGES = {GROBOGAN: "33.15.01.2001", PATI: "33.18.01.2001"}
# Far longer than it takes (seconds); the product's promise is 5 minutes with a 120 s settle window.
PATIENCE_SECONDS = 90


@pytest.fixture(scope="module")
def fresh_stack() -> Iterator[HttpStack]:
    running = start_stack(TPBIS_ROLLUP_SETTLE_SECONDS="0", TPBIS_ROLLUP_ON_CHANGE="true")
    yield running
    running.stop()


def _month() -> str:
    return dt.datetime.now(ZoneInfo("Asia/Jakarta")).strftime("%Y-%m")


def _national(stack: HttpStack, level: str = "national") -> dict[str, Any]:
    path = f"/v1/national/indicators?level={level}&period={_month()}"
    return {item["scope"]["code"]: item["indicators"] for item in ok(stack.call("GET", path, key=stack.admin))["items"]}


def _visits(stack: HttpStack) -> int:
    return int(_national(stack).get("ID", {}).get("visits", {}).get("value") or 0)


def _wait_for_visits(stack: HttpStack, expected: int) -> float:
    """Seconds until the national visits are `expected` (fails after PATIENCE_SECONDS)."""
    started = time.monotonic()
    while _visits(stack) != expected:
        assert time.monotonic() - started < PATIENCE_SECONDS, (_visits(stack), "".join(list(stack.output)[-40:]))
        time.sleep(0.5)
    return time.monotonic() - started


def _post(stack: HttpStack, key: str, village: str, visitors: int) -> None:
    today = dt.datetime.now(ZoneInfo("Asia/Jakarta")).date()
    body = {
        "submission_id": str(uuid.uuid4()),
        "village_code": village,
        "type": "visits",
        "date": today.isoformat(),
        "visitors": visitors,
        "women": 0,
        "children": 0,
    }
    ok(stack.call("POST", "/v1/reports", body, key=key), 201)


def test_a_report_reaches_the_national_indicators_without_run_now_and_a_rebuild_through_the_queue_agrees(
    fresh_stack: HttpStack,
) -> None:
    stack = fresh_stack
    keys = {}
    for code, village in VILLAGES.items():
        keys[code] = new_tenant(stack, code)
        ok(stack.call("PUT", f"/v1/villages/{village}", {"library_name": "Perpustakaan"}, key=keys[code]), 201)

    _post(stack, keys[GROBOGAN], VILLAGES[GROBOGAN], 12)
    first = _wait_for_visits(stack, 12)
    _post(stack, keys[GROBOGAN], VILLAGES[GROBOGAN], 5)
    _post(stack, keys[PATI], VILLAGES[PATI], 8)
    second = _wait_for_visits(stack, 25)
    assert max(first, second) < PATIENCE_SECONDS
    print(f"report to national indicators: {first:.1f} s, then {second:.1f} s")  # seen with -s
    fresh = _national(stack, "province")

    queued = json.loads(_cli_rebuild(stack).stdout)  # the run's summary alone (logs go to stderr)
    assert (queued["done"], queued["failed"]) == ([GROBOGAN, PATI], [])
    assert _national(stack, "province") == fresh, "a rebuild through the queue gives what the changes gave"
    _cli_rebuild(stack, "--serial")
    assert _national(stack, "province") == fresh, "and so does the serial rebuild"


def _cli_rebuild(stack: HttpStack, *extra: str) -> subprocess.CompletedProcess[str]:
    """`make rollup REBUILD=1` against this stack's embedded AWS (the queue's workers do the work)."""
    aws = next(line.split()[2] for line in stack.output if line.startswith("Embedded AWS: "))
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TPBIS_"))},
        "AWS_ENDPOINT_URL": aws,
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_DEFAULT_REGION": "ap-southeast-3",
        "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
        "TPBIS_STAGE": "local",
        "POWERTOOLS_METRICS_DISABLED": "true",
    }
    command = [sys.executable, "-m", "chalicelib.cli", "rollup", "--rebuild", *extra]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=PATIENCE_SECONDS, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return done
