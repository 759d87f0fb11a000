"""The rollup fanned out: its queue, the dead-letter queue, and the worker function's event source.

The event source is declared here, not by Chalice: Chalice's SQS handler cannot ask for
`ReportBatchItemFailures` (so one failing tenant of a batch is retried alone), and a queue
created by the stack would have to be named in the app at package time.
"""

from __future__ import annotations

from aws_cdk import ArnFormat, CfnResource, Duration, Stack
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from chalicelib.config import Settings

# One tenant per invocation: the largest regency's rollup stays well inside the worker's timeout,
# and the queue's concurrency is the number of tenants rolled at once.
BATCH_SIZE = 1
# AWS's advice for a queue feeding a function: a visibility timeout of six times its timeout.
VISIBILITY_FACTOR = 6


def rollup_queue(
    scope: Construct, *, settings: Settings, worker: CfnResource, worker_name: str, worker_timeout: int
) -> tuple[sqs.Queue, sqs.Queue]:
    """The queue (redriven to the dead-letter queue after `rollup_max_receives` receives) and the
    worker's event source (partial batch failures, at most `rollup_concurrency` at once)."""
    dead_letters = sqs.Queue(
        scope,
        "RollupDeadLetters",
        queue_name=settings.rollup_dlq_name,
        retention_period=Duration.days(14),
        encryption=sqs.QueueEncryption.SQS_MANAGED,
        enforce_ssl=True,
    )
    queue = sqs.Queue(
        scope,
        "RollupQueue",
        queue_name=settings.rollup_queue_name,
        visibility_timeout=Duration.seconds(VISIBILITY_FACTOR * worker_timeout),
        retention_period=Duration.days(4),
        encryption=sqs.QueueEncryption.SQS_MANAGED,
        enforce_ssl=True,
        dead_letter_queue=sqs.DeadLetterQueue(queue=dead_letters, max_receive_count=settings.rollup_max_receives),
    )
    function_arn = Stack.of(scope).format_arn(
        service="lambda", resource="function", resource_name=worker_name, arn_format=ArnFormat.COLON_RESOURCE_NAME
    )
    source = lambda_.CfnEventSourceMapping(
        scope,
        "RollupWorkerSource",
        function_name=function_arn,
        event_source_arn=queue.queue_arn,
        batch_size=BATCH_SIZE,
        function_response_types=["ReportBatchItemFailures"],
        scaling_config=lambda_.CfnEventSourceMapping.ScalingConfigProperty(
            maximum_concurrency=settings.rollup_concurrency
        ),
    )
    source.add_dependency(worker)
    return queue, dead_letters
