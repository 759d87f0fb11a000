"""Approved periods and reporting settings of a tenant (key scheme in chalicelib/tables.py)."""

from __future__ import annotations

from collections.abc import Iterable

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from chalicelib.domain.approvals import MonthApproval, PeriodAction, PeriodEvent, PeriodSettings, PeriodState
from chalicelib.errors import ConflictError, cancellation_codes
from chalicelib.repositories.base import batch_get, table_meta
from chalicelib.tables import PERIODS

SETTINGS_SK = "settings"
NOTIFICATIONS_SK = "notifications"


def month_sk(month: str) -> str:
    """The sort key of a month's state."""
    return f"month#{month}"


class _TenantItem(Model):
    """An item of the periods table: the tenant's partition, and what the item is in its sort key."""

    Meta = table_meta(PERIODS)

    tenant_id = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)


class MonthRecord(_TenantItem):
    """Storage shape of a month's approval state."""

    state = UnicodeAttribute()
    version = NumberAttribute()
    changed_at = UTCDateTimeAttribute()
    changed_by = UnicodeAttribute()
    reopened = BooleanAttribute(default=False)

    def to_domain(self) -> MonthApproval:
        return MonthApproval(
            month=self.sk.removeprefix("month#"),
            state=PeriodState(self.state),
            version=int(self.version),
            changed_at=self.changed_at,
            changed_by=self.changed_by,
            reopened=bool(self.reopened),
        )


class EventRecord(_TenantItem):
    """Storage shape of one approval or reopening."""

    action = UnicodeAttribute()
    by = UnicodeAttribute()
    at = UTCDateTimeAttribute()
    reason = UnicodeAttribute(null=True)


class SettingsRecord(_TenantItem):
    """Storage shape of a tenant's reporting settings."""

    deadline_day = NumberAttribute()
    auto_lock_days = NumberAttribute(null=True)


class NotificationRecord(_TenantItem):
    """Storage shape of a tenant's notification switch."""

    reminder_emails = BooleanAttribute()


class PeriodRepository:
    """The approved months and reporting settings of one tenant."""

    def __init__(self, *, tenant_id: str) -> None:
        if not tenant_id:
            raise ValueError("a period repository needs a tenant")
        self.tenant_id = tenant_id

    def months(self, months: Iterable[str]) -> dict[str, MonthApproval]:
        """The stored state of these months (a month never approved is absent): one batch read."""
        keys = [(self.tenant_id, month_sk(m)) for m in set(months)]
        return {a.month: a for a in (record.to_domain() for record in batch_get(MonthRecord, keys))}

    def all_months(self) -> list[MonthApproval]:
        """Every month of the tenant that was ever approved, in month order."""
        query = MonthRecord.query(self.tenant_id, MonthRecord.sk.startswith("month#"), consistent_read=True)
        return [r.to_domain() for r in query]

    def events(self, month: str) -> list[PeriodEvent]:
        """The approvals and reopenings of a month, oldest first."""
        query = EventRecord.query(self.tenant_id, EventRecord.sk.startswith(f"event#{month}#"), consistent_read=True)
        return [PeriodEvent(month, PeriodAction(r.action), r.by, r.at, r.reason) for r in query]

    def change(self, before: MonthApproval | None, after: MonthApproval, event: PeriodEvent) -> None:
        """Store a month's new state with its event, both or neither; ConflictError when another
        request changed the month meanwhile."""
        record = MonthRecord(
            self.tenant_id,
            month_sk(after.month),
            state=after.state.value,
            version=after.version,
            changed_at=after.changed_at,
            changed_by=after.changed_by,
            reopened=after.reopened,
        )
        condition = MonthRecord.sk.does_not_exist() if before is None else MonthRecord.version == before.version
        history = EventRecord(
            self.tenant_id,
            f"event#{after.month}#{event.at.isoformat()}#{after.version:06d}",
            action=event.action.value,
            by=event.by,
            at=event.at,
            reason=event.reason,
        )
        try:
            with TransactWrite(connection=Connection()) as transaction:
                transaction.save(record, condition=condition)
                transaction.save(history, condition=EventRecord.sk.does_not_exist())
        except TransactWriteError as exc:
            if cancellation_codes(exc) & {"ConditionalCheckFailed", "TransactionConflict"}:
                raise ConflictError(f"{after.month} changed meanwhile; reload and retry") from exc
            raise

    def settings(self) -> PeriodSettings:
        """The tenant's reporting settings (the defaults when never set)."""
        try:
            return settings_of(SettingsRecord.get(self.tenant_id, SETTINGS_SK, consistent_read=True))
        except SettingsRecord.DoesNotExist:
            return PeriodSettings()

    def save_settings(self, settings: PeriodSettings) -> None:
        """Replace the tenant's reporting settings."""
        SettingsRecord(
            self.tenant_id, SETTINGS_SK, deadline_day=settings.deadline_day, auto_lock_days=settings.auto_lock_days
        ).save()

    def reminder_emails(self) -> bool:
        """Whether the tenant's office gets reminder e-mails (on unless switched off)."""
        return reminder_emails(self.tenant_id)

    def set_reminder_emails(self, on: bool) -> None:
        """Switch the tenant's reminder e-mails on or off."""
        set_reminder_emails(self.tenant_id, on)


def reminder_emails(tenant_id: str) -> bool:
    """Whether a tenant's office gets reminder e-mails (on unless switched off)."""
    try:
        return bool(NotificationRecord.get(tenant_id, NOTIFICATIONS_SK, consistent_read=True).reminder_emails)
    except NotificationRecord.DoesNotExist:
        return True


def set_reminder_emails(tenant_id: str, on: bool) -> None:
    """Switch a tenant's reminder e-mails on or off."""
    NotificationRecord(tenant_id, NOTIFICATIONS_SK, reminder_emails=on).save()


def states_of(tenant_months: Iterable[tuple[str, str]]) -> dict[tuple[str, str], MonthApproval]:
    """The stored state of (tenant, month) pairs across tenants, for the national reads."""
    keys = [(tenant, month_sk(month)) for tenant, month in tenant_months]
    records = batch_get(MonthRecord, keys, consistent_read=False)
    return {(r.tenant_id, a.month): a for r, a in ((r, r.to_domain()) for r in records)}


def settings_of(record: SettingsRecord | None) -> PeriodSettings:
    """A tenant's reporting settings from their stored item (the defaults when there is none)."""
    if record is None:
        return PeriodSettings()
    days = record.auto_lock_days
    return PeriodSettings(deadline_day=int(record.deadline_day), auto_lock_days=int(days) if days is not None else None)
