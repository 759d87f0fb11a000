"""The rollup benchmark's foundations, quickly: moto's query speed-up answers like stock moto, and an
incremental rollup's reads do not grow when history grows tenfold (counts, not times)."""

from __future__ import annotations

import random
from typing import Any

from benchmarks import rollup as bench
from benchmarks.moto_index import indexed_queries
from chalicelib import areas

TENANT = "33.15"


def _villages() -> list[str]:
    return [v for kecamatan in areas.children(TENANT)[:2] for v in areas.children(kecamatan)]


def _queries() -> dict[str, Any]:
    """Answers of the queries the rollup and the API make, on a table and on every GSI, paged too."""
    from chalicelib.repositories.aggregates import AggregateStore, partition
    from chalicelib.repositories.reports import ReportRecord, ReportRepository

    village = _villages()[0]
    repo = ReportRepository(tenant_id=TENANT)
    first, cursor = repo.page(
        village_codes=None,
        village_code=None,
        report_type=None,
        start=None,
        end=None,
        include_void=True,
        limit=7,
        cursor=None,
    )
    second, _ = repo.page(
        village_codes=None,
        village_code=None,
        report_type=None,
        start=None,
        end=None,
        include_void=True,
        limit=7,
        cursor=cursor,
    )
    month = bench.NOW.date().replace(day=1)
    return {
        "pages": [r.submission_id for r in first + second],
        "village": [r.submission_id for r in repo.in_village_between(village, month, bench.NOW.date())],
        "partnerships": [r.submission_id for v in _villages() for r in repo.partnerships_of(v)],
        "table": sorted(r.submission_id for r in ReportRecord.query(TENANT)),
        "aggregates": AggregateStore().read_partition(partition(TENANT, "village", bench.MONTH)),
    }


def test_indexed_queries_answer_exactly_like_stock_moto(aws: None) -> None:
    rng = random.Random(3)
    with indexed_queries():
        bench.add_tenants([TENANT])
        bench.register_villages(_villages())
        bench.store_reports(bench.make_reports(rng, _villages(), 120, (1, 27)))
        bench.measure("first", 120, 0)
        bench.store_reports(bench.make_reports(rng, _villages(), 9, (28, 28)))
        bench.measure("incremental", 120, 9)
        indexed = _queries()
    stock = _queries()
    assert indexed == stock and stock["pages"] and stock["partnerships"] and stock["aggregates"]


def test_incremental_reads_do_not_grow_when_history_grows_tenfold(aws: None) -> None:
    rng = random.Random(5)
    villages = _villages()
    changed = villages[::5]  # the same villages get the new reports each time
    bench.add_tenants([TENANT])
    bench.register_villages(villages)
    runs = []
    with indexed_queries():
        for history in (30, 300):
            bench.store_reports(bench.make_reports(rng, villages, history - 30 * (history > 30), (1, 27)))
            bench.measure("catch-up", history, 0)
            new = sum(bench.store_reports(bench.make_reports(rng, [v], 1, (28, 28))) for v in changed)
            runs.append(bench.measure("incremental", history, new))
    small, large = runs
    assert large.villages == small.villages
    assert large.read_requests == small.read_requests, (small.by_operation, large.by_operation)
    assert large.tenant_read_requests / large.new_reports <= 5
