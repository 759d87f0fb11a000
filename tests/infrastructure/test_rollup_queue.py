"""The fanned-out rollup in the template: its queue, the dead-letter queue and its alarm, and the
worker's event source with partial batch failures and a bounded concurrency."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.config import Settings
from tests.infrastructure.conftest import STAGE, Synthesized

pytestmark = pytest.mark.slow
SETTINGS = Settings(stage=STAGE)


def _queue(synthesized: Synthesized, name: str) -> tuple[str, dict[str, Any]]:
    (found,) = [
        (k, q) for k, q in synthesized.resources("AWS::SQS::Queue").items() if q["Properties"]["QueueName"] == name
    ]
    return found


def test_the_queue_parks_a_tenant_in_the_dead_letter_queue_after_its_last_receive(synthesized: Synthesized) -> None:
    dlq_id, _ = _queue(synthesized, SETTINGS.rollup_dlq_name)
    _, queue = _queue(synthesized, SETTINGS.rollup_queue_name)
    redrive = queue["Properties"]["RedrivePolicy"]
    assert redrive["maxReceiveCount"] == SETTINGS.rollup_max_receives
    assert redrive["deadLetterTargetArn"] == {"Fn::GetAtt": [dlq_id, "Arn"]}
    worker = synthesized.functions()["rollup_worker"]["Properties"]
    assert queue["Properties"]["VisibilityTimeout"] >= 6 * worker["Timeout"]  # a message is never taken twice at once


def test_the_worker_reports_partial_batch_failures_at_a_bounded_concurrency(synthesized: Synthesized) -> None:
    queue_id, _ = _queue(synthesized, SETTINGS.rollup_queue_name)
    (mapping,) = synthesized.resources("AWS::Lambda::EventSourceMapping").values()
    properties = mapping["Properties"]
    assert properties["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert properties["ScalingConfig"] == {"MaximumConcurrency": SETTINGS.rollup_concurrency}
    assert properties["EventSourceArn"] == {"Fn::GetAtt": [queue_id, "Arn"]}
    assert f"tpbis-{STAGE}-rollup_worker" in str(properties["FunctionName"])
    worker = synthesized.functions()["rollup_worker"]["Properties"]
    assert worker["Handler"] == "chalicelib.jobs.rollup_worker.roll_queued_tenants"


def test_every_function_reads_the_queue_s_settings_as_the_stack_built_it(synthesized: Synthesized) -> None:
    _, queue = _queue(synthesized, SETTINGS.rollup_queue_name)
    (mapping,) = synthesized.resources("AWS::Lambda::EventSourceMapping").values()
    receives = queue["Properties"]["RedrivePolicy"]["maxReceiveCount"]
    concurrency = mapping["Properties"]["ScalingConfig"]["MaximumConcurrency"]
    for name, function in synthesized.functions().items():
        variables = function["Properties"]["Environment"]["Variables"]
        assert variables["TPBIS_ROLLUP_MAX_RECEIVES"] == str(receives), name  # its last receive is the last
        assert variables["TPBIS_ROLLUP_CONCURRENCY"] == str(concurrency), name


def test_a_parked_tenant_raises_an_alarm(synthesized: Synthesized) -> None:
    dlq_id, _ = _queue(synthesized, SETTINGS.rollup_dlq_name)
    alarms = [a["Properties"] for a in synthesized.resources("AWS::CloudWatch::Alarm").values()]
    (parked,) = [a for a in alarms if a.get("MetricName") == "ApproximateNumberOfMessagesVisible"]
    assert parked["Dimensions"] == [{"Name": "QueueName", "Value": {"Fn::GetAtt": [dlq_id, "QueueName"]}}]
    assert parked["Threshold"] == 1 and parked["AlarmActions"]


def test_only_the_planners_send_and_only_the_worker_consumes(synthesized: Synthesized) -> None:
    """The API (run-now, a change's plan), the schedule and the worker (a plan a change asked for) plan."""
    roles = synthesized.resources("AWS::IAM::Role")

    def actions(function: str) -> set[str]:
        role = synthesized.functions()[function]["Properties"]["Role"]["Fn::GetAtt"][0]
        found: set[str] = set()
        for policy in roles[role]["Properties"].get("Policies", []):
            for statement in policy["PolicyDocument"]["Statement"]:
                listed = statement["Action"]
                found |= {a for a in ([listed] if isinstance(listed, str) else listed) if a.startswith("sqs:")}
        return found

    assert actions("run_rollup") == actions("api_handler") == {"sqs:SendMessage", "sqs:GetQueueUrl"}
    assert actions("rollup_worker") >= {"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:SendMessage"}
    assert "sqs:ReceiveMessage" not in actions("api_handler") | actions("run_rollup")
    assert actions("bearer_auth") == set()
