"""The tenants a rebuild still owes: one small item per tenant, written before any figure is dropped.

A rebuild drops every figure and then sends every tenant a message; each tenant's worker marks its
months from its history. Between the drop and the marking, nothing but these items says that a
tenant's figures are gone: written first (one batch write per 25 tenants), each is removed by the
worker of that rebuild once the tenant's markers are stored, and only if it still names that rebuild
(a later rebuild's item stays). One the planner finds older than the rebuild's lease (the plan that
wrote it has ended, so its messages were sent or never will be) gets its tenant a rebuild message
again: an interrupted rebuild is finished by the next run instead of leaving the figures blank.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from pynamodb.attributes import UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.models import Model

from chalicelib.repositories.base import condition_held, table_meta
from chalicelib.tables import CHANGES

_PARTITION = "rebuild-owed"  # written by a rebuild's plan only: a few hundred items, once in a while


class OwedRebuild(Model):
    """Storage shape of a tenant a rebuild still owes."""

    Meta = table_meta(CHANGES)

    pk = UnicodeAttribute(hash_key=True)  # "rebuild-owed"
    sk = UnicodeAttribute(range_key=True)  # the tenant id
    run_id = UnicodeAttribute()  # the rebuild's run
    since = UTCDateTimeAttribute()  # when its plan started


class OwedRebuilds:
    """The RebuildPort: what a rebuild owes, tenant by tenant."""

    def owe(self, tenant_ids: Iterable[str], *, run_id: str, now: datetime) -> None:
        with OwedRebuild.batch_write() as batch:
            for tenant_id in sorted(set(tenant_ids)):
                batch.save(OwedRebuild(_PARTITION, tenant_id, run_id=run_id, since=now))

    def owed(self) -> dict[str, tuple[str, datetime]]:
        return {
            record.sk: (record.run_id, record.since) for record in OwedRebuild.query(_PARTITION, consistent_read=True)
        }

    def paid(self, tenant_id: str, *, run_id: str) -> bool:
        record = OwedRebuild(_PARTITION, tenant_id)
        return condition_held(lambda: record.delete(condition=OwedRebuild.run_id == run_id))
