"""The service's data: every DynamoDB table of `chalicelib.tables`, the export bucket and the event bus."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from chalicelib.config import Settings
from chalicelib.tables import ALL_TABLES, TableSpec


def _key(name: str | None) -> dynamodb.Attribute | None:
    return dynamodb.Attribute(name=name, type=dynamodb.AttributeType.STRING) if name else None


class Storage(Construct):
    """Tables named as the code names them (`Settings.table_name`), a private export bucket, the bus."""

    def __init__(self, scope: Construct, construct_id: str, *, settings: Settings) -> None:
        super().__init__(scope, construct_id)
        self.tables: dict[str, dynamodb.Table] = {
            spec.name: self._table(spec, settings.table_name(spec.name)) for spec in ALL_TABLES
        }
        # Versioned like the export bucket: an overwritten or deleted log stays recoverable for 90 days.
        self.access_logs = self._bucket(
            "AccessLogs",
            s3.LifecycleRule(expiration=Duration.days(365), noncurrent_version_expiration=Duration.days(90)),
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        )
        # Bucket names are global: CloudFormation names it, and the functions learn the name from
        # TPBIS_EXPORT_BUCKET.
        self.export_bucket = self._bucket(
            "ExportBucket",
            # Versioning keeps every overwritten export; old versions only need to outlive a bad run.
            s3.LifecycleRule(noncurrent_version_expiration=Duration.days(90)),
            server_access_logs_bucket=self.access_logs,
            server_access_logs_prefix="export/",
        )
        # Bus names are per account and region, so the code's default name is used as is.
        self.event_bus = events.EventBus(self, "EventBus", event_bus_name=settings.bus_name)
        # The key that signs paging cursors (chalicelib/api/cursors.py): made by CloudFormation, never
        # seen by anyone; the API reads it once per container (TPBIS_CURSOR_SECRET_ARN).
        self.cursor_secret = secretsmanager.Secret(
            self,
            "CursorSecret",
            description="Signs the API's paging cursors",
            generate_secret_string=secretsmanager.SecretStringGenerator(password_length=64, exclude_punctuation=True),
            removal_policy=RemovalPolicy.DESTROY,
        )

    def _bucket(self, construct_id: str, lifecycle: s3.LifecycleRule, **options: object) -> s3.Bucket:
        """A private, versioned, encrypted bucket that outlives the stack, TLS only."""
        return s3.Bucket(
            self,
            construct_id,
            versioned=True,
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            lifecycle_rules=[lifecycle],
            removal_policy=RemovalPolicy.RETAIN,
            **options,  # type: ignore[arg-type]
        )

    def _table(self, spec: TableSpec, name: str) -> dynamodb.Table:
        table = dynamodb.Table(
            self,
            _construct_id(spec.name),
            table_name=name,
            partition_key=_key(spec.hash_key),  # type: ignore[arg-type]
            sort_key=_key(spec.range_key),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            deletion_protection=True,
            time_to_live_attribute=spec.ttl_attribute,
            removal_policy=RemovalPolicy.RETAIN,
        )
        for index in spec.indexes:
            table.add_global_secondary_index(
                index_name=index.name,
                partition_key=_key(index.hash_key),  # type: ignore[arg-type]
                sort_key=_key(index.range_key),
                projection_type=dynamodb.ProjectionType.ALL,
            )
        return table


def _construct_id(logical_name: str) -> str:
    """`api_keys` -> `ApiKeysTable`: stable logical ids in the template."""
    return "".join(part.capitalize() for part in logical_name.split("_")) + "Table"
