"""One IAM role per Lambda function, allowing exactly what `permissions.ACCESS` lists."""

from __future__ import annotations

from aws_cdk import ArnFormat, Stack
from aws_cdk import aws_iam as iam
from constructs import Construct

from chalicelib.config import Settings
from chalicelib.tables import ALL_TABLES
from infrastructure.permissions import Access
from infrastructure.storage import Storage

_INDEXES = {spec.name: [index.name for index in spec.indexes] for spec in ALL_TABLES}
_INDEX_ACTIONS = {"dynamodb:Query", "dynamodb:Scan"}  # the only actions an index accepts
XRAY_WRITE = ("xray:PutTraceSegments", "xray:PutTelemetryRecords")


def function_role(
    scope: Construct, construct_id: str, *, function_name: str, access: Access, storage: Storage
) -> iam.Role:
    """A role for the Lambda function `function_name` (its physical name) with `access` and its own logs."""
    return iam.Role(
        scope,
        construct_id,
        assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
        description=f"Least-privilege role of the Lambda function {function_name}",
        inline_policies={"access": iam.PolicyDocument(statements=statements(function_name, access, storage))},
    )


def statements(function_name: str, access: Access, storage: Storage) -> list[iam.PolicyStatement]:
    """The policy statements for one function (no wildcard action; no `*` resource but X-Ray's)."""
    stack = Stack.of(storage)
    log_group = stack.format_arn(
        service="logs",
        resource="log-group",
        resource_name=f"/aws/lambda/{function_name}:*",
        arn_format=ArnFormat.COLON_RESOURCE_NAME,
    )
    result = [
        # Instead of the managed AWSLambdaBasicExecutionRole (logs:* on every group): its own group only.
        iam.PolicyStatement(actions=["logs:CreateLogStream", "logs:PutLogEvents"], resources=[log_group]),
        # Active tracing (the two actions of AWSXRayDaemonWriteAccess that send data; X-Ray has no
        # resource-level permissions, so the resource can only be "*").
        iam.PolicyStatement(actions=list(XRAY_WRITE), resources=["*"]),
    ]
    for logical_name, actions in sorted(access.tables.items()):
        table = storage.tables[logical_name]  # a KeyError here names a table that does not exist
        resources = [table.table_arn]
        if _INDEX_ACTIONS & set(actions):
            resources += [f"{table.table_arn}/index/{index}" for index in _INDEXES[logical_name]]
        result.append(iam.PolicyStatement(actions=list(actions), resources=resources))
    bucket = storage.export_bucket
    if access.bucket_read:
        result.append(
            iam.PolicyStatement(
                actions=["s3:GetObject"], resources=[bucket.arn_for_objects(key) for key in access.bucket_read]
            )
        )
    if access.bucket_write:
        result.append(
            iam.PolicyStatement(
                actions=["s3:PutObject"], resources=[bucket.arn_for_objects(key) for key in access.bucket_write]
            )
        )
    if access.cursor_secret:
        result.append(
            iam.PolicyStatement(actions=["secretsmanager:GetSecretValue"], resources=[storage.cursor_secret.secret_arn])
        )
    if access.bucket_list:
        result.append(
            iam.PolicyStatement(
                actions=["s3:ListBucket"],
                resources=[bucket.bucket_arn],
                conditions={"StringLike": {"s3:prefix": list(access.bucket_list)}},
            )
        )
    if access.put_events:
        result.append(iam.PolicyStatement(actions=["events:PutEvents"], resources=[storage.event_bus.event_bus_arn]))
    # the stack's construct id is its stage (infrastructure/stack.py), which names the queue
    queue = stack.format_arn(service="sqs", resource=Settings(stage=stack.node.id).rollup_queue_name)
    if access.rollup_queue_send:
        result.append(iam.PolicyStatement(actions=["sqs:SendMessage", "sqs:GetQueueUrl"], resources=[queue]))
    if access.rollup_queue_consume:
        consume = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"]
        result.append(iam.PolicyStatement(actions=consume, resources=[queue]))
    if access.send_email:
        identities = stack.format_arn(service="ses", resource="identity", resource_name="*")
        result.append(iam.PolicyStatement(actions=["ses:SendEmail"], resources=[identities]))
    return result
