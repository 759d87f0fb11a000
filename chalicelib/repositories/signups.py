"""Sign-up application records: one item per application, listed by regency or by status."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pynamodb.attributes import UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from chalicelib.domain.keys import ApiKey
from chalicelib.domain.signups import APPLICATION_LIFETIME, Application, ApplicationStatus
from chalicelib.domain.tenants import Tenant
from chalicelib.repositories.base import condition_held, decode_cursor, encode_cursor, table_meta
from chalicelib.stores.access import ApplicationListing, Cursor
from chalicelib.tables import SIGNUPS


class _ByTenant(GlobalSecondaryIndex["ApplicationRecord"]):
    class Meta:
        index_name = "by_tenant"
        projection = AllProjection()

    tenant_id = UnicodeAttribute(hash_key=True)
    created_key = UnicodeAttribute(range_key=True)


class _ByStatus(GlobalSecondaryIndex["ApplicationRecord"]):
    class Meta:
        index_name = "by_status"
        projection = AllProjection()

    status = UnicodeAttribute(hash_key=True)
    created_key = UnicodeAttribute(range_key=True)


class ApplicationRecord(Model):
    """Storage shape of a sign-up application (the stored status: never `expired`)."""

    Meta = table_meta(SIGNUPS)

    application_id = UnicodeAttribute(hash_key=True)
    tenant_id = UnicodeAttribute()
    status = UnicodeAttribute()
    created_key = UnicodeAttribute()  # created_at, then the id: listings in the order they came in
    regency_name = UnicodeAttribute()
    office_name = UnicodeAttribute()
    contact_name = UnicodeAttribute()
    contact_email = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    decided_at = UTCDateTimeAttribute(null=True)
    reason = UnicodeAttribute(null=True)

    by_tenant = _ByTenant()
    by_status = _ByStatus()

    def to_domain(self) -> Application:
        return Application(
            application_id=self.application_id,
            tenant_id=self.tenant_id,
            regency_name=self.regency_name,
            office_name=self.office_name,
            contact_name=self.contact_name,
            contact_email=self.contact_email,
            stored_status=ApplicationStatus(self.status),
            created_at=self.created_at,
            decided_at=self.decided_at,
            reason=self.reason,
        )

    @classmethod
    def from_domain(cls, application: Application) -> ApplicationRecord:
        return cls(
            application.application_id,
            tenant_id=application.tenant_id,
            status=application.stored_status.value,
            created_key=f"{application.created_at.isoformat()}#{application.application_id}",
            regency_name=application.regency_name,
            office_name=application.office_name,
            contact_name=application.contact_name,
            contact_email=application.contact_email,
            created_at=application.created_at,
            decided_at=application.decided_at,
            reason=application.reason,
        )


def _status_filter(status: ApplicationStatus | None, now: datetime) -> Any:
    """The condition for an application's status as of `now` (pending and expired differ by age)."""
    if status is None:
        return None
    cutoff = now - APPLICATION_LIFETIME
    if status is ApplicationStatus.PENDING:
        return (ApplicationRecord.status == "pending") & (ApplicationRecord.created_at > cutoff)
    if status is ApplicationStatus.EXPIRED:
        return (ApplicationRecord.status == "pending") & (ApplicationRecord.created_at <= cutoff)
    return ApplicationRecord.status == status.value


def _stored(status: ApplicationStatus) -> str:
    return ApplicationStatus.PENDING.value if status is ApplicationStatus.EXPIRED else status.value


class ApplicationRepository:
    """All sign-up applications: the platform's own data, read by the platform admin and the applicant."""

    def add(self, application: Application) -> None:
        """Store a new application (its id is a fresh UUID: no two collide)."""
        ApplicationRecord.from_domain(application).save(condition=ApplicationRecord.application_id.does_not_exist())

    def get(self, application_id: str) -> Application | None:
        """The application, or None."""
        try:
            return ApplicationRecord.get(application_id, consistent_read=True).to_domain()
        except ApplicationRecord.DoesNotExist:
            return None

    def waiting_for(self, tenant_id: str, *, now: datetime) -> list[Application]:
        """Every pending (not expired) application of a regency, oldest first."""
        return [
            record.to_domain()
            for record in ApplicationRecord.by_tenant.query(
                tenant_id, filter_condition=_status_filter(ApplicationStatus.PENDING, now)
            )
        ]

    def page(
        self, *, status: ApplicationStatus | None, tenant_id: str | None, limit: int, cursor: Cursor, now: datetime
    ) -> ApplicationListing:
        """One page of applications, oldest first within a regency or a status (a page may hold fewer
        than `limit` items when a filter drops some; follow `next_cursor`)."""
        status_filter = _status_filter(status, now)
        if tenant_id is not None:
            start = decode_cursor(cursor, scope={"tenant_id": tenant_id})
            results: Any = ApplicationRecord.by_tenant.query(
                tenant_id, filter_condition=status_filter, limit=limit, last_evaluated_key=start
            )
        elif status is not None:
            stored = _stored(status)
            start = decode_cursor(cursor, scope={"status": stored})
            results = ApplicationRecord.by_status.query(
                stored, filter_condition=status_filter, limit=limit, last_evaluated_key=start
            )
        else:
            start = decode_cursor(cursor, scope={})
            results = ApplicationRecord.scan(limit=limit, last_evaluated_key=start)
        items = [record.to_domain() for record in results]
        return items, encode_cursor(results.last_evaluated_key)

    @staticmethod
    def _decision(application: Application) -> tuple[ApplicationRecord, list[Any], Any]:
        record = ApplicationRecord(application.application_id)
        actions: list[Any] = [ApplicationRecord.status.set(application.stored_status.value)]
        if application.decided_at is not None:
            actions.append(ApplicationRecord.decided_at.set(application.decided_at))
        if application.reason is not None:
            actions.append(ApplicationRecord.reason.set(application.reason))
        return record, actions, ApplicationRecord.status == ApplicationStatus.PENDING.value

    def decide_in(self, transaction: TransactWrite, application: Application) -> None:
        """Add the decision to a transaction, on condition that the application is still pending."""
        record, actions, condition = self._decision(application)
        transaction.update(record, actions=actions, condition=condition)

    def decide(self, application: Application) -> bool:
        """Store a decision; False when the application was no longer pending."""
        record, actions, condition = self._decision(application)
        return condition_held(lambda: record.update(actions=actions, condition=condition))

    def admit(self, tenant: Tenant, *, application: Application, first_key: ApiKey) -> None:
        """Decide an approved application, store its tenant and the first key in one transaction
        (composed where the tenant's storage shape is known: `TenantRepository.admit`)."""
        from chalicelib.repositories.tenants import TenantRepository  # it builds on this module

        TenantRepository().admit(tenant, application=application, first_key=first_key)
