"""The one description of every DynamoDB table: logical names, keys and indexes.

PynamoDB models, the local stack, the tests and the CDK app all read these specs,
so a name or key is written once. Every key attribute is a string.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class IndexSpec:
    """A global secondary index (projection ALL)."""

    name: str
    hash_key: str
    range_key: str | None = None


@dataclass(frozen=True)
class TableSpec:
    """A DynamoDB table (on-demand billing)."""

    name: str
    hash_key: str
    range_key: str | None = None
    indexes: tuple[IndexSpec, ...] = field(default_factory=tuple)
    ttl_attribute: str | None = None

    def key_attributes(self) -> list[str]:
        """Every attribute used as a key of the table or of an index, once each."""
        names = [self.hash_key, self.range_key]
        for index in self.indexes:
            names += [index.hash_key, index.range_key]
        return list(dict.fromkeys(name for name in names if name))


TENANTS = TableSpec("tenants", "tenant_id", indexes=(IndexSpec("by_status", "status", "tenant_id"),))
API_KEYS = TableSpec("api_keys", "key_id", indexes=(IndexSpec("by_owner", "owner", "key_id"),))
# Sign-up applications: several may wait for one regency; a tenant exists from approval on.
SIGNUPS = TableSpec(
    "signups",
    "application_id",
    indexes=(
        IndexSpec("by_tenant", "tenant_id", "created_key"),
        IndexSpec("by_status", "status", "created_key"),
    ),
)
# Fixed-window request counters per source (sign-up's per-address limit); expired by TTL.
RATE_LIMITS = TableSpec("rate_limits", "pk", ttl_attribute="expires")
VILLAGES = TableSpec("villages", "tenant_id", "village_code")
REPORTS = TableSpec(
    "reports",
    "tenant_id",
    "submission_id",
    indexes=(
        IndexSpec("by_tenant_date", "tenant_id", "date_key"),
        IndexSpec("by_village_date", "village_key", "date_key"),
        IndexSpec("village_partnerships", "partnership_key", "submission_id"),
        # Sparse: only reports waiting for the district's review carry its key (the review list).
        IndexSpec("needing_review", "review_key", "date_key"),
    ),
)
# Each tenant's outlier rules (min-max per report field) where they differ from the national defaults.
REVIEW_RULES = TableSpec("review_rules", "tenant_id")
# Dirty markers written by every change that a rollup must pick up, and job state; the fanned-out
# runs' records expire by TTL (the others carry no `expires`).
CHANGES = TableSpec("changes", "pk", "sk", ttl_attribute="expires")
# Indicator rollups: one item per (scope, period).
AGGREGATES = TableSpec("aggregates", "pk", "sk")
# Stakeholders, commitments, their transitions and advocacy actions, per tenant (key scheme in
# repositories/advocacy.py). Sparse indexes: a tenant's commitments and a stakeholder's by due date,
# and every tenant's open commitments by due date for the daily reminder job.
ADVOCACY = TableSpec(
    "advocacy",
    "tenant_id",
    "sk",
    indexes=(
        IndexSpec("commitments_by_due", "tenant_id", "commitment_sort"),
        IndexSpec("commitments_of_stakeholder", "stakeholder_key", "commitment_sort"),
        IndexSpec("open_by_due", "due_key", "due_sort"),
    ),
)
# OpenRosa instances that corrected a report (meta/deprecatedID), and the instances they replaced.
OPENROSA_INSTANCES = TableSpec("openrosa_instances", "tenant_id", "instance_id")
# Approved periods and reporting settings, per tenant: "month#YYYY-MM" (its state),
# "event#YYYY-MM#<at>#<version>" (who approved or reopened it, when, why), "settings" (reporting),
# "notifications" (the reminder e-mail switch).
PERIODS = TableSpec("periods", "tenant_id", "sk")
# Powertools idempotency records (create endpoints that accept an Idempotency-Key).
IDEMPOTENCY = TableSpec("idempotency", "id", ttl_attribute="expiration")

ALL_TABLES: tuple[TableSpec, ...] = (
    TENANTS,
    API_KEYS,
    SIGNUPS,
    RATE_LIMITS,
    VILLAGES,
    REPORTS,
    CHANGES,
    AGGREGATES,
    ADVOCACY,
    PERIODS,
    IDEMPOTENCY,
    REVIEW_RULES,
    OPENROSA_INSTANCES,
)
