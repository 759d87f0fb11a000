"""The rollup's worker: SQS messages in (one tenant each, or a plan a change asked for), partial batch
failures out.

Declared as a plain function: the stack wires the queue to it (infrastructure/rollup_queue.py) with
`ReportBatchItemFailures` and the maximum concurrency, which Chalice's own SQS handler cannot set;
`make run` polls the queue the same way (devstack/queue_workers.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice.app import Blueprint

from chalicelib.lazy import lazy_import
from chalicelib.observability import logger, metrics

rollup_worker_bp = Blueprint(__name__)
WORKER_FUNCTION = "rollup_worker"
# The worker function's timeout (infrastructure/stack.py): a national step's lease never outlives it.
WORKER_TIMEOUT_SECONDS = 300
if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

    from chalicelib import config
    from chalicelib.services import rollup, rollup_runs
else:
    config = lazy_import("chalicelib.config")
    rollup = lazy_import("chalicelib.services.rollup")
    rollup_runs = lazy_import("chalicelib.services.rollup_runs")


@rollup_worker_bp.lambda_function(name=WORKER_FUNCTION)
def roll_queued_tenants(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Roll up the tenant of each message; the messages that failed, for the queue to retry alone."""
    from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response

    logger.clear_state()
    logger.append_keys(job="rollup_worker")
    max_receives = config.get_settings().rollup_max_receives

    def roll(record: SQSRecord) -> None:
        message = rollup_runs.parse(record.body)
        if isinstance(message, rollup_runs.TenantMessage):
            logger.append_keys(tenant_id=message.tenant_id, run_id=message.run_id)
        elif message is not None:
            logger.append_keys(run_id=message.run_id)
        final = int(record.attributes.approximate_receive_count or 1) >= max_receives
        rollup_runs.handle(
            message,
            final_attempt=final,
            # read when a national step takes the lease: the time left then, after the tenant's work
            lease_seconds=lambda: rollup.lease_for(context, timeout=WORKER_TIMEOUT_SECONDS),
        )

    try:
        answer = process_partial_response(
            event=event, record_handler=roll, processor=BatchProcessor(event_type=EventType.SQS), context=context
        )
        return dict(answer)
    finally:
        if metrics.metric_set:
            metrics.flush_metrics()
