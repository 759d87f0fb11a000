"""The rollup's plan without AWS: from the change feed's dirty scopes and the area hierarchy to the
figures to recompute, the stored figures their sums need, and the sums."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chalicelib import areas
from chalicelib.domain.indicators import zero
from chalicelib.domain.periods import Period
from chalicelib.domain.rollup_plan import (
    NATION,
    REGENCY_DIRECT,
    REGENCY_SCOPE,
    STOCK,
    FigureKey,
    Touched,
    dirty_scopes,
    national_keys,
    national_sums,
    periods_of_month,
    sum_children,
)

REGENCY = "33.15"
KECAMATAN = "33.15.01"
VILLAGE, NEIGHBOUR = "33.15.01.2001", "33.15.01.2002"


def visits(n: int, reporting: int = 1) -> dict[str, Any]:
    return zero() | {"visits": n, "villages_reporting": reporting}


def test_the_feed_s_scopes_split_into_village_months_and_the_regency_s_own_months() -> None:
    village_months, direct = dirty_scopes(
        [("2026-11", [VILLAGE, REGENCY_SCOPE]), ("2026-10", [VILLAGE]), ("2026-10", [NEIGHBOUR])]
    )
    assert village_months == {VILLAGE: {"2026-10", "2026-11"}, NEIGHBOUR: {"2026-10"}}
    assert direct == {"2026-11"}
    assert dirty_scopes([]) == ({}, set())


def test_a_month_belongs_to_its_quarter_and_its_year() -> None:
    assert [str(p) for p in periods_of_month("2026-11")] == ["2026-11", "2026-Q4", "2026"]
    assert [str(p) for p in periods_of_month("2027-01")] == ["2027-01", "2027-Q1", "2027"]


def test_a_dirty_village_month_touches_its_quarter_year_kecamatan_and_regency() -> None:
    touched = Touched.of(REGENCY, {VILLAGE: {"2026-11"}}, [])
    assert {str(p) for p in touched.derived[VILLAGE]} == {"2026-Q4", "2026"}
    assert dict(touched.kecamatan_periods) == {KECAMATAN: {STOCK, "2026-11", "2026-Q4", "2026"}}
    assert touched.regency_periods == {STOCK, "2026-11", "2026-Q4", "2026"}


def test_the_regency_s_own_periods_touch_only_the_regency() -> None:
    touched = Touched.of(REGENCY, {}, periods_of_month("2026-11"))
    assert touched.regency_periods == {STOCK, "2026-11", "2026-Q4", "2026"}
    assert not touched.derived and not touched.kecamatan_periods


def test_the_planned_keys_are_what_the_sums_need_and_stay_inside_the_regency() -> None:
    months = {VILLAGE: {"2026-11"}}
    keys = Touched.of(REGENCY, months, []).keys(months)
    # the village's stock, and every month of its year (a year is re-added from its twelve months)
    assert FigureKey("village", STOCK, VILLAGE) in keys
    assert {FigureKey("village", f"2026-{m:02d}", VILLAGE) for m in range(1, 13)} <= keys
    # every village of the kecamatan in the reference list, for every touched period
    for village in areas.children(KECAMATAN):
        assert {FigureKey("village", p, village) for p in (STOCK, "2026-11", "2026-Q4", "2026")} <= keys
    # every kecamatan of the regency and the regency's own figures, and the regency itself
    for kecamatan in (*areas.children(REGENCY), REGENCY_DIRECT):
        assert FigureKey("kecamatan", "2026-11", kecamatan) in keys
    assert FigureKey("regency", "2026-11", REGENCY) in keys
    outside = [k for k in keys if k.code not in (REGENCY, REGENCY_DIRECT) and not k.code.startswith(REGENCY + ".")]
    assert outside == []
    assert all(k.level in ("village", "kecamatan", "regency") for k in keys)
    # nothing of another year or of periods nobody touched
    assert not any(k.period.startswith("2025") for k in keys)
    assert FigureKey("kecamatan", "2026-Q3", KECAMATAN) not in keys


def test_the_sums_re_add_quarters_from_months_and_parents_from_children_fresh_before_stored() -> None:
    months = {VILLAGE: {"2026-11"}}
    touched = Touched.of(REGENCY, months, [])
    stored: dict[FigureKey, Mapping[str, Any]] = {
        FigureKey("village", "2026-10", VILLAGE): visits(4),
        FigureKey("village", "2026-11", VILLAGE): visits(99),  # stale: recomputed below
        FigureKey("village", "2026-11", NEIGHBOUR): visits(7),
        FigureKey("kecamatan", "2026-11", "33.15.02"): visits(100),
        FigureKey("kecamatan", "2026-11", REGENCY_DIRECT): zero() | {"commitments_fulfilled": 2},
    }
    fresh = {FigureKey("village", "2026-11", VILLAGE): visits(10)}
    seen: list[tuple[str, int, str]] = []

    def sum_months(village: str, figures: list[Mapping[str, Any]], period: Period) -> dict[str, Any]:
        seen.append((village, len(figures), str(period)))
        return dict(visits(sum(f["visits"] for f in figures)))

    sums = touched.sums(lambda key: fresh.get(key, stored.get(key)), sum_months)
    assert sums[FigureKey("village", "2026-Q4", VILLAGE)]["visits"] == 14  # 4 + 10, not the stale 99
    assert sums[FigureKey("village", "2026", VILLAGE)]["visits"] == 14
    assert sorted(seen) == [(VILLAGE, 2, "2026"), (VILLAGE, 2, "2026-Q4")]
    kecamatan = sums[FigureKey("kecamatan", "2026-11", KECAMATAN)]
    assert (kecamatan["visits"], kecamatan["villages_reporting"]) == (17, 2)
    regency = sums[FigureKey("regency", "2026-11", REGENCY)]
    assert (regency["visits"], regency["commitments_fulfilled"]) == (117, 2)
    # the quarter of the kecamatan sums the villages' re-added quarters
    assert sums[FigureKey("kecamatan", "2026-Q4", KECAMATAN)]["visits"] == 14


def test_the_national_step_sums_dirty_provinces_from_regencies_and_the_nation_from_every_province() -> None:
    dirty = {"2026-11": ["33"]}
    keys = national_keys(dirty)
    assert {FigureKey("regency", "2026-11", r) for r in areas.children("33")} <= keys
    provinces = {p.code for p in areas.all_of_level(areas.Level.PROVINCE)}
    assert {k.code for k in keys if k.level == "province"} == provinces
    assert FigureKey("national", "2026-11", NATION) in keys
    stored: dict[FigureKey, Mapping[str, Any]] = {
        FigureKey("regency", "2026-11", "33.15"): visits(10),
        FigureKey("regency", "2026-11", "33.18"): visits(5),
        FigureKey("province", "2026-11", "33"): visits(1000),  # stale
        FigureKey("province", "2026-11", "11"): visits(3),
    }
    sums = national_sums(dirty, stored)
    assert set(sums) == {FigureKey("province", "2026-11", "33"), FigureKey("national", "2026-11", NATION)}
    assert sums[FigureKey("province", "2026-11", "33")]["visits"] == 15
    assert sums[FigureKey("national", "2026-11", NATION)]["visits"] == 18  # 15 fresh + 3 stored
    assert national_sums({}, stored) == {}


def test_a_parent_keeps_the_figures_of_each_cohort_of_its_villages() -> None:
    a = visits(10) | {"cohort": "perpuseru-2016"}
    b = visits(4) | {"cohort": "replikasi-2019"}
    c = visits(1)  # no cohort: in the total only
    kecamatan = sum_children([a, b, c], "2026-11")
    assert kecamatan["visits"] == 15
    assert {k: v["visits"] for k, v in kecamatan["by_cohort"].items()} == {"perpuseru-2016": 10, "replikasi-2019": 4}
    other = sum_children([visits(2) | {"cohort": "replikasi-2019"}], "2026-11")
    regency = sum_children([kecamatan, other], "2026-11")
    assert {k: v["visits"] for k, v in regency["by_cohort"].items()} == {"perpuseru-2016": 10, "replikasi-2019": 6}
    assert "by_cohort" not in sum_children([c], "2026-11")


def test_a_parent_s_stock_adds_up_registered_villages() -> None:
    stock = sum_children([{"villages_registered": 1}, {"villages_registered": 0}, {"villages_registered": 1}], STOCK)
    assert stock["villages_registered"] == 2
