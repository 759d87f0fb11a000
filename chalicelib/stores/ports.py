"""The stores a service may use, as typed ports: what each kind of data offers, not how it is kept.

Every port is bound to one tenant when it is made (see `chalicelib.stores.for_tenant`): no method
takes a tenant or a partition, so a service holding a tenant's stores cannot reach another tenant's
data. The PynamoDB implementations (chalicelib/repositories) own key shapes, conditions and
transactions; the in-memory twins in tests/fakes obey the same contract (tests/contract).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Protocol

from chalicelib.domain.approvals import MonthApproval, PeriodEvent, PeriodSettings
from chalicelib.domain.reviews import ReviewRule
from chalicelib.domain.tenants import Tenant, TenantStatus
from chalicelib.domain.villages import Village


class VillageStore(Protocol):
    """The village libraries of one tenant, keyed by village code."""

    def add(self, village: Village) -> bool:
        """Store a new village; False (and nothing written) when the code is registered already."""
        ...

    def update(self, village: Village) -> bool:
        """Replace a registered village's details (name, joined, cohort); its creation time, baseline
        and deactivation are kept. False (and nothing written) when the code is not registered."""
        ...

    def set_state(self, village: Village) -> bool:
        """Store a registered village's baseline and deactivation; False when it is not registered."""
        ...

    def get(self, village_code: str) -> Village | None:
        """The village, or None."""
        ...

    def get_many(self, village_codes: Iterable[str]) -> dict[str, Village]:
        """The registered villages among these codes, by code (absent codes are left out)."""
        ...

    def page(
        self, *, limit: int, cursor: str | None, prefix: str | None = None, only: frozenset[str] | None = None
    ) -> tuple[list[Village], str | None]:
        """One page of villages in code order, within a code prefix or among `only`. A page holds at
        most `limit` villages and may hold fewer (even none) while a cursor follows; the cursor is
        None after the last page. A cursor of another tenant is refused (MalformedRequestError)."""
        ...

    def all_codes(self) -> list[str]:
        """Every registered village code, in code order."""
        ...

    def all(self) -> list[Village]:
        """Every registered village, in code order."""
        ...


class PeriodStore(Protocol):
    """The approved months, their history and the reporting settings of one tenant."""

    def months(self, months: Iterable[str]) -> dict[str, MonthApproval]:
        """The stored state of these months ("YYYY-MM"); a month never approved is absent."""
        ...

    def all_months(self) -> list[MonthApproval]:
        """Every month ever approved, in month order."""
        ...

    def events(self, month: str) -> list[PeriodEvent]:
        """The approvals and reopenings of a month, oldest first."""
        ...

    def change(self, before: MonthApproval | None, after: MonthApproval, event: PeriodEvent) -> None:
        """Store a month's new state and its event, both or neither. ConflictError (and nothing
        written) when the stored state is no longer `before` (None: no state stored yet)."""
        ...

    def settings(self) -> PeriodSettings:
        """The reporting settings (the defaults when never set)."""
        ...

    def save_settings(self, settings: PeriodSettings) -> None:
        """Replace the reporting settings."""
        ...

    def reminder_emails(self) -> bool:
        """Whether the office gets reminder e-mails (on unless switched off)."""
        ...

    def set_reminder_emails(self, on: bool) -> None:
        """Switch the office's reminder e-mails on or off."""
        ...


class TenantStore(Protocol):
    """All tenants: the platform's own data (sign-up, the platform admin, authentication)."""

    def add(self, tenant: Tenant) -> None:
        """Store a new tenant; AlreadyExistsError (nothing written) when the regency has one."""
        ...

    def get(self, tenant_id: str) -> Tenant | None:
        """The tenant, or None."""
        ...

    def page(self, *, status: TenantStatus | None, limit: int, cursor: str | None) -> tuple[list[Tenant], str | None]:
        """One page of tenants, all or of one status (then in code order); the cursor is None after
        the last page, and a cursor of another listing is refused (MalformedRequestError)."""
        ...

    def change(self, tenant_id: str, apply: Callable[[Tenant], Tenant]) -> Tenant | None:
        """Apply a change of state (status, approval and suspension times) to the stored tenant and
        write it on condition that it is still as read: the changed tenant, or None when there is
        none. ConflictError (nothing written) when it changed meanwhile; what `apply` raises passes."""
        ...


class ReviewRuleStore(Protocol):
    """One tenant's own outlier rules, replaced as a whole."""

    def get(self) -> list[ReviewRule]:
        """The tenant's own rules in the order stored (none: the national defaults apply)."""
        ...

    def put(self, rules: list[ReviewRule], *, by: str, at: dt.datetime) -> None:
        """Replace the tenant's own rules (an empty list: back to the national defaults)."""
        ...
