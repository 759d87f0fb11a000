"""Least privilege: every function role allows only what `infrastructure.permissions` lists."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from chalicelib.config import Settings
from chalicelib.tables import ALL_TABLES
from infrastructure.permissions import ACCESS, GET_ONLY
from infrastructure.roles import XRAY_WRITE
from tests.infrastructure.conftest import STAGE, Synthesized

pytestmark = pytest.mark.slow

DATA_SERVICES = ("dynamodb:", "s3:", "events:", "sns:", "logs:")


def _identity_statements(synthesized: Synthesized) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every statement of every identity policy: inline role policies and standalone policies."""
    for logical_id, role in synthesized.resources("AWS::IAM::Role").items():
        for policy in role["Properties"].get("Policies", []):
            for statement in policy["PolicyDocument"]["Statement"]:
                yield logical_id, statement
    for kind in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
        for logical_id, policy in synthesized.resources(kind).items():
            for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
                yield logical_id, statement


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _table_of(resource: Any, table_ids: dict[str, str]) -> str | None:
    """The logical table name a resource (table ARN or index ARN) points to."""
    if isinstance(resource, dict) and "Fn::GetAtt" in resource:
        return table_ids.get(resource["Fn::GetAtt"][0])
    if isinstance(resource, dict) and "Fn::Join" in resource:
        for part in resource["Fn::Join"][1]:
            if isinstance(part, dict) and "Fn::GetAtt" in part:
                return table_ids.get(part["Fn::GetAtt"][0])
    return None


def _role_of(synthesized: Synthesized, function: str) -> dict[str, Any]:
    role_id = synthesized.functions()[function]["Properties"]["Role"]["Fn::GetAtt"][0]
    role: dict[str, Any] = synthesized.template["Resources"][role_id]
    return role


def _table_grants(synthesized: Synthesized, function: str) -> dict[str, set[str]]:
    """DynamoDB actions per logical table name, as granted to one function's role."""
    names = {Settings(stage=STAGE).table_name(spec.name): spec.name for spec in ALL_TABLES}
    table_ids = {
        logical_id: names[table["Properties"]["TableName"]]
        for logical_id, table in synthesized.resources("AWS::DynamoDB::Table").items()
    }
    grants: dict[str, set[str]] = {}
    for policy in _role_of(synthesized, function)["Properties"]["Policies"]:
        for statement in policy["PolicyDocument"]["Statement"]:
            actions = [a for a in _as_list(statement["Action"]) if a.startswith("dynamodb:")]
            for resource in _as_list(statement["Resource"]):
                table = _table_of(resource, table_ids)
                if actions:
                    assert table is not None, f"{function}: DynamoDB actions on a non-table resource {resource}"
                    grants.setdefault(table, set()).update(actions)
    return grants


def test_no_statement_grants_a_wildcard_action_or_a_wildcard_resource_for_data(synthesized: Synthesized) -> None:
    statements = list(_identity_statements(synthesized))
    assert statements
    for owner, statement in statements:
        actions = _as_list(statement["Action"])
        assert "*" not in actions, owner
        for action in actions:
            assert not action.endswith(":*"), f"{owner}: {action}"
            assert "*" not in action, f"{owner}: {action}"
        if any(action.startswith(DATA_SERVICES) for action in actions):
            assert "*" not in _as_list(statement["Resource"]), f"{owner}: {actions} on *"


def test_no_function_role_has_a_managed_policy(synthesized: Synthesized) -> None:
    for name in synthesized.functions():
        assert "ManagedPolicyArns" not in _role_of(synthesized, name)["Properties"], name


@pytest.mark.parametrize("function", sorted(ACCESS))
def test_each_function_gets_exactly_the_table_actions_of_the_permissions_table(
    synthesized: Synthesized, function: str
) -> None:
    assert function in synthesized.functions(), f"{function} is in the permissions table but not in the app"
    expected = {table: set(actions) for table, actions in ACCESS[function].tables.items()}
    assert _table_grants(synthesized, function) == expected


def test_the_authorizer_may_only_get_keys_and_tenants(synthesized: Synthesized) -> None:
    assert _table_grants(synthesized, "bearer_auth") == {"api_keys": set(GET_ONLY), "tenants": set(GET_ONLY)}
    actions = {
        action
        for policy in _role_of(synthesized, "bearer_auth")["Properties"]["Policies"]
        for statement in policy["PolicyDocument"]["Statement"]
        for action in _as_list(statement["Action"])
    }
    assert actions == {
        "dynamodb:GetItem",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "xray:PutTraceSegments",
        "xray:PutTelemetryRecords",
    }


def test_only_xray_writes_are_granted_on_every_resource(synthesized: Synthesized) -> None:
    """X-Ray has no resource-level permissions: its two write actions are the one `*` resource, for
    every function (active tracing), and nothing else shares that statement."""
    roles_with_xray = set()
    for owner, statement in _identity_statements(synthesized):
        if "*" in _as_list(statement["Resource"]):
            assert sorted(_as_list(statement["Action"])) == sorted(XRAY_WRITE), owner
            roles_with_xray.add(owner)
    function_roles = {f["Properties"]["Role"]["Fn::GetAtt"][0] for f in synthesized.functions().values()}
    assert roles_with_xray == function_roles


def test_the_api_handler_uses_every_table_reads_exports_and_writes_only_national_ones_and_photos(
    synthesized: Synthesized,
) -> None:
    grants = _table_grants(synthesized, "api_handler")
    assert set(grants) == {spec.name for spec in ALL_TABLES}
    assert "dynamodb:Scan" not in grants["idempotency"]
    s3_statements = [
        statement
        for policy in _role_of(synthesized, "api_handler")["Properties"]["Policies"]
        for statement in policy["PolicyDocument"]["Statement"]
        if any(action.startswith("s3:") for action in _as_list(statement["Action"]))
    ]
    actions = {action for statement in s3_statements for action in _as_list(statement["Action"])}
    assert actions == {"s3:GetObject", "s3:PutObject", "s3:ListBucket"}
    for statement in s3_statements:
        if "s3:PutObject" in _as_list(statement["Action"]):
            resources = json.dumps(statement["Resource"])
            assert "/national/*" in resources and "/tenants/*/attachments/*" in resources
            assert "/config/*" in resources  # the DHIS2 mapping
            assert resources.count("Arn") == 3  # those three patterns and no other
        if "s3:ListBucket" in _as_list(statement["Action"]):
            assert statement["Condition"] == {"StringLike": {"s3:prefix": ["tenants/*/attachments/*"]}}


def test_only_the_api_handler_reads_the_cursor_secret_and_it_learns_its_arn_from_the_environment(
    synthesized: Synthesized,
) -> None:
    (secret_id,) = synthesized.resources("AWS::SecretsManager::Secret")
    for name, function in synthesized.functions().items():
        statements = [
            s for p in _role_of(synthesized, name)["Properties"]["Policies"] for s in p["PolicyDocument"]["Statement"]
        ]
        reads = [s for s in statements if "secretsmanager:GetSecretValue" in _as_list(s["Action"])]
        variables = function["Properties"]["Environment"]["Variables"]
        if name == "api_handler":
            assert [s["Resource"] for s in reads] == [{"Ref": secret_id}]
            assert variables["TPBIS_CURSOR_SECRET_ARN"] == {"Ref": secret_id}
        else:
            assert reads == [] and "TPBIS_CURSOR_SECRET_ARN" not in variables, name
