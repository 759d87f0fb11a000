"""The scheduled rollup (every 15 minutes unless TPBIS_ROLLUP_SCHEDULE says otherwise): it plans a run
whose tenants the queue's workers roll up (chalicelib/jobs/rollup_worker.py)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from chalice.app import Blueprint

from chalicelib.lazy import lazy_import
from chalicelib.observability import logger, metrics, span

rollup_jobs_bp = Blueprint(__name__)
if TYPE_CHECKING:
    from chalicelib.services import rollup_runs
else:
    rollup_runs = lazy_import("chalicelib.services.rollup_runs")

# Read once at import because the schedule is part of the deployment (EventBridge rule).
SCHEDULE = os.environ.get("TPBIS_ROLLUP_SCHEDULE", "rate(15 minutes)")


@rollup_jobs_bp.schedule(SCHEDULE)
def run_rollup(event: Any) -> dict[str, Any]:
    """Plan a run of the tenants whose indicators changed since the last one."""
    logger.clear_state()
    logger.append_keys(job="rollup")
    try:
        with span("run_rollup", job="rollup") as trace:
            run = rollup_runs.plan()  # a national step under way defers a run without tenants, not fails it
            trace.put_metadata("run_id", run.run_id)
        return {"run_id": run.run_id, "tenants": len(run.tenants)}
    finally:
        if metrics.metric_set:
            metrics.flush_metrics()
