"""The rollup benchmark's foundations, quickly: moto's speed-ups answer like stock moto, and an
incremental rollup's reads do not grow when history grows tenfold (counts, not times)."""

from __future__ import annotations

import copy
import json
import random
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from chalicelib import areas
from devstack import moto_internals
from tests.support import rollup_world as bench
from tests.support.moto_index import ITEM_OPERATIONS, direct_item_responses, indexed_queries

TENANT = "33.15"


def _villages() -> list[str]:
    return [v for kecamatan in areas.children(TENANT)[:2] for v in areas.children(kecamatan)]


def _queries() -> dict[str, Any]:
    """Answers of the queries the rollup and the API make, on a table and on every GSI, paged too."""
    from chalicelib.repositories.aggregates import tenant_figures
    from chalicelib.repositories.reports import ReportRecord, ReportRepository
    from chalicelib.stores.reports import ReportQuery

    village = _villages()[0]
    repo = ReportRepository(tenant_id=TENANT)
    paged: list[str] = []
    cursor: str | None = None
    for _ in range(2):  # two pages of seven: the second resumes from the first one's cursor
        page, cursor = repo.page(ReportQuery(include_void=True), limit=7, cursor=cursor)
        paged.extend(r.submission_id for r in page)
    month = bench.NOW.date().replace(day=1)
    return {
        "pages": paged,
        "village": [r.submission_id for r in repo.in_village_between(village, month, bench.NOW.date())],
        "partnerships": [r.submission_id for v in _villages() for r in repo.partnerships_of(v)],
        "table": sorted(r.submission_id for r in ReportRecord.query(TENANT)),
        "aggregates": tenant_figures(TENANT).read_level("village", bench.MONTH),
    }


def _scenario(seed: int, history: int, new: int) -> None:
    """The benchmark's scenario on a few villages: history, a run, new reports, a run."""
    rng = random.Random(seed)
    bench.add_tenants([TENANT])
    bench.register_villages(_villages())
    bench.store_reports(bench.make_reports(rng, _villages(), history, (1, 27)))
    bench.measure("first", history, 0)
    bench.store_reports(bench.make_reports(rng, _villages(), new, (28, 28)))
    bench.measure("incremental", history, new)


def test_indexed_queries_answer_exactly_like_stock_moto(aws: None) -> None:
    with indexed_queries():
        _scenario(3, 120, 9)
        indexed = _queries()
    stock = _queries()
    assert indexed == stock and stock["pages"] and stock["partnerships"] and stock["aggregates"]


@contextmanager
def _both_serializers() -> Iterator[Counter[str]]:
    """Every DynamoDB item response written by moto's serializer and by the direct path, which
    must agree (body as JSON, headers, status); counts the responses compared, by operation."""
    serializer = moto_internals.response_serializer_class()
    compared: Counter[str] = Counter()
    stock = serializer._serialize_result
    with direct_item_responses():
        direct = serializer._serialize_result

        def serialize_result(self: Any, resp: Any, result: Any) -> Any:
            expected = stock(self, copy.deepcopy(resp), result)
            if self.service_model.service_name == "dynamodb" and self.operation_name in ITEM_OPERATIONS:
                got = direct(self, copy.deepcopy(resp), result)
                assert json.loads(got["body"]) == json.loads(expected["body"]), self.operation_name
                assert (got["headers"], got["status_code"]) == (expected["headers"], expected["status_code"])
                compared[self.operation_name] += 1
            return expected

        with moto_internals.replaced(serializer, "_serialize_result", serialize_result):
            yield compared


def test_direct_item_responses_are_what_moto_would_have_written(aws: None) -> None:
    from chalicelib.repositories.reports import ReportRecord

    with _both_serializers() as compared:
        _scenario(4, 60, 5)
        _queries()
        list(ReportRecord.scan(limit=3))
    assert set(compared) >= {"Query", "BatchGetItem", "BatchWriteItem", "UpdateItem", "PutItem", "Scan"}


def test_incremental_reads_do_not_grow_when_history_grows_tenfold(aws: None) -> None:
    from chalicelib.repositories.reports import ReportRepository

    rng = random.Random(5)
    villages = _villages()
    changed = villages[::5]  # the same villages get the new reports each time
    bench.add_tenants([TENANT])
    bench.register_villages(villages)
    runs = []
    with_partnerships: list[int] = []  # of the changed villages, those with a partnership, after each step
    repo = ReportRepository(tenant_id=TENANT)
    with indexed_queries():
        for history in (30, 300):
            bench.store_reports(bench.make_reports(rng, villages, history - 30 * (history > 30), (1, 27)))
            bench.measure("catch-up", history, 0)
            new = sum(bench.store_reports(bench.make_reports(rng, [v], 1, (28, 28))) for v in changed)
            runs.append(bench.measure("incremental", history, new))
            with_partnerships.append(sum(1 for v in changed if repo.partnerships_of(v)))
    small, large = runs
    assert large.villages == small.villages
    # the one read that may come with history: a changed village's partnerships, once it has one
    assert large.read_requests - with_partnerships[1] == small.read_requests - with_partnerships[0], (
        small.by_operation,
        large.by_operation,
        with_partnerships,
    )
    assert large.tenant_read_requests / large.new_reports <= 5


def test_a_lone_change_costs_its_tenant_four_reads_and_a_village_with_a_partnership_one_more(aws: None) -> None:
    """A tenant with one changed report in a village that has no partnership: two queries of the
    village (its month's reports, its commitment facts) and the two batch reads of its inputs (more than
    100 keys: the village, the settings, the figures it sums, and the problems flag that spares the
    query of its problems once a run found none); the partnerships' sparse index is asked only of a
    village that has one."""
    rng = random.Random(6)
    village = _villages()[0]
    bench.add_tenants([TENANT])
    bench.register_villages([village])

    def one(kind: str) -> bench.Run:
        report = next(r for r in bench.make_reports(rng, [village], 50, (28, 28)) if r.content.type.value == kind)
        bench.store_reports(iter([report]))
        return bench.measure("incremental", 1, 1)

    with indexed_queries():
        bench.measure("first", 0, 0)
        visits = one("visits")
        partnership = one("partnership")
        after = one("visits")
    assert visits.tenant_read_requests == 4, visits.by_operation
    assert partnership.tenant_read_requests == 5, "a partnership in the dirty month: its series is read again"
    assert after.tenant_read_requests == 5, "the village has a partnership now: it reads them when recomputed"
