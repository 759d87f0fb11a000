"""Create what the service needs in an AWS account (moto's, here): tables, the export bucket, the bus,
the rollup's queue and its dead-letter queue."""

from __future__ import annotations

import json
from typing import Any

import boto3

from chalicelib.config import Settings
from chalicelib.tables import ALL_TABLES, TableSpec


def table_definition(spec: TableSpec, name: str) -> dict[str, Any]:
    """CreateTable arguments for a spec (on-demand billing)."""
    definition: dict[str, Any] = {
        "TableName": name,
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": a, "AttributeType": "S"} for a in spec.key_attributes()],
        "KeySchema": _keys(spec.hash_key, spec.range_key),
    }
    if spec.indexes:
        definition["GlobalSecondaryIndexes"] = [
            {"IndexName": i.name, "KeySchema": _keys(i.hash_key, i.range_key), "Projection": {"ProjectionType": "ALL"}}
            for i in spec.indexes
        ]
    return definition


def _keys(hash_key: str, range_key: str | None) -> list[dict[str, str]]:
    keys = [{"AttributeName": hash_key, "KeyType": "HASH"}]
    if range_key:
        keys.append({"AttributeName": range_key, "KeyType": "RANGE"})
    return keys


def create_all(settings: Settings) -> None:
    """Create every table, the export bucket, the event bus and the rollup's queues (existing ones are
    left as they are)."""
    dynamodb = boto3.client("dynamodb", region_name=settings.region)
    existing = set(dynamodb.list_tables()["TableNames"])
    for spec in ALL_TABLES:
        name = settings.table_name(spec.name)
        if name in existing:
            continue
        dynamodb.create_table(**table_definition(spec, name))
        if spec.ttl_attribute:
            dynamodb.update_time_to_live(
                TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": spec.ttl_attribute}
            )
    s3 = boto3.client("s3", region_name=settings.region)
    buckets = {b["Name"] for b in s3.list_buckets().get("Buckets", [])}
    if settings.bucket_name not in buckets:
        s3.create_bucket(Bucket=settings.bucket_name, CreateBucketConfiguration={"LocationConstraint": settings.region})
    events = boto3.client("events", region_name=settings.region)
    buses = {b["Name"] for b in events.list_event_buses().get("EventBuses", [])}
    if settings.bus_name not in buses:
        events.create_event_bus(Name=settings.bus_name)
    create_rollup_queues(settings)


# How long a received message stays hidden before another worker may take it: the worker function's
# timeout in AWS (infrastructure/rollup_queue.py); locally a crashed worker's tenant returns sooner.
LOCAL_VISIBILITY_SECONDS = 30


def create_rollup_queues(settings: Settings) -> str:
    """The rollup's queue with its dead-letter queue (redrive after `rollup_max_receives`); its URL."""
    sqs = boto3.client("sqs", region_name=settings.region)
    dlq_url = sqs.create_queue(QueueName=settings.rollup_dlq_name)["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    redrive = {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": settings.rollup_max_receives}
    attributes = {"RedrivePolicy": json.dumps(redrive), "VisibilityTimeout": str(LOCAL_VISIBILITY_SECONDS)}
    return str(sqs.create_queue(QueueName=settings.rollup_queue_name, Attributes=attributes)["QueueUrl"])
