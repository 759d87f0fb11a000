"""What each Lambda function may touch: the one place to adjust when the code's data access changes.

Keys are Chalice function names (`api_handler` is Chalice's name for the REST API handler; the
authorizer and the scheduled jobs are named after their Python functions). A function present in
the app but missing here fails the synth, so a new function cannot ship with borrowed rights.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from chalicelib.tables import ALL_TABLES

# DynamoDB actions by intent. Transactions need no action of their own: IAM checks each item's
# Put/Update/Delete/ConditionCheck. PynamoDB 6 builds table metadata from the model, so no DescribeTable.
READ = ("dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:ConditionCheckItem")
WRITE = ("dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem")
READ_WRITE = READ + WRITE
GET_ONLY = ("dynamodb:GetItem",)
# What Powertools' DynamoDB idempotency layer calls.
IDEMPOTENCY = ("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem")


@dataclass(frozen=True)
class Access:
    """One function's rights: DynamoDB actions per logical table, export-bucket prefixes, the event bus."""

    tables: dict[str, tuple[str, ...]] = field(default_factory=dict)
    bucket_read: tuple[str, ...] = ()  # object key patterns it may GetObject
    bucket_write: tuple[str, ...] = ()  # object key patterns it may PutObject
    bucket_list: tuple[str, ...] = ()  # key prefixes (patterns) it may list
    put_events: bool = False
    send_email: bool = False  # ses:SendEmail from the account's verified identities
    cursor_secret: bool = False  # reads the secret that signs paging cursors
    rollup_queue_send: bool = False  # plans rollup runs: sends one message per tenant to the rollup's queue
    rollup_queue_consume: bool = False  # the queue's event source polls it with the function's role


_ALL = {spec.name for spec in ALL_TABLES}
# What a rollup reads (its sources) and writes (markers, run records, aggregates).
_ROLLUP_TABLES = {
    "reports": READ,
    "villages": READ,
    "tenants": READ,
    "advocacy": READ,
    "changes": READ_WRITE,
    "aggregates": READ_WRITE,
}

ACCESS: dict[str, Access] = {
    # The REST API: every business table read/write, idempotency records, the published exports
    # (read by GET /v1/national/export; written by POST /v1/admin/jobs/rollup/run, which runs the rollup),
    # and the photos of OpenRosa submissions under each tenant's prefix (stored, listed, downloaded).
    "api_handler": Access(
        tables={name: READ_WRITE for name in sorted(_ALL - {"idempotency"})} | {"idempotency": IDEMPOTENCY},
        bucket_read=("*",),
        bucket_write=("national/*", "tenants/*/attachments/*", "config/*"),
        bucket_list=("tenants/*/attachments/*",),
        put_events=True,
        cursor_secret=True,
        rollup_queue_send=True,
    ),
    # The authorizer only looks up a key and its tenant.
    "bearer_auth": Access(tables={"api_keys": GET_ONLY, "tenants": GET_ONLY}),
    # The scheduled rollup plans runs: reads the change feed (and, once a month, the villages for
    # matured baselines), records the run, enqueues its tenants; a run without tenants runs its national
    # step at once (aggregates, exports). POST /v1/admin/jobs/rollup/run still runs the serial rollup.
    "run_rollup": Access(
        tables=_ROLLUP_TABLES,
        bucket_write=("national/*",),
        rollup_queue_send=True,
    ),
    # The rollup's worker: one tenant per message (its sources, markers, aggregates), and the national
    # step with the export when it settles a run's last tenant; a plan a change asked for (it sends the
    # run's tenants, and a later plan for changes not yet settled).
    "rollup_worker": Access(
        tables=_ROLLUP_TABLES,
        bucket_write=("national/*",),
        rollup_queue_consume=True,
        rollup_queue_send=True,
    ),
    # Daily commitment reminders: flags overdue commitments and announces each on the bus.
    "send_commitment_reminders": Access(
        tables={"advocacy": READ_WRITE},
        put_events=True,
    ),
    # Reminder e-mails: reads the tenant's contact and its notification switch, sends through SES.
    "deliver_reminders": Access(
        tables={"tenants": GET_ONLY, "periods": GET_ONLY},
        send_email=True,
    ),
}

# The jobs get their own roles and alarms; the rollup's schedule drives the lag alarm.
ROLLUP_FUNCTION = "run_rollup"
ROLLUP_WORKER = "rollup_worker"
