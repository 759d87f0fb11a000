"""Alarms: the deployed stack's, and the rollup alarms on a small stack of their own."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk import App, Stack
from aws_cdk.assertions import Match, Template

from chalicelib.tables import ALL_TABLES
from infrastructure.monitoring import Monitoring, rate_seconds
from infrastructure.stages import STAGES
from tests.infrastructure.conftest import STAGE, Synthesized


@pytest.mark.parametrize(
    ("expression", "seconds"),
    [("rate(15 minutes)", 900), ("rate(1 hour)", 3600), ("rate(1 day)", 86400), ("cron(0 1 * * ? *)", 900)],
)
def test_a_schedule_interval_is_read_from_its_rate_expression(expression: str, seconds: int) -> None:
    assert rate_seconds(expression) == seconds


@pytest.mark.slow
def test_the_api_5xx_rate_has_an_alarm(template: Any) -> None:
    template.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "MetricName": "5XXError",
            "Namespace": "AWS/ApiGateway",
            "Statistic": "Average",
            "Threshold": STAGES[STAGE].error_rate_threshold,
            "Dimensions": Match.array_with([{"Name": "ApiName", "Value": f"tpbis-{STAGE}"}]),
            "AlarmActions": Match.any_value(),
        },
    )


@pytest.mark.slow
def test_throttles_of_functions_and_of_every_table_have_alarms(synthesized: Synthesized) -> None:
    descriptions = [
        a["Properties"]["AlarmDescription"] for a in synthesized.resources("AWS::CloudWatch::Alarm").values()
    ]
    assert any("Lambda throttled" in d for d in descriptions)
    for spec in ALL_TABLES:
        assert any(f"the {spec.name} table" in d for d in descriptions), spec.name


@pytest.mark.slow
def test_the_rollup_alarms_exist_when_the_app_has_the_rollup(synthesized: Synthesized) -> None:
    descriptions = [
        a["Properties"]["AlarmDescription"] for a in synthesized.resources("AWS::CloudWatch::Alarm").values()
    ]
    has_rollup = "run_rollup" in synthesized.functions()
    assert any("waited more than" in d and "for a rollup run" in d for d in descriptions) == has_rollup
    assert any("No successful rollup run" in d for d in descriptions) == has_rollup


def _rollup_template() -> Template:
    stack = Stack(App(), "Rollup")
    monitoring = Monitoring(stack, "Monitoring", topic_name="alarms", email=None)
    monitoring.rollup(function_name="tpbis-dev-run_rollup", interval_seconds=900, options=STAGES["prod"])
    return Template.from_stack(stack)


def test_a_settled_change_waiting_past_the_five_minute_promise_raises_the_lag_alarm() -> None:
    _rollup_template().has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "Namespace": "TPBIS",
            "MetricName": "RollupWaitSeconds",
            "Dimensions": [{"Name": "service", "Value": "tpbis"}],
            "Statistic": "Maximum",
            "Period": 300,
            "Threshold": 300 - 120,  # the promise less the default settle window
            "ComparisonOperator": "GreaterThanThreshold",
        },
    )


def test_a_rollup_that_stops_running_or_fails_every_time_raises_an_alarm() -> None:
    missed = STAGES["prod"].rollup_missed_runs
    _rollup_template().has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "Metrics": Match.array_with(
                [Match.object_like({"Expression": "FILL(invocations, 0) - FILL(errors, 0)", "ReturnData": True})]
            ),
            "Threshold": 1,
            "ComparisonOperator": "LessThanThreshold",
            "EvaluationPeriods": missed,
            "DatapointsToAlarm": missed,
            "TreatMissingData": "breaching",
        },
    )


def test_reports_the_rollup_cannot_count_raise_an_alarm_while_any_is_listed() -> None:
    _rollup_template().has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "Namespace": "TPBIS",
            "MetricName": "RollupProblems",
            "Dimensions": [{"Name": "service", "Value": "tpbis"}],
            "Statistic": "Maximum",
            "Threshold": 1,
            "ComparisonOperator": "GreaterThanOrEqualToThreshold",
            "EvaluationPeriods": 1,
            "TreatMissingData": "notBreaching",
        },
    )


def test_tenants_deferred_for_more_than_three_runs_in_a_row_raise_an_alarm() -> None:
    _rollup_template().has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "Namespace": "TPBIS",
            "MetricName": "RollupDeferredRuns",
            "Dimensions": [{"Name": "service", "Value": "tpbis"}],
            "Statistic": "Maximum",
            "Threshold": 3,
            "ComparisonOperator": "GreaterThanThreshold",
            "EvaluationPeriods": 1,
            "TreatMissingData": "notBreaching",
        },
    )
