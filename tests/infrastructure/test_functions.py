"""The Chalice functions: names, roles, environment, logs, schedules; the REST API's gateway settings."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk.assertions import Match

from chalicelib.api.gateway_responses import GATEWAY_RESPONSES
from infrastructure.permissions import ACCESS
from infrastructure.stages import STAGES
from tests.infrastructure.conftest import STAGE, Synthesized

pytestmark = pytest.mark.slow

SCHEDULED = {"run_rollup", "send_commitment_reminders"}


def test_the_api_handler_and_the_authorizer_are_deployed(synthesized: Synthesized) -> None:
    functions = synthesized.functions()
    assert {"api_handler", "bearer_auth"} <= set(functions)
    assert functions["api_handler"]["Properties"]["Handler"] == "app.app"
    assert functions["bearer_auth"]["Properties"]["Handler"] == "chalicelib.api.auth.bearer_auth"


def test_every_function_is_known_to_the_permissions_table(synthesized: Synthesized) -> None:
    assert set(synthesized.functions()) <= set(ACCESS)


def test_every_function_has_its_own_role(synthesized: Synthesized) -> None:
    roles = {name: f["Properties"]["Role"]["Fn::GetAtt"][0] for name, f in synthesized.functions().items()}
    assert len(set(roles.values())) == len(roles)
    assert set(roles.values()) <= set(synthesized.resources("AWS::IAM::Role"))


def test_every_function_gets_the_powertools_and_resource_environment(synthesized: Synthesized) -> None:
    bucket = synthesized.resources("AWS::S3::Bucket")
    bus = next(iter(synthesized.resources("AWS::Events::EventBus")))
    for name, function in synthesized.functions().items():
        variables = function["Properties"]["Environment"]["Variables"]
        assert variables["POWERTOOLS_SERVICE_NAME"] == "tpbis", name
        assert variables["POWERTOOLS_METRICS_NAMESPACE"] == "TPBIS", name
        assert variables["TPBIS_STAGE"] == STAGE, name
        assert variables["TPBIS_EXPORT_BUCKET"]["Ref"] in bucket, name
        assert variables["TPBIS_EVENT_BUS"] == {"Ref": bus}, name
        assert variables["TPBIS_ROLLUP_ON_CHANGE"] == "true", name  # a change plans its own rollup


def test_the_rollup_may_run_fifteen_minutes_and_its_budget_and_lease_fit_them(synthesized: Synthesized) -> None:
    from chalicelib.config import Settings
    from chalicelib.services.rollup import LEASE_SECONDS

    rollup = synthesized.functions()["run_rollup"]["Properties"]
    assert rollup["Timeout"] == 900 and "ReservedConcurrentExecutions" not in rollup
    # After the budget: the tenant under way (the largest takes about 15 s in AWS), the nation, the export.
    assert Settings().rollup_budget_seconds <= rollup["Timeout"] - 240
    assert rollup["Timeout"] <= LEASE_SECONDS  # a run killed at its timeout never outlives its lease
    api = synthesized.functions()["api_handler"]["Properties"]
    assert api["Timeout"] <= 30 and api["MemorySize"] >= 512
    for name, function in synthesized.functions().items():
        assert function["Properties"]["MemorySize"] >= 256, name


def test_every_function_and_the_api_stage_are_traced(synthesized: Synthesized) -> None:
    for name, function in synthesized.functions().items():
        assert function["Properties"]["Tracing"] == "Active", name
    (api,) = synthesized.resources("AWS::Serverless::Api").values()
    assert api["Properties"]["TracingEnabled"] is True


def test_every_function_logs_to_a_group_with_retention_made_before_it(synthesized: Synthesized) -> None:
    groups = synthesized.resources("AWS::Logs::LogGroup")
    days = {"TWO_WEEKS": 14, "THREE_MONTHS": 90}[STAGES[STAGE].log_retention.name]
    for name, function in synthesized.functions().items():
        matching = [
            logical_id
            for logical_id, group in groups.items()
            if group["Properties"]["LogGroupName"] == f"/aws/lambda/tpbis-{STAGE}-{name}"
        ]
        assert len(matching) == 1, name
        assert groups[matching[0]]["Properties"]["RetentionInDays"] == days
        assert matching[0] in function["DependsOn"], name


def test_only_the_jobs_run_on_a_schedule(synthesized: Synthesized) -> None:
    for name, function in synthesized.functions().items():
        schedules = [e for e in function["Properties"].get("Events", {}).values() if e["Type"] == "Schedule"]
        if name in SCHEDULED:
            assert len(schedules) == 1, name
            assert schedules[0]["Properties"]["Schedule"].startswith(("rate(", "cron(")), name
        else:
            assert schedules == [], name


def test_the_jobs_do_not_share_the_api_role(synthesized: Synthesized) -> None:
    functions = synthesized.functions()
    api_role = functions["api_handler"]["Properties"]["Role"]
    for name in SCHEDULED & set(functions):
        assert functions[name]["Properties"]["Role"] != api_role


def test_the_api_stage_is_throttled_and_sign_up_has_its_own_ceiling(template: Any) -> None:
    options = STAGES[STAGE]
    template.has_resource_properties(
        "AWS::Serverless::Api",
        {
            "Name": f"tpbis-{STAGE}",
            "MethodSettings": [
                {
                    "ResourcePath": "/*",
                    "HttpMethod": "*",
                    "ThrottlingRateLimit": options.throttle_rate,
                    "ThrottlingBurstLimit": options.throttle_burst,
                },
                {
                    "ResourcePath": "/~1v1~1signup",
                    "HttpMethod": "POST",
                    "ThrottlingRateLimit": options.signup_throttle_rate,
                    "ThrottlingBurstLimit": options.signup_throttle_burst,
                },
            ],
        },
    )


def test_the_gateway_answers_in_the_service_error_shape(synthesized: Synthesized) -> None:
    (api,) = synthesized.resources("AWS::Serverless::Api").values()
    responses = api["Properties"]["DefinitionBody"]["x-amazon-apigateway-gateway-responses"]
    assert set(responses) == set(GATEWAY_RESPONSES)
    for response_type, answer in GATEWAY_RESPONSES.items():
        assert responses[response_type]["statusCode"] == str(answer.status)
        assert responses[response_type]["responseTemplates"] == {"application/json": answer.body()}


def test_protected_routes_run_the_uncached_bearer_authorizer_not_a_usage_plan_key(synthesized: Synthesized) -> None:
    (api,) = synthesized.resources("AWS::Serverless::Api").values()
    body = api["Properties"]["DefinitionBody"]
    definition = body["securityDefinitions"]["bearer_auth"]
    assert definition["x-amazon-apigateway-authtype"] == "custom"
    assert definition["name"] == "Authorization"
    authorizer = definition["x-amazon-apigateway-authorizer"]
    assert authorizer["type"] == "token"
    assert authorizer["authorizerResultTtlInSeconds"] == 0
    assert "${BearerAuth.Arn}" in authorizer["authorizerUri"]["Fn::Sub"]
    secured = [op for path in body["paths"].values() for op in path.values() if op.get("security")]
    assert secured
    assert all(op["security"] == [{"bearer_auth": []}] for op in secured)


def test_the_function_names_are_fixed_per_stage(template: Any) -> None:
    template.has_resource_properties("AWS::Serverless::Function", {"FunctionName": f"tpbis-{STAGE}-api_handler"})
    template.has_resource_properties(
        "AWS::Serverless::Function", {"FunctionName": f"tpbis-{STAGE}-bearer_auth", "Role": Match.any_value()}
    )
