"""Village library requests and responses."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import Field, model_validator

from chalicelib import areas
from chalicelib.domain.indicators import BASELINE_INDICATORS
from chalicelib.domain.villages import Village
from chalicelib.schemas.common import PageQuery, PublicModel, RequestModel, described

KECAMATAN_CODE_PATTERN = described(
    r"^\d{2}\.\d{2}\.\d{2}$", "a Kemendagri kecamatan code such as 33.15.01", "kecamatan_code"
)


def _monthly() -> Any:
    return Field(default=None, ge=0, le=10_000_000)


class VillagePut(RequestModel):
    """Register or update a village library (the whole description: a field left out is cleared)."""

    library_name: str = Field(min_length=1, max_length=200, examples=["Perpustakaan Desa Karanglangu"])
    joined_on: dt.date | None = Field(default=None, ge=dt.date(2010, 1, 1), description="Date it joined TPBIS.")
    joined_year: int | None = Field(
        default=None,
        ge=2010,
        le=2100,
        description="Year it joined TPBIS, when the date is not known (read as 1 January).",
    )
    cohort: str | None = Field(default=None, min_length=1, max_length=50, examples=["replikasi-2019"])


class BaselineMonthly(RequestModel):
    """Monthly values of the flow indicators from a baseline survey: any subset."""

    visits: float | None = _monthly()
    activities: float | None = _monthly()
    participants: float | None = _monthly()
    participants_women: float | None = _monthly()
    participants_youth: float | None = _monthly()
    participants_entrepreneurs: float | None = _monthly()
    participants_disabled: float | None = _monthly()
    media_mentions: float | None = _monthly()
    partnerships_new: float | None = _monthly()
    ict_sessions: float | None = _monthly()
    internet_users: float | None = _monthly()


class BaselinePut(RequestModel):
    """A village's monthly baseline, as recorded from a baseline survey."""

    monthly: BaselineMonthly = Field(examples=[{"visits": 120, "participants": 30}])
    source: str = Field(min_length=1, max_length=200, examples=["survei awal 2019"])

    @model_validator(mode="after")
    def _not_empty(self) -> BaselinePut:
        if not self.values():
            raise ValueError("monthly: give at least one indicator")
        return self

    def values(self) -> dict[str, float]:
        """The indicators given, with their monthly value."""
        given = self.monthly.model_dump(exclude_none=True)
        return {name: float(given[name]) for name in BASELINE_INDICATORS if name in given}


class BaselinePublic(PublicModel):
    """A recorded baseline: monthly values, where they come from, who recorded them when."""

    monthly: dict[str, float]
    source: str
    recorded_at: dt.datetime
    recorded_by: str


class VillagePublic(PublicModel):
    """A registered village library with its names from the Kemendagri list."""

    village_code: str
    village_name: str
    kecamatan_code: str
    kecamatan_name: str
    library_name: str
    joined_on: dt.date | None = Field(default=None, description="joined_on, or 1 January of joined_year")
    joined_year: int | None = None
    cohort: str | None = None
    active: bool = True
    deactivated_on: dt.date | None = None
    baseline: BaselinePublic | None = Field(
        default=None, description="the recorded baseline; without one, the mean of the first three full months counts"
    )
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def of(cls, village: Village) -> VillagePublic:
        kecamatan = areas.ancestor(village.village_code, areas.Level.KECAMATAN)
        return cls.read(
            village,
            village_name=areas.name_of(village.village_code) or "",
            kecamatan_code=kecamatan,
            kecamatan_name=areas.name_of(kecamatan) or "",
            joined_on=village.joined,
        )


class VillagePage(PublicModel):
    """One page of village libraries, in code order."""

    items: list[VillagePublic]
    next_cursor: str | None = None


class VillageListQuery(PageQuery):
    """Paging, optionally within one kecamatan."""

    kecamatan_code: str | None = Field(default=None, pattern=KECAMATAN_CODE_PATTERN)
