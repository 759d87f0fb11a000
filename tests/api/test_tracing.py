"""X-Ray tracing through Powertools' Tracer: every request and every job is a subsegment named after
it and annotated with what an operator searches traces by (tenant, status, job)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aws_lambda_powertools import Tracer

from tests.factories import GROBOGAN, PATI, Tenants, register_village, report, run_scheduled
from tests.http_client import ApiClient
from tests.support.rollup_queue import drain_rollup_queue

# Powertools leaves this classmethod unannotated: what it is, so the fixture below stays checked.
_reset_tracer_config: Callable[[], None] = Tracer._reset_config

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Traces:
    """What the X-Ray recorder sent, read back as subsegments."""

    sent: list[Any] = field(default_factory=list)

    def send_entity(self, entity: Any) -> None:  # the emitter interface of aws_xray_sdk
        self.sent.append(entity)

    def set_daemon_address(self, address: str | None) -> None:
        pass

    def subsegments(self, name: str) -> list[Any]:
        found = []
        pending = list(self.sent)
        while pending:
            entity = pending.pop()
            if entity.name == name and entity not in found:
                found.append(entity)
            pending.extend(entity.subsegments)
        return found


@pytest.fixture
def traces(aws: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[Traces]:
    """Tracing on, as in Lambda with active tracing, inside one open segment; nothing leaves the process."""
    from aws_xray_sdk import global_sdk_config
    from aws_xray_sdk.core import xray_recorder

    from chalicelib import observability

    captured = Traces()
    saved = xray_recorder.emitter, xray_recorder.sampling
    was_enabled = global_sdk_config.sdk_enabled()
    global_sdk_config.set_sdk_enabled(True)
    xray_recorder.configure(emitter=captured, sampling=False)
    # Tracers share one config, in which "disabled" sticks once any was disabled (the app's own, here).
    # auto_patch off: patching botocore would outlive the test; the spans are what is tested here.
    _reset_tracer_config()
    live = Tracer(service=observability.SERVICE, disabled=False, auto_patch=False)
    monkeypatch.setattr(observability, "tracer", lambda: live)
    xray_recorder.begin_segment("test", sampling=True)
    try:
        yield captured
    finally:
        xray_recorder.end_segment()
        xray_recorder.configure(emitter=saved[0], sampling=saved[1])
        global_sdk_config.set_sdk_enabled(was_enabled)
        _reset_tracer_config()


def _flushed(traces: Traces) -> Traces:
    from aws_xray_sdk.core import xray_recorder

    segment = xray_recorder.current_segment()
    traces.sent.append(segment)
    return traces


def test_each_request_is_a_subsegment_with_its_tenant_and_status(
    traces: Traces, tenants: Tenants, api: ApiClient
) -> None:
    grobogan, pati = tenants.create(GROBOGAN), tenants.create(PATI)
    assert api.get("/v1/tenant", key=grobogan.viewer).status == 200
    assert api.get("/v1/admin/tenants?status=active", key=pati.admin).status == 403

    tenant_reads = _flushed(traces).subsegments("## GET /v1/tenant")
    assert [s.annotations for s in tenant_reads] == [{"tenant_id": GROBOGAN, "status": 200}]
    (refused,) = traces.subsegments("## GET /v1/admin/tenants")
    assert refused.annotations == {"tenant_id": PATI, "status": 403}
    flags = [(getattr(s, "error", False), getattr(s, "fault", False)) for s in (refused, tenant_reads[0])]
    assert flags == [(True, False), (False, False)]  # a 4xx is X-Ray's "error", a 5xx its "fault"
    approvals = traces.subsegments("## POST /v1/admin/tenants/{tenant_id}/approve")
    assert len(approvals) == 2 and all(s.annotations["tenant_id"] == "national" for s in approvals)


def test_the_rollup_job_traces_its_plan_and_the_worker_each_tenant_it_rolls(
    traces: Traces, tenants: Tenants, api: ApiClient
) -> None:
    grobogan = tenants.create(GROBOGAN)
    register_village(api, grobogan.admin, grobogan.operator_villages[0])
    posted = api.post("/v1/reports", key=grobogan.operator, json={"reports": [report()]})
    assert posted.status == 200 and posted.json["accepted"] == 1, posted.text
    planned = run_scheduled("run_rollup")

    (job,) = _flushed(traces).subsegments("## run_rollup")
    assert job.annotations == {"job": "rollup"}
    assert job.metadata["default"]["run_id"] == planned["run_id"] and planned["tenants"] == 1
    assert traces.subsegments("## roll_tenant") == []  # the schedule only plans
    drain_rollup_queue()
    (tenant,) = _flushed(traces).subsegments("## roll_tenant")  # in the worker's invocation
    assert tenant.annotations == {"tenant_id": GROBOGAN}


def test_importing_the_app_does_not_load_the_xray_sdk() -> None:
    """The cold start pays for the X-Ray SDK only when a request or a job first opens a span."""
    probe = "import sys, app; print('aws_xray_sdk' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
