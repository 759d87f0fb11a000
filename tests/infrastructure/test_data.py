"""Tables, export bucket and event bus: named as the code names them, and safe to keep."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk.assertions import Match

from chalicelib.config import Settings
from chalicelib.tables import ALL_TABLES, TableSpec
from tests.infrastructure.conftest import STAGE, Synthesized

pytestmark = pytest.mark.slow


def _key_schema(hash_key: str, range_key: str | None) -> list[dict[str, str]]:
    keys = [{"AttributeName": hash_key, "KeyType": "HASH"}]
    if range_key:
        keys.append({"AttributeName": range_key, "KeyType": "RANGE"})
    return keys


def test_the_template_has_exactly_the_tables_of_the_specs(synthesized: Synthesized) -> None:
    names = {r["Properties"]["TableName"] for r in synthesized.resources("AWS::DynamoDB::Table").values()}
    assert names == {Settings(stage=STAGE).table_name(spec.name) for spec in ALL_TABLES}


@pytest.mark.parametrize("spec", ALL_TABLES, ids=lambda spec: spec.name)
def test_each_table_has_the_names_and_keys_of_its_spec(template: Any, spec: TableSpec) -> None:
    expected: dict[str, Any] = {
        "TableName": Settings(stage=STAGE).table_name(spec.name),
        "KeySchema": _key_schema(spec.hash_key, spec.range_key),
        "AttributeDefinitions": Match.array_equals(
            [{"AttributeName": name, "AttributeType": "S"} for name in spec.key_attributes()]
        ),
        "GlobalSecondaryIndexes": [
            {
                "IndexName": index.name,
                "KeySchema": _key_schema(index.hash_key, index.range_key),
                "Projection": {"ProjectionType": "ALL"},
            }
            for index in spec.indexes
        ]
        or Match.absent(),
        "TimeToLiveSpecification": {"AttributeName": spec.ttl_attribute, "Enabled": True}
        if spec.ttl_attribute
        else Match.absent(),
    }
    template.has_resource_properties("AWS::DynamoDB::Table", expected)


def test_every_table_is_on_demand_recoverable_protected_and_retained(synthesized: Synthesized) -> None:
    tables = synthesized.resources("AWS::DynamoDB::Table")
    assert len(tables) == len(ALL_TABLES)
    for logical_id, table in tables.items():
        props = table["Properties"]
        assert props["BillingMode"] == "PAY_PER_REQUEST", logical_id
        assert props["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True, logical_id
        assert props["DeletionProtectionEnabled"] is True, logical_id
        assert table["DeletionPolicy"] == "Retain", logical_id
        assert table["UpdateReplacePolicy"] == "Retain", logical_id


def test_the_export_bucket_is_versioned_encrypted_private_logged_and_retained(template: Any) -> None:
    template.has_resource(
        "AWS::S3::Bucket",
        {
            "Properties": {
                "VersioningConfiguration": {"Status": "Enabled"},
                "BucketEncryption": {
                    "ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
                },
                "PublicAccessBlockConfiguration": {
                    "BlockPublicAcls": True,
                    "BlockPublicPolicy": True,
                    "IgnorePublicAcls": True,
                    "RestrictPublicBuckets": True,
                },
                "LoggingConfiguration": Match.object_like({"DestinationBucketName": Match.any_value()}),
            },
            "DeletionPolicy": "Retain",
        },
    )


def test_the_access_log_bucket_is_versioned_like_the_export_bucket_and_retained(synthesized: Synthesized) -> None:
    buckets = synthesized.resources("AWS::S3::Bucket")
    targets = {
        b["Properties"]["LoggingConfiguration"]["DestinationBucketName"]["Ref"]
        for b in buckets.values()
        if "LoggingConfiguration" in b["Properties"]
    }
    assert targets, "the export bucket is access-logged"
    for logical_id in targets:
        log_bucket = buckets[logical_id]
        assert log_bucket["Properties"]["VersioningConfiguration"] == {"Status": "Enabled"}, logical_id
        rules = log_bucket["Properties"]["LifecycleConfiguration"]["Rules"]
        assert any("NoncurrentVersionExpiration" in r for r in rules), "old versions do not pile up forever"
        assert log_bucket["DeletionPolicy"] == "Retain"


def test_every_bucket_refuses_requests_without_tls(synthesized: Synthesized) -> None:
    buckets = synthesized.resources("AWS::S3::Bucket")
    policies = synthesized.resources("AWS::S3::BucketPolicy").values()
    guarded = set()
    for policy in policies:
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            if statement["Effect"] == "Deny" and statement.get("Condition") == {
                "Bool": {"aws:SecureTransport": "false"}
            }:
                guarded.add(policy["Properties"]["Bucket"]["Ref"])
    assert guarded == set(buckets)


def test_the_event_bus_has_the_name_the_code_uses(template: Any) -> None:
    template.resource_count_is("AWS::Events::EventBus", 1)
    template.has_resource_properties("AWS::Events::EventBus", {"Name": Settings(stage=STAGE).bus_name})
