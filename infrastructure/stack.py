"""One deployment of the service: a CloudFormation stack per Chalice stage."""

from __future__ import annotations

import importlib
import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from aws_cdk import CfnOutput, CfnResource, RemovalPolicy, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from chalice.cdk import Chalice
from chalice.utils import to_cfn_resource_name
from constructs import Construct

from chalicelib.config import deployed_environment, deployed_settings
from chalicelib.jobs.reminder_delivery import DELIVERY_FUNCTION
from chalicelib.jobs.rollup_worker import WORKER_TIMEOUT_SECONDS
from infrastructure.api import configure_rest_api
from infrastructure.monitoring import Monitoring, rate_seconds
from infrastructure.nag import acknowledge_cursor_secret, acknowledge_role
from infrastructure.permissions import ACCESS, ROLLUP_FUNCTION, ROLLUP_WORKER
from infrastructure.reminders import route_reminders
from infrastructure.roles import function_role
from infrastructure.rollup_queue import rollup_queue
from infrastructure.stages import StageOptions
from infrastructure.storage import Storage
from infrastructure.web import WebApp

PROJECT_DIR = Path(__file__).resolve().parent.parent
API_HANDLER = "api_handler"
# Chalice's defaults are 60 s and 128 MB for every function. Lambda gives CPU in proportion to
# memory. The API answers within API Gateway's 29 s; the rollup may use Lambda's whole 15
# minutes (its budget, TPBIS_ROLLUP_BUDGET_SECONDS = 600, stops it starting tenants well before).
# One rollup at a time is a lease in DynamoDB (services/rollup.py), which also covers run-now; a
# reserved concurrency would not, and cannot be set on accounts at the default concurrency quota.
RUNTIME: dict[str, dict[str, int]] = {
    API_HANDLER: {"MemorySize": 512, "Timeout": 30},
    "bearer_auth": {"MemorySize": 256, "Timeout": 10},
    ROLLUP_FUNCTION: {"MemorySize": 1024, "Timeout": 900},
    # One tenant a message; the one that settles a run also runs the national step and the export.
    ROLLUP_WORKER: {"MemorySize": 1024, "Timeout": WORKER_TIMEOUT_SECONDS},
    "send_commitment_reminders": {"MemorySize": 512, "Timeout": 300},
    DELIVERY_FUNCTION: {"MemorySize": 256, "Timeout": 30},
}


def logical_id(function: str) -> str:
    """The logical id Chalice's SAM template gives a function (`APIHandler` for the REST handler)."""
    return "APIHandler" if function == API_HANDLER else to_cfn_resource_name(function)


def physical_name(stage: str, function: str) -> str:
    """The Lambda function's name: fixed, so roles and alarms can name it without a dependency cycle."""
    return f"tpbis-{stage}-{function}"


class TpbisStack(Stack):
    """Tables, export bucket and event bus, the Chalice app with one role per function, and alarms.

    The construct id is the Chalice stage (`dev`, `prod`): the Chalice construct reads it from here.
    """

    def __init__(
        self,
        scope: Construct,
        stage: str,
        *,
        options: StageOptions,
        work_dir: Path,
        alarm_email: str | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(scope, stage, stack_name=f"tpbis-{stage}", **kwargs)  # type: ignore[arg-type]
        self.stage = stage
        self.settings = deployed_settings(stage)
        self.storage = Storage(self, "Data", settings=self.settings)
        acknowledge_cursor_secret(self.storage.cursor_secret)
        self.roles: dict[str, iam.Role] = {}
        with _packaging(work_dir):
            self.chalice = Chalice(
                self,
                "App",
                source_dir=str(PROJECT_DIR),
                stage_config={
                    # CDK owns the roles; Chalice must not generate policies from its code analysis.
                    "manage_iam_role": False,
                    # Replaced per function below; the API handler's role is the one every app has.
                    "iam_role_arn": self._role(API_HANDLER).role_arn,
                    "autogen_policy": False,
                    "environment_variables": {"TPBIS_STAGE": stage},
                },
            )
        self.functions = self._wire_functions(stage, options)
        if DELIVERY_FUNCTION in self.functions:
            route_reminders(
                self,
                function=self.functions[DELIVERY_FUNCTION],
                function_name=physical_name(stage, DELIVERY_FUNCTION),
                bus=self.storage.event_bus,
                sender=self.node.try_get_context("reminder_sender"),
            )
        rest_api = self.chalice.get_resource("RestAPI")
        api_name = f"tpbis-{stage}"
        configure_rest_api(rest_api, api_name=api_name, options=options)
        self.web = WebApp(
            self, "Web", rest_api_id=rest_api.ref, api_stage=_api_stage(stage), logs_bucket=self.storage.access_logs
        )

        monitoring = Monitoring(self, "Monitoring", topic_name=f"tpbis-{stage}-alarms", email=alarm_email)
        monitoring.api_errors(api_name=api_name, api_stage=_api_stage(stage), options=options)
        monitoring.lambda_throttles([physical_name(stage, name) for name in self.functions])
        monitoring.table_throttles(self.storage.tables)
        if ROLLUP_WORKER in self.functions:
            _, dead_letters = rollup_queue(
                self,
                settings=self.settings,
                worker=self.functions[ROLLUP_WORKER],
                worker_name=physical_name(stage, ROLLUP_WORKER),
                worker_timeout=RUNTIME[ROLLUP_WORKER]["Timeout"],
            )
            monitoring.rollup_dead_letters(dead_letters)
        if ROLLUP_FUNCTION in self.functions:
            monitoring.rollup(
                function_name=physical_name(stage, ROLLUP_FUNCTION),
                interval_seconds=_schedule_seconds(ROLLUP_FUNCTION),
                options=options,
            )
        CfnOutput(self, "ExportBucketName", value=self.storage.export_bucket.bucket_name)
        CfnOutput(self, "AlarmTopicArn", value=monitoring.topic.topic_arn)

    def _wire_functions(self, stage: str, options: StageOptions) -> dict[str, CfnResource]:
        """Give every function in the template its name, role, log group and resource names; refuse unknown ones."""
        included = {
            child.node.id
            for child in self.chalice.sam_template.node.children
            if isinstance(child, CfnResource) and child.cfn_resource_type == "AWS::Serverless::Function"
        }
        known = {logical_id(name): name for name in ACCESS}
        unknown = sorted(included - known.keys())
        if unknown:
            raise ValueError(f"functions without an entry in infrastructure/permissions.py: {unknown}")
        functions: dict[str, CfnResource] = {}
        for cfn_name in sorted(included):
            name = known[cfn_name]
            function = self.chalice.get_resource(cfn_name)
            function.add_property_override("FunctionName", physical_name(stage, name))
            # Chalice's own log_retention_in_days cannot be used: its log group refers to the API handler
            # by a logical id that its REST API template renames. Created first, so Lambda never makes
            # an unmanaged group with infinite retention.
            log_group = logs.LogGroup(
                self,
                f"{cfn_name}Logs",
                log_group_name=f"/aws/lambda/{physical_name(stage, name)}",
                retention=options.log_retention,
                removal_policy=RemovalPolicy.DESTROY,
            )
            function.add_resource_dependency(log_group.node.default_child)  # type: ignore[arg-type]
            function.add_property_override("Role", self._role(name).role_arn)
            # Lambda samples invocations into X-Ray; Powertools' Tracer adds the spans and AWS calls.
            function.add_property_override("Tracing", "Active")
            for setting, value in RUNTIME[name].items():
                function.add_property_override(setting, value)
            variables = "Environment.Variables."
            function.add_property_override(variables + "TPBIS_EXPORT_BUCKET", self.storage.export_bucket.bucket_name)
            function.add_property_override(variables + "TPBIS_EVENT_BUS", self.storage.event_bus.event_bus_name)
            # a change plans a rollup of its own once settled (repositories/rollup_nudges.py)
            function.add_property_override(variables + "TPBIS_ROLLUP_ON_CHANGE", "true")
            # the queue's settings as the stack built it (its maxReceiveCount is the worker's last attempt)
            for variable, value in deployed_environment(self.settings).items():
                function.add_property_override(variables + variable, value)
            if ACCESS[name].cursor_secret:
                function.add_property_override(
                    variables + "TPBIS_CURSOR_SECRET_ARN", self.storage.cursor_secret.secret_arn
                )
            functions[name] = function
        return functions

    def _role(self, function: str) -> iam.Role:
        """The function's role, made on first use: functions the app does not have get none."""
        if function not in self.roles:
            name = physical_name(self.stage, function)
            role = function_role(
                self,
                f"{to_cfn_resource_name(function)}Role",
                function_name=name,
                access=ACCESS[function],
                storage=self.storage,
            )
            bucket = self.storage.export_bucket.node.default_child
            acknowledge_role(role, function=function, function_name=name, bucket=bucket)  # type: ignore[arg-type]
            self.roles[function] = role
        return self.roles[function]


def _api_stage(stage: str) -> str:
    """The API Gateway stage name from .chalice/config.json (Chalice's default is `api`)."""
    config = json.loads((PROJECT_DIR / ".chalice" / "config.json").read_text())
    stage_config = config.get("stages", {}).get(stage, {})
    return str(stage_config.get("api_gateway_stage") or config.get("api_gateway_stage") or "api")


def _chalice_app() -> Any:
    """The service's Chalice app object (packaging has imported it already)."""
    return importlib.import_module("app").app


def _schedule_seconds(function: str) -> int:
    """The interval of a scheduled function, from the Chalice app."""
    for source in _chalice_app().event_sources:
        if source.name == function and hasattr(source, "schedule_expression"):
            expression = source.schedule_expression
            return rate_seconds(expression if isinstance(expression, str) else expression.to_string())
    return rate_seconds("")


@contextmanager
def _packaging(work_dir: Path) -> Iterator[None]:
    """Chalice packages into `./chalice.out` and writes the stage's variables into os.environ while it
    imports the app: run it inside `work_dir` and give the caller its environment back."""
    saved_env, saved_cwd = dict(os.environ), Path.cwd()
    work_dir.mkdir(parents=True, exist_ok=True)
    os.chdir(work_dir)
    try:
        yield
    finally:
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
        # The construct has staged the zip as a CDK asset and read the template: the ~100 MB of
        # intermediate packages would otherwise pile up at every synth.
        shutil.rmtree(work_dir / "chalice.out", ignore_errors=True)
