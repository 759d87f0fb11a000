"""One contract for the rollup's stores, run unchanged against the PynamoDB stores (on moto) and the
in-memory twins (tests/fakes): what each must do, including where a careless implementation would
differ (a foreign key, an unchanged figure, a lease held or expired)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from chalicelib.domain.rollup_plan import NATION, REGENCY_DIRECT, STOCK, FigureKey
from chalicelib.stores.rollup import FeedPort, FigurePort, LeasePort
from tests.fakes.rollup_stores import MemoryFeed, MemoryFigures, MemoryLease, MemoryTables

NOW = dt.datetime(2026, 11, 20, 8, tzinfo=dt.UTC)


@dataclass
class Stores:
    tenant: Callable[[str], FigurePort]
    national: Callable[[], FigurePort]
    feed: Callable[[str], FeedPort]
    lease: LeasePort


@pytest.fixture(params=["dynamodb", "memory"])
def stores(request: pytest.FixtureRequest) -> Iterator[Stores]:
    if request.param == "memory":
        tables = MemoryTables()
        yield Stores(
            lambda t: MemoryFigures(tables, t),
            lambda: MemoryFigures(tables),
            lambda t: MemoryFeed(tables, t),
            MemoryLease(tables),
        )
        return
    request.getfixturevalue("aws")
    from chalicelib.repositories.aggregates import national_figures, tenant_figures
    from chalicelib.repositories.jobs import JobLeases
    from chalicelib.repositories.rollup_feeds import TenantFeed

    yield Stores(tenant_figures, national_figures, TenantFeed, JobLeases())


def test_figures_written_are_read_back_by_key_and_by_level(stores: Stores) -> None:
    grobogan = stores.tenant("33.15")
    items = {
        FigureKey("village", "2026-11", "33.15.01.2001"): {"visits": 3},
        FigureKey("kecamatan", "2026-11", REGENCY_DIRECT): {"commitments_fulfilled": 1},
        FigureKey("regency", "2026-11", "33.15"): {"visits": 3},
    }
    assert grobogan.write(items, now=NOW, stored={}) == 3
    assert {k: dict(v) for k, v in grobogan.read_keys(items).items()} == items
    assert {k: dict(v) for k, v in grobogan.read_level("village", "2026-11").items()} == {
        "33.15.01.2001": {"visits": 3}
    }
    assert grobogan.read_keys([FigureKey("village", "2026-10", "33.15.01.2001")]) == {}, "absent keys are left out"
    # the regency's row is the national level's, and a tenant reads only its own row of it
    stores.national().write({FigureKey("regency", "2026-11", "33.18"): {"visits": 1}}, now=NOW, stored={})
    assert set(stores.national().read_level("regency", "2026-11")) == {"33.15", "33.18"}
    assert set(grobogan.read_level("regency", "2026-11")) == {"33.15"}


def test_an_unchanged_figure_is_not_written_again(stores: Stores) -> None:
    store = stores.tenant("33.15")
    key = FigureKey("village", STOCK, "33.15.01.2001")
    store.write({key: {"villages_registered": 1}}, now=NOW, stored={})
    read = store.read_keys([key])
    assert store.write({key: {"villages_registered": 1}}, now=NOW, stored=read) == 0
    assert store.write({key: {"villages_registered": 0}}, now=NOW, stored=read) == 1
    assert dict(store.read_keys([key])[key]) == {"villages_registered": 0}


@pytest.mark.parametrize(
    "key",
    [
        FigureKey("village", "2026-11", "33.18.01.2001"),
        FigureKey("kecamatan", "2026-11", "33.18.01"),
        FigureKey("regency", "2026-11", "33.18"),
        FigureKey("province", "2026-11", "33"),
        FigureKey("national", "2026-11", NATION),
        FigureKey("village", "2026-11", "33.150.01.2001"),
    ],
)
def test_a_tenant_s_store_refuses_figures_that_are_not_of_its_regency(stores: Stores, key: FigureKey) -> None:
    grobogan = stores.tenant("33.15")
    with pytest.raises(ValueError):
        grobogan.read_keys([key])
    with pytest.raises(ValueError):
        grobogan.write({key: {"visits": 1}}, now=NOW, stored={})


def test_the_national_store_refuses_a_tenant_s_levels(stores: Stores) -> None:
    for level in ("village", "kecamatan"):
        with pytest.raises(ValueError):
            stores.national().read_level(level, "2026-11")
    with pytest.raises(ValueError):
        stores.tenant("33.15").read_level("province", "2026-11")


def test_a_feed_collects_a_tenant_s_changes_by_month_apart_from_other_tenants(stores: Stores) -> None:
    grobogan, pati = stores.feed("33.15"), stores.feed("33.18")
    many = [("2026-11", f"33.15.01.{2000 + i}") for i in range(150)]
    assert grobogan.mark([*many, ("2026-10", "regency"), ("2026-11", "33.15.01.2000")], now=NOW) == 3
    pati.mark([("2026-11", "33.18.01.2001")], now=NOW)
    months = {m.month: set(m.scopes) for m in grobogan.pending()}
    assert months == {"2026-10": {"regency"}, "2026-11": {scope for _, scope in many}}
    assert [(m.month, set(m.scopes)) for m in pati.pending()] == [("2026-11", {"33.18.01.2001"})]


def test_one_lease_holder_at_a_time_until_it_gives_it_back_or_its_time_is_up(stores: Stores) -> None:
    lease = stores.lease
    assert lease.acquire_lease("rollup", holder="a", now=NOW, seconds=60)
    assert not lease.acquire_lease("rollup", holder="b", now=NOW + dt.timedelta(seconds=30), seconds=60)
    lease.release_lease("rollup", holder="b")  # not b's: nothing happens
    assert not lease.acquire_lease("rollup", holder="b", now=NOW + dt.timedelta(seconds=30), seconds=60)
    assert lease.acquire_lease("other-job", holder="b", now=NOW, seconds=60), "each job has its own"
    assert lease.acquire_lease("rollup", holder="b", now=NOW + dt.timedelta(seconds=61), seconds=60)
    lease.release_lease("rollup", holder="b")
    assert lease.acquire_lease("rollup", holder="c", now=NOW + dt.timedelta(seconds=62), seconds=60)
