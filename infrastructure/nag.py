"""cdk-nag's AwsSolutions checks, and each finding acknowledged on purpose, with its reason.

An unacknowledged finding fails the synth (cdk-nag 3 is a CDK validation plugin). Acknowledgments
name the exact finding (the rule and the one resource pattern), never a whole rule on the stack.
"""

from __future__ import annotations

from aws_cdk import Acknowledgment, App, CfnElement, Stack, Validations
from aws_cdk import aws_iam as iam
from cdk_nag import AwsSolutionsChecks
from constructs import Construct

from infrastructure.permissions import ACCESS

LOG_STREAMS = (
    "A function's log streams are created at run time with unpredictable names; the grant is limited "
    "to CreateLogStream and PutLogEvents in the function's own log group."
)
TRACES = (
    "X-Ray's PutTraceSegments and PutTelemetryRecords support no resource-level permissions; the "
    "grant is those two write actions only, for the function's active tracing."
)
EXPORT_OBJECTS = (
    "Objects are the unit of S3 data access; the grant is one action (GetObject or PutObject) on the "
    "export bucket only, and for writers under the key prefix they own (see infrastructure/permissions.py)."
)

SES_IDENTITIES = (
    "SES checks SendEmail against the sending identity (the verified address or domain of the "
    "reminder sender, set at deploy time); the grant is that one action on the account's identities."
)


CURSOR_KEY_ROTATION = (
    "The secret only signs paging cursors (no credential of a user or a system); rotating it would only "
    "invalidate the cursors in flight, so it is not rotated by a Lambda. Replace it by hand if it leaks."
)


def acknowledge_cursor_secret(secret: Construct) -> None:
    """The cursor-signing key is not rotated (its reason above)."""
    Validations.of(secret).acknowledge(Acknowledgment(id="AwsSolutions::AwsSolutions-SMG4", reason=CURSOR_KEY_ROTATION))


def add_checks(app: App) -> None:
    """Run AwsSolutions on every stack at synth."""
    Validations.of(app).add_plugins(AwsSolutionsChecks(app))


def acknowledge_role(role: iam.Role, *, function: str, function_name: str, bucket: CfnElement) -> None:
    """The wildcards a function role needs: its log streams, its traces and export-bucket object keys."""
    log_group = f"arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/aws/lambda/{function_name}:*"
    findings = [(_iam5(log_group), LOG_STREAMS), (_iam5("*"), TRACES)]
    bucket_id = Stack.of(bucket).resolve(Stack.of(bucket).get_logical_id(bucket))
    access = ACCESS[function]
    for pattern in (*access.bucket_read, *access.bucket_write):
        findings.append((_iam5(f"<{bucket_id}.Arn>/{pattern}"), EXPORT_OBJECTS))
    if access.send_email:
        identities = "arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:identity/*"
        findings.append((_iam5(identities), SES_IDENTITIES))
    for finding_id, reason in findings:
        Validations.of(role).acknowledge(Acknowledgment(id=finding_id, reason=reason))


def _iam5(resource: str) -> str:
    return f"AwsSolutions::AwsSolutions-IAM5[Resource::{resource}]"
