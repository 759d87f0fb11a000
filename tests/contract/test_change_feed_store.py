"""The change feed as a tenant's handle gives it (the rollup's FeedPort; tests/contract/test_rollup_stores.py
holds its paging by hundreds), and the platform's scan of non-canonical report ids, on DynamoDB and in
memory."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from chalicelib.domain.reports import Report, ReportContent, ReportType
from chalicelib.stores import PlatformStores, TenantStores, for_tenant, platform
from tests.contract.conftest import StoresOf
from tests.fakes.stores import MemoryStores

A, B = "33.15", "33.22"
NOW = dt.datetime(2026, 11, 20, 8, tzinfo=dt.UTC)


def test_a_handle_s_feed_is_its_tenant_s_and_marks_each_scope_once_per_month(stores_of: StoresOf) -> None:
    grobogan, other = stores_of(A).changes, stores_of(B).changes

    assert grobogan.tenant_id == A
    assert (
        grobogan.mark([("2026-11", f"{A}.01.2001"), ("2026-11", f"{A}.01.2001"), ("2026-10", "regency")], now=NOW) == 2
    )
    assert grobogan.mark([], now=NOW) == 0, "nothing to announce: nothing written"

    assert {(m.month, frozenset(m.scopes)) for m in stores_of(A).changes.pending()} == {
        ("2026-11", frozenset({f"{A}.01.2001"})),
        ("2026-10", frozenset({"regency"})),
    }
    assert other.pending() == []


@pytest.fixture(params=["dynamodb", "memory"])
def world(request: pytest.FixtureRequest) -> tuple[Callable[[str], TenantStores], PlatformStores]:
    if request.param == "dynamodb":
        request.getfixturevalue("aws")
        return for_tenant, platform()
    memory = MemoryStores()
    return memory.for_tenant, memory.platform()


def test_the_platform_scan_finds_every_tenant_s_ids_that_are_not_lower_case(
    world: tuple[Callable[[str], TenantStores], PlatformStores],
) -> None:
    stores_of, platform_stores = world
    content = ReportContent(f"{A}.01.2001", ReportType.VISITS, dt.date(2026, 11, 2), {"visitors": 1})
    for tenant, sid in [(A, "ABC"), (A, "abc"), (B, "Xy"), (B, "lower")]:
        stores_of(tenant).reports.add(Report.new(tenant_id=tenant, submission_id=sid, content=content, by="k", at=NOW))

    assert sorted(platform_stores.report_ids.non_canonical_ids()) == [(A, "ABC"), (B, "Xy")]
