"""What a district admin sends about a village library, for tests that register villages through the service."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass
class VillageBody:
    """The fields of services.villages.VillageData (the API's body after validation)."""

    library_name: str = "Perpustakaan Desa"
    joined_year: int | None = None
    joined_on: dt.date | None = None
    cohort: str | None = None
