"""Village library requests and responses."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from chalicelib import areas
from chalicelib.domain.villages import Village
from chalicelib.schemas.common import PageQuery, PublicModel, RequestModel


class VillagePut(RequestModel):
    """Register or update a village library."""

    library_name: str = Field(min_length=1, max_length=200, examples=["Perpustakaan Desa Karanglangu"])
    joined_year: int | None = Field(default=None, ge=2010, le=2100, description="Year the village joined TPBIS.")
    cohort: str | None = Field(default=None, min_length=1, max_length=50, examples=["replication 2019"])


class VillagePublic(PublicModel):
    """A registered village library with its names from the Kemendagri list."""

    village_code: str
    village_name: str
    kecamatan_code: str
    kecamatan_name: str
    library_name: str
    joined_year: int | None = None
    cohort: str | None = None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, village: Village) -> VillagePublic:
        kecamatan = areas.ancestor(village.village_code, areas.Level.KECAMATAN)
        return cls(
            village_code=village.village_code,
            village_name=areas.name_of(village.village_code) or "",
            kecamatan_code=kecamatan,
            kecamatan_name=areas.name_of(kecamatan) or "",
            library_name=village.library_name,
            joined_year=village.joined_year,
            cohort=village.cohort,
            created_at=village.created_at,
            updated_at=village.updated_at,
        )


class VillagePage(PublicModel):
    """One page of village libraries, in code order."""

    items: list[VillagePublic]
    next_cursor: str | None = None


class VillageListQuery(PageQuery):
    """Paging, optionally within one kecamatan."""

    kecamatan_code: str | None = Field(default=None, pattern=r"^\d{2}\.\d{2}\.\d{2}$")
