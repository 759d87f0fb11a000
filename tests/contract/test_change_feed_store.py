"""The change feed as a tenant's handle gives it (the rollup's FeedPort; tests/contract/test_rollup_stores.py
holds its paging by hundreds), and the platform's scan of non-canonical report ids, on DynamoDB and in
memory; then what the markers' storage shape guarantees on DynamoDB."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable

import pytest

from chalicelib.domain.reports import Report, ReportContent, ReportType
from chalicelib.repositories.changes import Span, clear, pending
from chalicelib.stores import PlatformStores, TenantStores, for_tenant, platform
from tests.contract.conftest import StoresOf
from tests.fakes.stores import MemoryStores
from tests.support.dynamo_counter import counting_dynamodb

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


# What the markers' storage shape must guarantee on DynamoDB (a dict has no item sizes or partitions).


def test_a_burst_of_marks_for_500_villages_of_one_tenant_writes_no_item_above_4_kb(aws: None) -> None:
    villages = [f"11.08.{k:02d}.{2001 + v}" for k in range(1, 6) for v in range(100)]  # 500, some past 2099
    feed = for_tenant("11.08").changes
    feed.mark([("2026-11", "regency")], now=NOW)
    with counting_dynamodb(bill_writes=True) as counter:
        for start in range(0, 500, 20):  # phones of 25 villages posting one after another
            feed.mark([("2026-11", v) for v in villages[start : start + 20]], now=NOW)
        feed.mark([("2026-11", v) for v in villages], now=NOW)  # and a rebuild marking them all at once
    assert 0 < counter.largest_item_written <= 4096
    (marker,) = feed.pending()
    assert set(marker.scopes) == {"regency", *villages}


def test_markers_of_different_tenants_land_on_different_partition_keys(aws: None) -> None:
    from chalicelib.areas import Level, all_of_level
    from chalicelib.repositories.changes import _partition

    for tenant in (A, B):
        for_tenant(tenant).changes.mark([("2026-11", f"{tenant}.01.2001")], now=NOW)
    with counting_dynamodb() as counter:
        assert [m.tenant_id for m in for_tenant(A).changes.pending()] == [A]
    assert counter.read_requests <= 2, "a tenant's feed reads its own shard (and the earlier shape's partition)"
    assert _partition(A) != _partition(B)
    assert len({_partition(f"33.{k:02d}") for k in range(1, 17)}) == 16, "a province's regencies are spread"
    regencies = [area.code for area in all_of_level(Level.REGENCY)]
    per_key = Counter(_partition(code) for code in regencies)
    assert len(per_key) >= 16 and max(per_key.values()) <= len(regencies) / 8, per_key


def test_clearing_keeps_a_scope_marked_again_meanwhile(aws: None) -> None:
    feed = for_tenant(A).changes
    feed.mark([("2026-11", f"{A}.01.2001"), ("2026-11", f"{A}.01.2002"), ("2026-11", "regency")], now=NOW)
    (seen,) = feed.pending()
    feed.mark([("2026-11", f"{A}.01.2002")], now=NOW)  # a newer change, after the rollup read the feed
    assert clear(seen, seen.scopes) == 2
    assert [set(m.scopes) for m in feed.pending()] == [{f"{A}.01.2002"}]
    (again,) = feed.pending()
    assert clear(again, again.scopes) == 1
    assert feed.pending() == [] and pending() == []


def test_marking_as_of_an_earlier_clock_keeps_the_time_of_a_later_change(aws: None) -> None:
    feed, month, later = for_tenant(A).changes, "2026-11", NOW + dt.timedelta(seconds=30)
    feed.mark([(month, f"{A}.01.2001")], now=later)  # a report, after the plan of a rebuild
    with counting_dynamodb() as counter:
        feed.mark([(month, f"{A}.01.2001"), (month, f"{A}.01.2002")], now=NOW)  # the rebuild, as of its plan

    (marker,) = feed.pending()
    assert (marker.touched_at, set(marker.scopes)) == (later, {f"{A}.01.2001", f"{A}.01.2002"})
    assert counter.requests["UpdateItem"] == 4, "tried forwards, as new, as past its window, then its tokens alone"
    feed.mark([(month, f"{A}.01.2003")], now=later + dt.timedelta(seconds=1))
    assert feed.pending()[0].touched_at == later + dt.timedelta(seconds=1), "forwards as ever"


def test_a_change_is_announced_when_it_opens_an_item_or_finds_it_past_the_settle_window(aws: None) -> None:
    from chalicelib.config import get_settings
    from chalicelib.repositories.changes import feed

    settle = dt.timedelta(seconds=get_settings().rollup_settle_seconds)
    grobogan, month = feed(A), "2026-11"
    assert grobogan.mark([(month, f"{A}.01.2001")], now=NOW).announced == 1, "it opened the item"
    within = grobogan.mark([(month, f"{A}.01.2002")], now=NOW + settle / 2)
    assert (within.writes, within.announced) == (1, 0), "a burst into one item is announced once"
    # a plan read the item and will clear only what it read: a change landing now must ask for another
    late = NOW + settle / 2 + settle + dt.timedelta(seconds=1)
    assert grobogan.mark([(month, f"{A}.01.2003")], now=late).announced == 1
    assert grobogan.mark([(month, f"{A}.01.2004")], now=late + dt.timedelta(seconds=1)).announced == 0
    (marker,) = grobogan.pending()
    assert marker.spans == (Span(NOW, late, late + dt.timedelta(seconds=1)),), "opened, announced late, last"


def test_a_change_whose_plan_was_lost_waits_from_itself_past_a_later_announced_one(aws: None) -> None:
    from chalicelib.config import get_settings
    from chalicelib.repositories.changes import feed
    from chalicelib.services.rollup_runs import waited

    settle = get_settings().rollup_settle_seconds
    grobogan, month, window = feed(A), "2026-11", dt.timedelta(seconds=settle)
    grobogan.mark([(month, f"{A}.01.2001")], now=NOW)  # its plan never came
    assert grobogan.mark([(month, f"{A}.01.2002")], now=NOW + 5 * window).announced == 1

    (marker,) = grobogan.pending()
    assert waited([marker], now=NOW + 7 * window, settle=settle, previous=NOW - window) == 6 * settle


def test_a_tenant_month_s_items_keep_their_own_span_of_changes(aws: None) -> None:
    from chalicelib.repositories.changes import feed

    grobogan, month = feed(A), "2026-11"
    a_week_later = NOW + dt.timedelta(days=7)  # the first item kept meanwhile (a failed village)
    grobogan.mark([(month, f"{A}.01.2001")], now=NOW)
    grobogan.mark([(month, f"{A}.02.2001")], now=a_week_later)
    grobogan.mark([(month, f"{A}.02.2002")], now=a_week_later + dt.timedelta(seconds=1))

    (marker,) = grobogan.pending()
    assert marker.touched_at == a_week_later + dt.timedelta(seconds=1)
    assert sorted(marker.spans, key=lambda span: span.opened) == [
        Span(NOW, NOW, NOW),
        Span(a_week_later, a_week_later, a_week_later + dt.timedelta(seconds=1)),
    ]


def test_a_change_landing_on_an_item_a_rollup_has_just_emptied_opens_it_again(aws: None) -> None:
    from chalicelib.repositories.changes import ChangeMarker, feed

    grobogan, month, later = feed(A), "2026-11", NOW + dt.timedelta(seconds=1)
    grobogan.mark([(month, f"{A}.01.2001")], now=NOW)
    (seen,) = grobogan.pending()
    [item] = list(ChangeMarker.scan())
    item.update(actions=[ChangeMarker.scopes.set({})])  # the rollup's last removal, before its delete

    assert grobogan.mark([(month, f"{A}.01.2002")], now=later).announced == 1
    assert clear(seen, seen.scopes) == 0, "the item holds the new change: neither cleared nor deleted"
    (marker,) = grobogan.pending()
    assert (set(marker.scopes), marker.spans) == ({f"{A}.01.2002"}, (Span(later, later, later),))


def test_markers_of_the_earlier_shape_are_read_and_moved(aws: None) -> None:
    from chalicelib.repositories.changes import ChangeMarker

    ChangeMarker("dirty", f"{A}#2026-10", scopes={f"{A}.01.2001": "t1", "regency": "t2"}, touched_at=NOW).save()
    assert [(m.tenant_id, m.month, set(m.scopes)) for m in pending()] == [(A, "2026-10", {f"{A}.01.2001", "regency"})]
    assert list(ChangeMarker.query("dirty")) == [], "moved: the earlier partition is empty"
    (marker,) = for_tenant(A).changes.pending()
    assert clear(marker, marker.scopes) == 2
    assert pending() == []
