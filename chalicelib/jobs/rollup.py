"""The scheduled rollup (every 15 minutes unless TPBIS_ROLLUP_SCHEDULE says otherwise)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from chalice.app import Blueprint

from chalicelib.errors import IncompleteRunError
from chalicelib.lazy import lazy_import
from chalicelib.observability import logger, metrics, span

rollup_jobs_bp = Blueprint(__name__)
if TYPE_CHECKING:
    from chalicelib import config
    from chalicelib.services import rollup
else:
    config = lazy_import("chalicelib.config")
    rollup = lazy_import("chalicelib.services.rollup")

# Read once at import because the schedule is part of the deployment (EventBridge rule).
SCHEDULE = os.environ.get("TPBIS_ROLLUP_SCHEDULE", "rate(15 minutes)")


@rollup_jobs_bp.schedule(SCHEDULE)
def run_rollup(event: Any) -> dict[str, Any]:
    """Recompute the indicators that changed since the last run."""
    logger.clear_state()
    logger.append_keys(job="rollup")
    try:
        with span("run_rollup", job="rollup") as trace:
            try:
                lease = rollup.lease_for(getattr(event, "context", None), timeout=rollup.LEASE_SECONDS)
                budget = config.get_settings().rollup_budget_seconds
                summary: dict[str, Any] = rollup.run(budget_seconds=budget, lease_seconds=lease).as_dict()
            except rollup.RollupBusyError:  # a run-now holds the lease: its run does this one's work
                logger.info("rollup skipped: another run holds the lease")
                return {"skipped": True}
            trace.put_metadata("summary", summary)
        if summary["tenants_failed"]:  # the others are done; an invocation error is what RollupNoSuccess sees
            failed = ", ".join(summary["tenants_failed"])
            raise IncompleteRunError(f"the rollup of {failed} failed; it is retried next run")
        return summary
    finally:
        if metrics.metric_set:
            metrics.flush_metrics()
