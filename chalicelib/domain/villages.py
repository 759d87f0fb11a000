"""Village libraries (perpustakaan desa) registered by a regency office."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from datetime import datetime

from chalicelib.domain.periods import Period


@dataclass(frozen=True)
class RecordedBaseline:
    """A village's monthly baseline from a baseline survey, recorded by the district admin."""

    monthly: dict[str, float]  # flow indicator -> value of one month
    source: str
    recorded_at: datetime
    recorded_by: str


@dataclass(frozen=True)
class Village:
    """A village library of a tenant."""

    tenant_id: str
    village_code: str
    library_name: str
    joined_year: int | None
    cohort: str | None
    created_at: datetime
    updated_at: datetime
    joined_on: dt.date | None = None
    deactivated_on: dt.date | None = None
    baseline: RecordedBaseline | None = field(default=None)

    @property
    def joined(self) -> dt.date | None:
        """When it joined TPBIS: `joined_on`, else 1 January of `joined_year`, else unknown."""
        if self.joined_on is not None:
            return self.joined_on
        return dt.date(self.joined_year, 1, 1) if self.joined_year is not None else None

    @property
    def active(self) -> bool:
        """Not deactivated."""
        return self.deactivated_on is None

    def expected_in(self, period: Period) -> bool:
        """Whether it must report for `period` (DHIS2's expected reports): joined on or before the
        period's last day (unknown: always) and not deactivated before its first day."""
        joined = self.joined
        if joined is not None and joined > period.end:
            return False
        return self.deactivated_on is None or self.deactivated_on >= period.start
