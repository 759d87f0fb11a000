"""Typed settings read from the environment, lazily and once per process."""

from __future__ import annotations

import os
from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field


class Settings(BaseModel):
    """Everything the service reads from its environment."""

    model_config = ConfigDict(defer_build=True)

    stage: str = Field(default="dev", pattern=r"^[a-z][a-z0-9-]{0,20}$")
    table_prefix: str = ""
    export_bucket: str = ""
    event_bus: str = ""
    region: str = "ap-southeast-3"
    max_body_bytes: int = Field(default=1_048_576, ge=1024)
    # How long a change settles before a run reads it; fresh on change delays its plan message by as much
    # (and 5 s more), and SQS delays a message 900 s at most: a longer window would have it arrive early.
    rollup_settle_seconds: int = Field(default=120, ge=0, le=895)
    # The scheduled rollup starts no tenant after this many seconds (its Lambda may run 900).
    rollup_budget_seconds: int = Field(default=600, ge=0, le=660)
    # The fanned-out rollup: its queue (default tpbis-<stage>-rollup, its dead-letter queue the same
    # name with -dlq), the most workers rolling tenants at once (Lambda's maximum concurrency of the
    # queue's event source, at least 2), and the receives of a tenant's message before it is parked
    # in the dead-letter queue (the queue's maxReceiveCount; the last failing one counts it failed).
    rollup_queue: str = ""
    rollup_concurrency: int = Field(default=10, ge=2, le=1000)
    rollup_max_receives: int = Field(default=3, ge=1, le=1000)
    # The villages of one tenant whose sources are read at once (their queries are independent): the
    # tenant's rollup waits for the slowest of a few, not for the sum; bounded, so that DynamoDB sees at
    # most this many times the workers' requests at once.
    rollup_read_concurrency: int = Field(default=4, ge=1, le=16)
    # Fresh on change: a change to a tenant's data plans a run once the settle window has passed (at most
    # one such plan pending at a time), rather than waiting for the schedule. On in AWS and `make run`.
    rollup_on_change: bool = False
    # Sign-ups one source address may send per hour (an office behind a shared address needs a few).
    signup_limit_per_hour: int = Field(default=10, ge=1)
    # The API's public base URL (a custom domain); links such as Collect's server URL use it.
    public_api_url: str = Field(default="", pattern=r"^(https?://[^\s/]+(/[^\s]*)?)?$")
    # Where reminder e-mails go: SES to the office's contact, an SNS topic (e-mail subscriptions
    # filtered on the tenant_id attribute), or files in a folder (`make run`).
    reminder_channel: str = Field(default="ses", pattern=r"^(ses|sns|outbox)$")
    reminder_sender: str = "tpbis-noreply@example.id"
    reminder_topic_arn: str = ""
    outbox_dir: str = ""

    def table_name(self, logical_name: str) -> str:
        """The physical DynamoDB table name for a logical table name."""
        return f"{self.table_prefix or default_prefix(self.stage)}{logical_name}"

    @property
    def bucket_name(self) -> str:
        """The export bucket's name."""
        return self.export_bucket or f"tpbis-{self.stage}-export"

    @property
    def rollup_queue_name(self) -> str:
        """The rollup's work queue (one message a tenant)."""
        return self.rollup_queue or f"tpbis-{self.stage}-rollup"

    @property
    def rollup_dlq_name(self) -> str:
        """Where a tenant's message goes after its last failed receive."""
        return f"{self.rollup_queue_name}-dlq"

    @property
    def bus_name(self) -> str:
        """The EventBridge bus the service publishes to."""
        return self.event_bus or f"tpbis-{self.stage}-events"


def default_prefix(stage: str) -> str:
    """Table names are `tpbis-<stage>-<logical name>` unless a prefix is configured."""
    return f"tpbis-{stage}-"


_ENV = {
    "stage": "TPBIS_STAGE",
    "table_prefix": "TPBIS_TABLE_PREFIX",
    "export_bucket": "TPBIS_EXPORT_BUCKET",
    "event_bus": "TPBIS_EVENT_BUS",
    "region": "AWS_DEFAULT_REGION",
    "max_body_bytes": "TPBIS_MAX_BODY_BYTES",
    "rollup_settle_seconds": "TPBIS_ROLLUP_SETTLE_SECONDS",
    "rollup_budget_seconds": "TPBIS_ROLLUP_BUDGET_SECONDS",
    "rollup_queue": "TPBIS_ROLLUP_QUEUE",
    "rollup_concurrency": "TPBIS_ROLLUP_CONCURRENCY",
    "rollup_max_receives": "TPBIS_ROLLUP_MAX_RECEIVES",
    "rollup_read_concurrency": "TPBIS_ROLLUP_READ_CONCURRENCY",
    "rollup_on_change": "TPBIS_ROLLUP_ON_CHANGE",
    "signup_limit_per_hour": "TPBIS_SIGNUP_LIMIT_PER_HOUR",
    "public_api_url": "TPBIS_PUBLIC_API_URL",
    "reminder_channel": "TPBIS_REMINDER_CHANNEL",
    "reminder_sender": "TPBIS_REMINDER_SENDER",
    "reminder_topic_arn": "TPBIS_REMINDER_TOPIC_ARN",
    "outbox_dir": "TPBIS_OUTBOX_DIR",
}


# What the stack builds resources from and its functions must then read alike: the rollup's queue (its
# name), the event source's concurrency and the queue's maxReceiveCount (the worker's last attempt).
DEPLOYED = ("rollup_queue", "rollup_concurrency", "rollup_max_receives")


def _from_environment(fields: tuple[str, ...]) -> dict[str, str]:
    return {field: os.environ[_ENV[field]] for field in fields if os.environ.get(_ENV[field])}


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings from the environment; cached (call `get_settings.cache_clear()` after changing it)."""
    return Settings.model_validate(_from_environment(tuple(_ENV)))


def deployed_settings(stage: str) -> Settings:
    """The settings a stack of `stage` is built with: the DEPLOYED ones from the environment it is
    synthesized in (`TPBIS_ROLLUP_MAX_RECEIVES=5 make synth`), the others their defaults."""
    return Settings.model_validate({"stage": stage} | _from_environment(DEPLOYED))


def deployed_environment(settings: Settings) -> dict[str, str]:
    """The DEPLOYED settings as the functions' environment variables (an unset queue name left out)."""
    return {_ENV[field]: str(getattr(settings, field)) for field in DEPLOYED if getattr(settings, field) != ""}


# Stages that may run without a configured cursor secret: one process (tests, `make run`), so a
# random key made at start is consistent for as long as the cursors it signed can be used.
_EPHEMERAL_SECRET_STAGES = frozenset({"test", "local"})


@lru_cache(maxsize=1)
def cursor_secret() -> bytes:
    """The key that signs paging cursors, read once per process (container): the Secrets Manager secret
    named by TPBIS_CURSOR_SECRET_ARN (what the stack configures), else TPBIS_CURSOR_SECRET; a random one
    only in the test and local stages."""
    arn = os.environ.get("TPBIS_CURSOR_SECRET_ARN")
    if arn:
        import boto3

        client = boto3.client("secretsmanager", region_name=get_settings().region)
        return str(client.get_secret_value(SecretId=arn)["SecretString"]).encode()
    value = os.environ.get("TPBIS_CURSOR_SECRET")
    if value:
        return value.encode()
    if get_settings().stage in _EPHEMERAL_SECRET_STAGES:
        import secrets

        return secrets.token_bytes(32)
    raise RuntimeError("no cursor secret configured (TPBIS_CURSOR_SECRET_ARN or TPBIS_CURSOR_SECRET)")
