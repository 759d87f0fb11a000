"""Tenant records: one item per regency office, keyed by the regency code."""

from __future__ import annotations

from collections.abc import Callable

from pynamodb.attributes import UnicodeAttribute, UTCDateTimeAttribute, VersionAttribute
from pynamodb.connection import Connection
from pynamodb.exceptions import PutError, TransactWriteError, UpdateError
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from chalicelib.domain.keys import ApiKey
from chalicelib.domain.signups import Application
from chalicelib.domain.tenants import Tenant, TenantStatus
from chalicelib.errors import AlreadyExistsError, ConflictError, is_throttling
from chalicelib.repositories.base import decode_cursor, encode_cursor, table_meta
from chalicelib.repositories.keys import KeyRepository
from chalicelib.repositories.signups import ApplicationRepository
from chalicelib.tables import TENANTS


class _ByStatus(GlobalSecondaryIndex["TenantRecord"]):
    class Meta:
        index_name = "by_status"
        projection = AllProjection()

    status = UnicodeAttribute(hash_key=True)
    tenant_id = UnicodeAttribute(range_key=True)


class TenantRecord(Model):
    """Storage shape of a tenant."""

    Meta = table_meta(TENANTS)

    tenant_id = UnicodeAttribute(hash_key=True)
    status = UnicodeAttribute()
    regency_name = UnicodeAttribute()
    office_name = UnicodeAttribute()
    contact_name = UnicodeAttribute()
    contact_email = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    approved_at = UTCDateTimeAttribute(null=True)
    suspended_at = UTCDateTimeAttribute(null=True)
    version = VersionAttribute()

    by_status = _ByStatus()

    def to_domain(self) -> Tenant:
        return Tenant(
            tenant_id=self.tenant_id,
            regency_name=self.regency_name,
            office_name=self.office_name,
            contact_name=self.contact_name,
            contact_email=self.contact_email,
            status=TenantStatus(self.status),
            created_at=self.created_at,
            approved_at=self.approved_at,
            suspended_at=self.suspended_at,
        )


def _record(tenant: Tenant) -> TenantRecord:
    return TenantRecord(
        tenant.tenant_id,
        status=tenant.status.value,
        regency_name=tenant.regency_name,
        office_name=tenant.office_name,
        contact_name=tenant.contact_name,
        contact_email=tenant.contact_email,
        created_at=tenant.created_at,
        approved_at=tenant.approved_at,
        suspended_at=tenant.suspended_at,
    )


class TenantRepository:
    """All tenants: the platform's own data, used by sign-up, the platform admin and authentication."""

    def add(self, tenant: Tenant) -> None:
        """Store a new tenant; refuse a regency that has signed up already."""
        try:
            _record(tenant).save(condition=TenantRecord.tenant_id.does_not_exist())
        except PutError as exc:
            if exc.cause_response_code == "ConditionalCheckFailedException":
                raise AlreadyExistsError(f"regency {tenant.tenant_id} has signed up already") from exc
            raise

    def get(self, tenant_id: str) -> Tenant | None:
        """The tenant, or None."""
        try:
            return TenantRecord.get(tenant_id, consistent_read=True).to_domain()
        except TenantRecord.DoesNotExist:
            return None

    def page(self, *, status: TenantStatus | None, limit: int, cursor: str | None) -> tuple[list[Tenant], str | None]:
        """One page of tenants; with a status, in code order."""
        if status is None:
            start = decode_cursor(cursor, scope={})
            results = TenantRecord.scan(limit=limit, last_evaluated_key=start)
        else:
            start = decode_cursor(cursor, scope={"status": status.value})
            results = TenantRecord.by_status.query(status.value, limit=limit, last_evaluated_key=start)
        items = [record.to_domain() for record in results]
        return items, encode_cursor(results.last_evaluated_key)

    def change(self, tenant_id: str, apply: Callable[[Tenant], Tenant]) -> Tenant | None:
        """Read a tenant, apply a change of state to it and write that on condition that the tenant
        is still as read: the changed tenant, None when there is none, ConflictError (nothing
        written) when it changed meanwhile. `apply` may refuse the change by raising."""
        record = _stored(tenant_id)
        if record is None:
            return None
        updated = apply(record.to_domain())
        try:
            _with_state(record, updated).save()
        except (PutError, UpdateError) as exc:
            if exc.cause_response_code == "ConditionalCheckFailedException":
                raise ConflictError(f"tenant {tenant_id} changed meanwhile; retry") from exc
            raise
        return updated

    def admit(self, tenant: Tenant, *, application: Application, first_key: ApiKey) -> None:
        """Make an approved application's regency an active tenant with its first key, all or
        nothing: the decision (on condition that the application is still pending), the tenant (on
        condition that the regency has none, or over a pending tenant item from before sign-ups
        were applications, at the version read) and the key. ConflictError when any of them changed
        meanwhile; a throttled transaction is raised as it is (503, nothing was written)."""
        pending = _stored(tenant.tenant_id)
        if pending is not None and pending.status != TenantStatus.PENDING.value:
            raise ConflictError(f"regency {tenant.tenant_id} already has a regency office", code="tenant_exists")
        try:
            with TransactWrite(connection=Connection()) as transaction:
                ApplicationRepository().decide_in(transaction, application)
                if pending is not None:
                    transaction.save(_with_state(pending, tenant))
                else:
                    transaction.save(_record(tenant), condition=TenantRecord.tenant_id.does_not_exist())
                transaction.save(KeyRepository(owner=tenant.tenant_id).record_for_new(first_key))
        except TransactWriteError as exc:
            if is_throttling(exc):
                raise
            raise ConflictError(f"application {application.application_id} or its regency changed meanwhile") from exc


def _stored(tenant_id: str) -> TenantRecord | None:
    try:
        return TenantRecord.get(tenant_id, consistent_read=True)
    except TenantRecord.DoesNotExist:
        return None


def _with_state(record: TenantRecord, tenant: Tenant) -> TenantRecord:
    """`record` carrying the new state of `tenant` (its version is kept for the condition)."""
    record.status = tenant.status.value
    record.approved_at = tenant.approved_at
    record.suspended_at = tenant.suspended_at
    return record
