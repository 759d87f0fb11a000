"""Alarms: API 5xx rate, throttling (Lambda and DynamoDB), a stalled national rollup, reports the
rollup cannot count, and tenants the rollup keeps deferring."""

from __future__ import annotations

import re

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from chalicelib.config import Settings
from chalicelib.observability import SERVICE
from infrastructure.stages import StageOptions

# The rollup job's EMF metric (Powertools Metrics adds the `service` dimension to every metric).
ROLLUP_LAG_NAMESPACE = "TPBIS"
# The fresh-on-change promise: a report is in the national figures within 5 minutes; it settles for
# SETTLE_SECONDS (TPBIS_ROLLUP_SETTLE_SECONDS' default), so a plan may wait for it the rest of that time.
ROLLUP_WAIT_METRIC = "RollupWaitSeconds"
FRESH_PROMISE_SECONDS = 300
SETTLE_SECONDS = int(Settings.model_fields["rollup_settle_seconds"].default)
ROLLUP_PROBLEMS_METRIC = "RollupProblems"  # problems listed after a run (GET /v1/rollup/problems)
ROLLUP_DEFERRED_RUNS_METRIC = "RollupDeferredRuns"  # consecutive runs that left tenants for the next
DEFERRED_RUNS_ALLOWED = 3
_RATE = re.compile(r"^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$")
_UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}


def rate_seconds(expression: str, default: int = 900) -> int:
    """Seconds between runs of a `rate(...)` schedule; `default` for cron schedules."""
    match = _RATE.match(expression.strip())
    if not match:
        return default
    return int(match.group(1)) * _UNIT_SECONDS[match.group(2).rstrip("s")]


class Monitoring(Construct):
    """An alarm topic (optionally mailed) and the service's alarms."""

    def __init__(self, scope: Construct, construct_id: str, *, topic_name: str, email: str | None) -> None:
        super().__init__(scope, construct_id)
        self.topic = sns.Topic(self, "AlarmTopic", topic_name=topic_name, enforce_ssl=True)
        if email:
            self.topic.add_subscription(subscriptions.EmailSubscription(email))
        self._action = actions.SnsAction(self.topic)

    def _alarm(self, construct_id: str, **kwargs: object) -> cloudwatch.Alarm:
        alarm = cloudwatch.Alarm(self, construct_id, **kwargs)  # type: ignore[arg-type]
        alarm.add_alarm_action(self._action)
        alarm.add_ok_action(self._action)
        return alarm

    def api_errors(self, *, api_name: str, api_stage: str, options: StageOptions) -> None:
        """The share of requests answered 5xx (API Gateway's 5XXError average is that rate)."""
        rate = cloudwatch.Metric(
            namespace="AWS/ApiGateway",
            metric_name="5XXError",
            dimensions_map={"ApiName": api_name, "Stage": api_stage},
            statistic="Average",
            period=Duration.minutes(5),
        )
        self._alarm(
            "Api5xxRate",
            metric=rate,
            threshold=options.error_rate_threshold,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluation_periods=3,
            datapoints_to_alarm=2,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,  # no traffic is not an error
            alarm_description=f"More than {options.error_rate_threshold:.0%} of API requests answered 5xx",
        )

    def lambda_throttles(self, function_names: list[str]) -> None:
        """Any throttled invocation of the service's functions (concurrency exhausted)."""
        metrics = {
            f"t{i}": cloudwatch.Metric(
                namespace="AWS/Lambda",
                metric_name="Throttles",
                dimensions_map={"FunctionName": name},
                statistic="Sum",
                period=Duration.minutes(5),
            )
            for i, name in enumerate(function_names)
        }
        total = cloudwatch.MathExpression(
            expression="+".join(f"FILL({key}, 0)" for key in metrics),
            using_metrics=metrics,  # type: ignore[arg-type]
            label="Throttled invocations",
            period=Duration.minutes(5),
        )
        self._alarm(
            "LambdaThrottles",
            metric=total,
            threshold=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            evaluation_periods=1,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description="Lambda throttled invocations of the service's functions",
        )

    def table_throttles(self, tables: dict[str, dynamodb.Table]) -> None:
        """Read or write throttle events on any table (on-demand tables still throttle on hot keys)."""
        for logical_name, table in sorted(tables.items()):
            events = cloudwatch.MathExpression(
                expression="FILL(r, 0) + FILL(w, 0)",
                using_metrics={
                    "r": table.metric("ReadThrottleEvents", statistic="Sum", period=Duration.minutes(5)),
                    "w": table.metric("WriteThrottleEvents", statistic="Sum", period=Duration.minutes(5)),
                },
                label=f"{logical_name} throttle events",
                period=Duration.minutes(5),
            )
            self._alarm(
                f"Throttles{''.join(part.capitalize() for part in logical_name.split('_'))}",
                metric=events,
                threshold=1,
                comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                evaluation_periods=1,
                treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
                alarm_description=f"Throttled requests on the {logical_name} table",
            )

    def rollup_dead_letters(self, queue: sqs.IQueue) -> None:
        """RollupDeadLetters: a tenant's rollup failed its every attempt and is parked (markers kept):
        fix it and redrive the message (the next scheduled run also tries the tenant again)."""
        self._alarm(
            "RollupDeadLetters",
            metric=queue.metric_approximate_number_of_messages_visible(period=Duration.minutes(5), statistic="Maximum"),
            threshold=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            evaluation_periods=1,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description="A tenant's rollup is parked in the dead-letter queue after its last attempt failed",
        )

    def rollup(self, *, function_name: str, interval_seconds: int, options: StageOptions) -> None:
        """Two views of a stalled rollup, and two of one that is not whole.

        RollupLag: a plan found a settled change that had waited more than the 5-minute promise leaves
        after its settle window (EMF `RollupWaitSeconds`): fresh on change is not working (the
        schedule alone would let a change wait up to its interval).
        RollupNoSuccess: no invocation without error in `rollup_missed_runs` consecutive intervals,
        missing data counting as failure: the job does not run at all, or fails every time.
        RollupProblems: the last run found reports (or villages) it had to leave out.
        RollupDeferring: more than three consecutive runs ran out of budget and left tenants behind.
        """
        period = Duration.seconds(interval_seconds)
        missed = options.rollup_missed_runs

        def job_metric(name: str) -> cloudwatch.Metric:
            return cloudwatch.Metric(
                namespace=ROLLUP_LAG_NAMESPACE,
                metric_name=name,
                dimensions_map={"service": SERVICE},
                statistic="Maximum",
                period=period,
            )

        self._alarm(
            "RollupLag",
            metric=cloudwatch.Metric(
                namespace=ROLLUP_LAG_NAMESPACE,
                metric_name=ROLLUP_WAIT_METRIC,
                dimensions_map={"service": SERVICE},
                statistic="Maximum",
                period=Duration.seconds(FRESH_PROMISE_SECONDS),
            ),
            threshold=FRESH_PROMISE_SECONDS - SETTLE_SECONDS,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluation_periods=1,
            # No figure means no plan ran: RollupNoSuccess covers that case.
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=(
                f"A settled change waited more than {FRESH_PROMISE_SECONDS - SETTLE_SECONDS} s for a rollup run: "
                f"the dashboard is no longer current within {FRESH_PROMISE_SECONDS // 60} minutes of a report"
            ),
        )

        def lambda_metric(name: str) -> cloudwatch.Metric:
            return cloudwatch.Metric(
                namespace="AWS/Lambda",
                metric_name=name,
                dimensions_map={"FunctionName": function_name},
                statistic="Sum",
                period=period,
            )

        successes = cloudwatch.MathExpression(
            expression="FILL(invocations, 0) - FILL(errors, 0)",
            using_metrics={"invocations": lambda_metric("Invocations"), "errors": lambda_metric("Errors")},
            label="Successful rollup runs",
            period=period,
        )
        self._alarm(
            "RollupNoSuccess",
            metric=successes,
            threshold=1,
            comparison_operator=cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
            evaluation_periods=missed,
            datapoints_to_alarm=missed,
            treat_missing_data=cloudwatch.TreatMissingData.BREACHING,
            alarm_description=f"No successful rollup run in {missed} consecutive intervals",
        )
        self._alarm(
            "RollupProblems",
            metric=job_metric(ROLLUP_PROBLEMS_METRIC),
            threshold=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            evaluation_periods=1,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,  # no run: RollupNoSuccess says so
            alarm_description="The rollup left reports out of the figures: GET /v1/rollup/problems lists them",
        )
        self._alarm(
            "RollupDeferring",
            metric=job_metric(ROLLUP_DEFERRED_RUNS_METRIC),
            threshold=DEFERRED_RUNS_ALLOWED,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluation_periods=1,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=f"Tenants left for the next run in more than {DEFERRED_RUNS_ALLOWED} runs in a row: "
            "the rollup does not keep up with the changes",
        )
