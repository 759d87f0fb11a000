"""Village libraries (perpustakaan desa) registered by a regency office."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


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
