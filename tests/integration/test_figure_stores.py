"""The figure stores are bound to what their caller may see: a tenant's store names only its regency's
figures, the national store only the national levels; the change feed is bound the same way."""

from __future__ import annotations

import datetime as dt

import pytest

from chalicelib.domain.rollup_plan import NATION, REGENCY_DIRECT, STOCK, FigureKey
from chalicelib.repositories import changes
from chalicelib.repositories.aggregates import national_figures, tenant_figures

NOW = dt.datetime(2026, 11, 20, tzinfo=dt.UTC)


def test_a_tenant_s_figures_are_read_back_by_key_and_by_level(aws: None) -> None:
    grobogan = tenant_figures("33.15")
    items = {
        FigureKey("village", "2026-11", "33.15.01.2001"): {"visits": 3},
        FigureKey("kecamatan", "2026-11", "33.15.01"): {"visits": 3},
        FigureKey("kecamatan", "2026-11", REGENCY_DIRECT): {"commitments_fulfilled": 1},
        FigureKey("regency", "2026-11", "33.15"): {"visits": 3},
    }
    assert grobogan.write(items, now=NOW, stored={}) == 4
    assert grobogan.read_keys(items) == items
    assert grobogan.read_level("village", "2026-11") == {"33.15.01.2001": {"visits": 3}}
    assert grobogan.read_level("regency", "2026-11") == {"33.15": {"visits": 3}}
    # the regency's row is the national regency level's
    assert national_figures().read_level("regency", "2026-11") == {"33.15": {"visits": 3}}
    assert grobogan.write(items, now=NOW, stored=grobogan.read_keys(items)) == 0, "unchanged figures are not rewritten"


def test_a_tenant_s_store_cannot_name_another_tenant_s_figures_nor_the_national_levels(aws: None) -> None:
    grobogan, pati = tenant_figures("33.15"), tenant_figures("33.18")
    pati.write({FigureKey("village", "2026-11", "33.18.01.2001"): {"visits": 9}}, now=NOW, stored={})
    refused = [
        FigureKey("village", "2026-11", "33.18.01.2001"),
        FigureKey("kecamatan", "2026-11", "33.18.01"),
        FigureKey("regency", "2026-11", "33.18"),
        FigureKey("province", "2026-11", "33"),
        FigureKey("national", "2026-11", NATION),
        FigureKey("village", "2026-11", "33.150.01.2001"),  # a prefix is not a parent
    ]
    for key in refused:
        with pytest.raises(ValueError):
            grobogan.read_keys([key])
        with pytest.raises(ValueError):
            grobogan.write({key: {"visits": 1}}, now=NOW, stored={})
    assert grobogan.read_level("village", "2026-11") == {}
    assert pati.read_level("village", "2026-11") == {"33.18.01.2001": {"visits": 9}}


def test_the_national_store_holds_only_the_national_levels(aws: None) -> None:
    store = national_figures()
    with pytest.raises(ValueError):
        store.read_keys([FigureKey("village", STOCK, "33.15.01.2001")])
    store.write({FigureKey("national", STOCK, NATION): {"villages_registered": 2}}, now=NOW, stored={})
    assert store.read_level("national", STOCK) == {NATION: {"villages_registered": 2}}


def test_the_national_step_has_a_feed_of_its_own_and_the_nation_is_no_tenant(aws: None) -> None:
    changes.feed("33.15").mark([("2026-11", "33.15.01.2001")], now=NOW)
    changes.national_feed().mark("33", ["2026-11", "2026-Q4"], now=NOW)
    assert [(m.tenant_id, m.month, set(m.scopes)) for m in changes.pending()] == [
        ("33.15", "2026-11", {"33.15.01.2001"})
    ]
    assert sorted((m.month, tuple(m.scopes)) for m in changes.national_feed().pending()) == [
        ("2026-11", ("33",)),
        ("2026-Q4", ("33",)),
    ]
    with pytest.raises(ValueError):
        changes.feed(NATION)
