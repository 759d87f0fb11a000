"""A village's partnerships are read again only when they may have changed (services/rollup_village.py
`_kept_series`), and every way a partnership can change still reaches the stock: a new one, a
correction that moves it to another village or turns it into another type, and a void."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from chalicelib.domain.indicators import Stock
from chalicelib.domain.periods import Period
from chalicelib.domain.reports import Report, ReportContent, ReportType
from chalicelib.domain.rollup_plan import STOCK, FigureKey
from chalicelib.services.rollup import RollupSummary
from chalicelib.services.rollup_tenant import roll_tenant
from tests.contract.test_village_store import _village
from tests.fakes.stores import MemoryStores

GROBOGAN = "33.15"
V1, V2 = "33.15.01.2001", "33.15.01.2002"
NOW = dt.datetime(2026, 11, 20, 3, tzinfo=dt.UTC)
NOVEMBER = Period.parse("2026-11")


def _report(submission_id: str, kind: ReportType, village: str = V1, **fields: Any) -> Report:
    content = ReportContent(village, kind, dt.date(2026, 11, 3), fields)
    return Report.new(tenant_id=GROBOGAN, submission_id=submission_id, content=content, by="k", at=NOW)


@pytest.fixture
def grobogan(world: MemoryStores, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, list[str]]:
    """Grobogan with two villages, and the villages whose partnerships each run read."""
    stores = world.for_tenant(GROBOGAN)
    for code in (V1, V2):
        stores.villages.add(_village(code))
    read: list[str] = []
    kind = type(stores.reports)  # each handle makes its own store object: count them all
    original = kind.partnerships_of

    def counted(self: Any, village_code: str, **kw: Any) -> list[Report]:
        read.append(village_code)
        return original(self, village_code, **kw)

    monkeypatch.setattr(kind, "partnerships_of", counted)
    return stores, read


def _no_facts(tenant_id: str, scope: str, start: dt.date, end: dt.date) -> list[Any]:
    return []


def _roll(stores: Any) -> None:
    roll_tenant(GROBOGAN, stores.changes.pending(), facts=_no_facts, now=NOW, summary=RollupSummary())
    for marker in stores.changes.pending():
        stores.changes.clear(marker, marker.scopes)


def _active(stores: Any, village: str) -> int:
    stock = stores.figures.read_keys([FigureKey("village", STOCK, village)])[FigureKey("village", STOCK, village)]
    return Stock.from_values(stock).partnerships_active(NOVEMBER)


def _change(stores: Any, report: Report, *moved: tuple[str, str]) -> None:
    stores.reports.replace(report, expected_version=report.version - 1)
    stores.changes.mark(moved)


def test_a_village_without_partnerships_is_not_asked_for_them_again(grobogan: tuple[Any, list[str]]) -> None:
    stores, read = grobogan
    stores.reports.add(_report("v-1", ReportType.VISITS, visitors=5))
    stores.changes.mark([("2026-11", V1)])
    _roll(stores)
    assert read == [V1], "no stock stored yet: its partnerships are read"

    stores.reports.add(_report("v-2", ReportType.VISITS, visitors=7))
    stores.changes.mark([("2026-11", V1)])
    _roll(stores)
    assert read == [V1], "a visit changes no partnership: the stored (empty) series is kept"
    assert _active(stores, V1) == 0


def test_a_new_partnership_in_a_dirty_month_is_read_and_then_read_every_time(grobogan: tuple[Any, list[str]]) -> None:
    stores, read = grobogan
    stores.reports.add(_report("v-1", ReportType.VISITS, visitors=5))
    stores.changes.mark([("2026-11", V1)])
    _roll(stores)
    stores.reports.add(_report("p-1", ReportType.PARTNERSHIP))
    stores.changes.mark([("2026-11", V1)])
    _roll(stores)
    assert (read, _active(stores, V1)) == ([V1, V1], 1)

    stores.reports.add(_report("v-2", ReportType.VISITS, visitors=7))
    stores.changes.mark([("2026-11", V1)])
    _roll(stores)
    assert read == [V1, V1, V1], "a village with a partnership reads them whenever it is recomputed"


def _with_partnership(stores: Any) -> Report:
    partnership = _report("p-1", ReportType.PARTNERSHIP)
    stores.reports.add(partnership)
    stores.reports.add(_report("v-2", ReportType.VISITS, village=V2, visitors=3))
    stores.changes.mark([("2026-11", V1), ("2026-11", V2)])
    _roll(stores)
    assert (_active(stores, V1), _active(stores, V2)) == (1, 0)
    return partnership


def test_a_partnership_moved_to_another_village_leaves_the_first_and_reaches_the_second(
    grobogan: tuple[Any, list[str]],
) -> None:
    stores, read = grobogan
    partnership = _with_partnership(stores)
    moved = partnership.corrected(dataclasses.replace(partnership.content, village_code=V2), by="k", at=NOW)
    _change(stores, moved, ("2026-11", V1), ("2026-11", V2))
    read.clear()
    _roll(stores)
    assert sorted(read) == [V1, V2]
    assert (_active(stores, V1), _active(stores, V2)) == (0, 1)


def test_a_partnership_stored_now_as_another_type_is_no_partnership_any_more(grobogan: tuple[Any, list[str]]) -> None:
    """A correction keeps the type, but the rollup counts what is stored, whatever wrote it."""
    stores, _ = grobogan
    partnership = _with_partnership(stores)
    visits = dataclasses.replace(partnership.content, type=ReportType.VISITS, fields={"visitors": 4})
    _change(stores, dataclasses.replace(partnership, content=visits, version=partnership.version + 1), ("2026-11", V1))
    _roll(stores)
    assert _active(stores, V1) == 0


def test_a_void_partnership_counts_no_more(grobogan: tuple[Any, list[str]]) -> None:
    stores, _ = grobogan
    partnership = _with_partnership(stores)
    _change(stores, partnership.voided(by="k", at=NOW), ("2026-11", V1))
    _roll(stores)
    assert _active(stores, V1) == 0


def test_a_visit_moved_in_from_elsewhere_does_not_make_a_village_read_its_partnerships(
    grobogan: tuple[Any, list[str]],
) -> None:
    stores, read = grobogan
    _with_partnership(stores)
    visit = stores.reports.get("v-2")
    moved = visit.corrected(dataclasses.replace(visit.content, village_code=V1), by="k", at=NOW)
    _change(stores, moved, ("2026-11", V2), ("2026-11", V1))
    read.clear()
    _roll(stores)
    assert read == [V1], "V1 has a partnership (read); V2 has none and no partnership in its month"
    assert (_active(stores, V1), _active(stores, V2)) == (1, 0)
