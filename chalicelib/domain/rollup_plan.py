"""The rollup's plan, without I/O: from the change feed's dirty scopes and the area hierarchy to the
figures to recompute, the stored figures their sums need, and the sums themselves.

A figure is named by a `FigureKey`: its level, its period (a month, quarter or year, or `stock` for
what belongs to no period) and its scope's code. The tenant is not part of it: a regency office's
figures are those of its regency's scopes, and where they are stored is the store's business
(repositories/aggregates.py). The nation is a scope like the others, code `ID`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from chalicelib import areas
from chalicelib.domain.indicators import Stock, sum_figures, sum_stocks
from chalicelib.domain.periods import Period, PeriodKind

STOCK = "stock"
NATION = "ID"  # the nation's scope code
# In a regency's kecamatan level: the regency's own figures that belong to no village (commitments
# without a village), so that the regency is the sum of its kecamatan level.
REGENCY_DIRECT = "regency"
# The change feed's scope for those figures.
REGENCY_SCOPE = "regency"

Figures = Mapping[str, Any]


class FigureKey(NamedTuple):
    """Where one scope's figures for one period are: (level, period, code)."""

    level: str
    period: str
    code: str


def of_tenant(tenant_id: str, key: FigureKey) -> bool:
    """Whether a figure is one a tenant may read and write: its regency's villages and kecamatan (and
    the regency's own figures of no village), and its regency's row; `code` "" names a whole level."""
    if key.level in ("village", "kecamatan"):
        return key.code in ("", REGENCY_DIRECT) or key.code.startswith(tenant_id + ".")
    return key.level == "regency" and key.code == tenant_id


def is_national(key: FigureKey) -> bool:
    """Whether a figure is of the national levels (regencies, provinces, the nation)."""
    return key.level in ("regency", "province", "national")


def periods_of_month(month: str) -> tuple[Period, Period, Period]:
    """The month, its quarter and its year."""
    return Period.all_of(dt.date.fromisoformat(month + "-01"))


def dirty_scopes(marked: Iterable[tuple[str, Iterable[str]]]) -> tuple[dict[str, set[str]], set[str]]:
    """From (month, scopes) pairs of the change feed: the dirty months of each village, and the
    regency's own dirty months."""
    village_months: dict[str, set[str]] = defaultdict(set)
    direct_months: set[str] = set()
    for month, scopes in marked:
        for scope in scopes:
            if scope == REGENCY_SCOPE:
                direct_months.add(month)
            else:
                village_months[scope].add(month)
    return dict(village_months), direct_months


@dataclass
class Touched:
    """The periods a set of recomputed village months (and the regency's own periods) touch: each
    village's quarters and years to re-add, each kecamatan's periods, and the regency's."""

    regency: str
    derived: dict[str, set[Period]] = field(default_factory=lambda: defaultdict(set))
    kecamatan_periods: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    regency_periods: set[str] = field(default_factory=lambda: {STOCK})

    @classmethod
    def of(cls, regency: str, village_months: Mapping[str, set[str]], direct_periods: Iterable[Period]) -> Touched:
        touched = cls(regency)
        for village, months in village_months.items():
            for month in months:
                touched.derived[village].update(periods_of_month(month)[1:])
            periods = {STOCK, *months, *(str(p) for p in touched.derived[village])}
            touched.kecamatan_periods[areas.ancestor(village, areas.Level.KECAMATAN)] |= periods
            touched.regency_periods |= periods
        touched.regency_periods |= {str(p) for p in direct_periods}
        return touched

    def keys(self, village_months: Mapping[str, set[str]]) -> set[FigureKey]:
        """Every stored figure the sums need and every key to be written: the villages' stocks and
        months, all months of each year re-added, the children of every kecamatan and of the regency.
        The children of a kecamatan are its villages in the reference list: the only codes reports
        and commitments may carry (commitments may name villages that are not registered)."""
        keys: set[FigureKey] = set()
        for village, months in village_months.items():
            keys.add(FigureKey("village", STOCK, village))
            keys |= {FigureKey("village", m, village) for m in months}
        for village, periods_of_village in self.derived.items():
            for year in {p.year for p in periods_of_village}:
                keys |= {FigureKey("village", str(m), village) for m in Period(year, PeriodKind.YEAR, 1).months()}
            keys |= {FigureKey("village", str(p), village) for p in periods_of_village}
        for kecamatan, periods in self.kecamatan_periods.items():
            for period in periods:
                keys |= {FigureKey("village", period, v) for v in areas.children(kecamatan)}
                keys.add(FigureKey("kecamatan", period, kecamatan))
        for period in self.regency_periods:
            keys |= {FigureKey("kecamatan", period, k) for k in self._kecamatans()}
            keys.add(FigureKey("regency", period, self.regency))
        return keys

    def _kecamatans(self) -> tuple[str, ...]:
        return (*areas.children(self.regency), REGENCY_DIRECT)

    def sums(
        self,
        current: Callable[[FigureKey], Figures | None],
        sum_months: Callable[[str, list[Figures], Period], dict[str, Any]],
    ) -> dict[FigureKey, dict[str, Any]]:
        """The villages' quarters and years re-added from their months (`sum_months(village, months,
        period)`), then every touched kecamatan and the regency re-summed from their children, each
        read with `current` (recomputed, else stored) after the levels below it are done."""
        fresh: dict[FigureKey, dict[str, Any]] = {}

        def now_of(key: FigureKey) -> Figures | None:
            return fresh.get(key, current(key))

        for village, periods_of_village in self.derived.items():
            for period in periods_of_village:
                months = [now_of(FigureKey("village", str(m), village)) for m in period.months()]
                found = [m for m in months if m]
                fresh[FigureKey("village", str(period), village)] = sum_months(village, found, period)
        for kecamatan, periods in self.kecamatan_periods.items():
            for key in periods:
                children = (now_of(FigureKey("village", key, v)) for v in areas.children(kecamatan))
                fresh[FigureKey("kecamatan", key, kecamatan)] = sum_children([c for c in children if c], key)
        for key in self.regency_periods:
            children = (now_of(FigureKey("kecamatan", key, k)) for k in self._kecamatans())
            fresh[FigureKey("regency", key, self.regency)] = sum_children([c for c in children if c], key)
        return fresh


def national_keys(dirty: Mapping[str, Iterable[str]]) -> set[FigureKey]:
    """For dirty provinces by period: the regencies they sum, every province (the nation sums them
    all) and the nation."""
    provinces = [p.code for p in areas.all_of_level(areas.Level.PROVINCE)]
    keys: set[FigureKey] = set()
    for period, scopes in dirty.items():
        for province in scopes:
            keys |= {FigureKey("regency", period, r) for r in areas.children(province)}
        keys |= {FigureKey("province", period, p) for p in provinces}
        keys.add(FigureKey("national", period, NATION))
    return keys


def national_sums(
    dirty: Mapping[str, Iterable[str]], stored: Mapping[FigureKey, Figures]
) -> dict[FigureKey, dict[str, Any]]:
    """The dirty provinces re-summed from their regencies, and the nation from every province."""
    provinces = [p.code for p in areas.all_of_level(areas.Level.PROVINCE)]
    fresh: dict[FigureKey, dict[str, Any]] = {}
    for period, scopes in sorted(dirty.items()):
        for province in scopes:
            children = (stored.get(FigureKey("regency", period, r)) for r in areas.children(province))
            fresh[FigureKey("province", period, province)] = sum_children([c for c in children if c], period)
        parts = (fresh.get(k, stored.get(k)) for k in (FigureKey("province", period, p) for p in provinces))
        fresh[FigureKey("national", period, NATION)] = sum_children([p for p in parts if p], period)
    return fresh


def _plain_sum(children: list[Figures], period: str) -> dict[str, Any]:
    if period == STOCK:
        return sum_stocks(Stock.from_values(c) for c in children).as_values()
    return dict(sum_figures(children))


def sum_children(children: Iterable[Figures], period: str) -> dict[str, Any]:
    """A parent's figures for a period (or its stock) from its children's, with those of each cohort
    (`by_cohort`: from the villages' `cohort`, or the children's own `by_cohort`)."""
    children = list(children)
    total = _plain_sum(children, period)
    groups: dict[str, list[Figures]] = defaultdict(list)
    for child in children:
        if child.get("cohort"):
            groups[str(child["cohort"])].append(child)
        for cohort, part in (child.get("by_cohort") or {}).items():
            groups[cohort].append(part)
    if groups:
        total["by_cohort"] = {cohort: _plain_sum(parts, period) for cohort, parts in sorted(groups.items())}
    return total
