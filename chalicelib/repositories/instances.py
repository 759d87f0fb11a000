"""OpenRosa instance records: which report an edited instance corrected, and which instance is current.

A report's first instance needs no record: its instanceID is the report's submission_id. An edit
(an instance with `meta/deprecatedID`) writes in one transaction the new instance (report,
fingerprint), the replaced one marked `superseded_by` (so that a second edit of the same replaced
instance is refused) and the report's new version, on the version it was read at."""

from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute
from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from chalicelib.domain.reports import Report
from chalicelib.repositories.base import table_meta
from chalicelib.repositories.reports import ReportRecord, ReportRepository
from chalicelib.stores.reports import InstanceRef
from chalicelib.tables import OPENROSA_INSTANCES


class InstanceRecord(Model):
    """Storage shape of an instance."""

    Meta = table_meta(OPENROSA_INSTANCES)

    tenant_id = UnicodeAttribute(hash_key=True)
    instance_id = UnicodeAttribute(range_key=True)
    report_id = UnicodeAttribute()
    fingerprint = UnicodeAttribute(null=True)  # of the content it carried (absent for a first instance)
    superseded_by = UnicodeAttribute(null=True)


class InstanceRepository:
    """The instances of one tenant (a `chalicelib.stores.reports.InstanceStore`)."""

    def __init__(self, *, tenant_id: str) -> None:
        if not tenant_id:
            raise ValueError("an instance repository needs a tenant")
        self.tenant_id = tenant_id

    def get_many(self, instance_ids: set[str]) -> dict[str, InstanceRef]:
        """The records of these instances that have one (one batch read)."""
        keys = [(self.tenant_id, instance_id) for instance_id in sorted(instance_ids)]
        return {
            r.instance_id: InstanceRef(r.instance_id, r.report_id, r.fingerprint, r.superseded_by)
            for r in InstanceRecord.batch_get(keys)
        }

    def supersede(
        self,
        *,
        old_id: str,
        old_fingerprint: str | None,
        new_id: str,
        report_id: str,
        fingerprint: str,
        corrected: Report | None = None,
        expected_version: int | None = None,
    ) -> bool:
        """Record that `new_id` replaced `old_id` on `report_id`; False when `old_id` was already replaced,
        `new_id` is known (another request won), or `corrected` (written with them) finds its report no
        longer at `expected_version`."""
        old = InstanceRecord(
            self.tenant_id, old_id, report_id=report_id, fingerprint=old_fingerprint, superseded_by=new_id
        )
        new = InstanceRecord(self.tenant_id, new_id, report_id=report_id, fingerprint=fingerprint)
        try:
            with TransactWrite(connection=Connection()) as transaction:
                transaction.save(old, condition=InstanceRecord.superseded_by.does_not_exist())
                transaction.save(new, condition=InstanceRecord.instance_id.does_not_exist())
                if corrected is not None:
                    report = ReportRepository(tenant_id=self.tenant_id).record_of(corrected)
                    transaction.save(report, condition=ReportRecord.version == expected_version)
        except TransactWriteError as exc:
            if exc.cause_response_code == "TransactionCanceledException":
                return False
            raise
        return True
