"""The village service's rules, on the in-memory stores (no moto)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from chalicelib.domain.principal import Principal, Role
from chalicelib.errors import InvalidInputError, NotFoundError, PermissionDeniedError
from chalicelib.services import villages
from tests.fakes.report_stores import Marked
from tests.fakes.stores import MemoryStores

GROBOGAN, PATI = "33.15", "33.18"
V1, V2, V3 = "33.15.01.2001", "33.15.01.2002", "33.15.02.2001"
PATI_VILLAGE = "33.18.01.2001"
ADMIN = Principal(key_id="admin", role=Role.DISTRICT_ADMIN, tenant_id=GROBOGAN)
PATI_ADMIN = Principal(key_id="pati", role=Role.DISTRICT_ADMIN, tenant_id=PATI)
OPERATOR = Principal(key_id="op", role=Role.OPERATOR, tenant_id=GROBOGAN, villages=frozenset({V1}))
NOW = dt.datetime(2026, 11, 20, 3, 0, tzinfo=dt.UTC)  # 10:00 in Grobogan (WIB)


@dataclass
class Body:
    library_name: str = "Perpusdes Sumber Ilmu"
    joined_year: int | None = None
    joined_on: dt.date | None = None
    cohort: str | None = None


def test_registering_a_new_village_stores_it_and_announces_it_for_the_local_month(
    world: MemoryStores, marked: Marked
) -> None:
    village, created = villages.register(principal=ADMIN, village_code=V1, data=Body(joined_year=2024), now=NOW)

    assert created is True
    assert world.for_tenant(GROBOGAN).villages.get(V1) == village
    assert (village.library_name, village.joined_year, village.created_at) == ("Perpusdes Sumber Ilmu", 2024, NOW)
    assert marked == [(GROBOGAN, "2026-11", V1)]


def test_registering_again_updates_the_details_and_keeps_the_creation_time(world: MemoryStores, marked: Marked) -> None:
    villages.register(principal=ADMIN, village_code=V1, data=Body(), now=NOW)
    later = NOW + dt.timedelta(days=2)

    village, created = villages.register(principal=ADMIN, village_code=V1, data=Body("Baru", cohort="c1"), now=later)

    assert created is False
    assert (village.library_name, village.cohort, village.created_at, village.updated_at) == ("Baru", "c1", NOW, later)


def test_a_code_outside_the_regency_is_refused_and_nothing_is_stored_or_announced(
    world: MemoryStores, marked: Marked
) -> None:
    with pytest.raises(InvalidInputError):
        villages.register(principal=ADMIN, village_code=PATI_VILLAGE, data=Body(), now=NOW)

    assert world.for_tenant(GROBOGAN).villages.all_codes() == []
    assert world.for_tenant(PATI).villages.all_codes() == []
    assert marked == []


@pytest.mark.parametrize(
    "body",
    [Body(joined_year=2023, joined_on=dt.date(2024, 1, 5)), Body(joined_on=dt.date(2026, 11, 21))],
    ids=["year and date disagree", "joined after the local today"],
)
def test_a_joined_date_that_cannot_be_true_is_refused(world: MemoryStores, marked: Marked, body: Body) -> None:
    with pytest.raises(InvalidInputError):
        villages.register(principal=ADMIN, village_code=V1, data=body, now=NOW)

    assert world.for_tenant(GROBOGAN).villages.get(V1) is None


def test_a_date_alone_also_sets_the_joined_year(world: MemoryStores, marked: Marked) -> None:
    village, _ = villages.register(principal=ADMIN, village_code=V1, data=Body(joined_on=dt.date(2025, 3, 4)), now=NOW)

    assert (village.joined_year, village.joined_on) == (2025, dt.date(2025, 3, 4))


def test_only_the_district_admin_registers(world: MemoryStores, marked: Marked) -> None:
    with pytest.raises(PermissionDeniedError):
        villages.register(principal=OPERATOR, village_code=V1, data=Body(), now=NOW)


def test_deactivating_twice_deactivates_once_as_of_the_local_day(world: MemoryStores, marked: Marked) -> None:
    villages.register(principal=ADMIN, village_code=V1, data=Body(), now=NOW)
    first = villages.deactivate(principal=ADMIN, village_code=V1, now=NOW)

    second = villages.deactivate(principal=ADMIN, village_code=V1, now=NOW + dt.timedelta(days=3))

    assert first.deactivated_on == dt.date(2026, 11, 20)
    assert second == first
    assert world.for_tenant(GROBOGAN).villages.get(V1) == first
    assert marked == [(GROBOGAN, "2026-11", V1)] * 2  # registration and the one deactivation


def test_deactivating_or_recording_a_baseline_for_an_unregistered_village_is_not_found(
    world: MemoryStores, marked: Marked
) -> None:
    with pytest.raises(NotFoundError):
        villages.deactivate(principal=ADMIN, village_code=V1, now=NOW)
    with pytest.raises(NotFoundError):
        villages.record_baseline(principal=ADMIN, village_code=V1, monthly={"visits": 3}, source="s", now=NOW)

    assert marked == []


def test_a_recorded_baseline_names_who_recorded_it_and_can_be_removed(world: MemoryStores, marked: Marked) -> None:
    villages.register(principal=ADMIN, village_code=V1, data=Body(), now=NOW)

    recorded = villages.record_baseline(
        principal=ADMIN, village_code=V1, monthly={"visits": 20.0}, source="survei", now=NOW
    )
    removed = villages.record_baseline(principal=ADMIN, village_code=V1, monthly=None, source=None, now=NOW)

    assert recorded.baseline is not None
    assert (recorded.baseline.monthly, recorded.baseline.recorded_by) == ({"visits": 20.0}, "admin")
    assert removed.baseline is None
    assert world.for_tenant(GROBOGAN).villages.get(V1) == removed


def test_an_operator_sees_only_its_own_villages(world: MemoryStores, marked: Marked) -> None:
    for code in (V1, V2, V3):
        villages.register(principal=ADMIN, village_code=code, data=Body(), now=NOW)

    listed, cursor = villages.page(principal=OPERATOR, limit=10, cursor=None)

    assert ([v.village_code for v in listed], cursor) == ([V1], None)
    assert villages.get(principal=OPERATOR, village_code=V1).village_code == V1
    with pytest.raises(NotFoundError):
        villages.get(principal=OPERATOR, village_code=V2)


def test_a_kecamatan_lists_only_its_villages(world: MemoryStores, marked: Marked) -> None:
    for code in (V1, V2, V3):
        villages.register(principal=ADMIN, village_code=code, data=Body(), now=NOW)

    listed, _ = villages.page(principal=ADMIN, limit=10, cursor=None, kecamatan_code="33.15.02")

    assert [v.village_code for v in listed] == [V3]


def test_another_regencys_admin_finds_none_of_them(world: MemoryStores, marked: Marked) -> None:
    villages.register(principal=ADMIN, village_code=V1, data=Body(), now=NOW)

    with pytest.raises(NotFoundError):
        villages.get(principal=PATI_ADMIN, village_code=V1)
    assert villages.page(principal=PATI_ADMIN, limit=10, cursor=None) == ([], None)
    with pytest.raises(NotFoundError):
        villages.deactivate(principal=PATI_ADMIN, village_code=V1, now=NOW)
