"""The rollup's services on the in-memory stores (no moto): a tenant's part of a run, its problems
log and who may read it, the national approval blocks, the last run, and create-once requests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from chalicelib.domain.approvals import MonthApproval, PeriodAction, PeriodEvent, PeriodState
from chalicelib.domain.periods import Period
from chalicelib.domain.principal import Principal, Role
from chalicelib.domain.reports import Report, ReportContent, ReportType
from chalicelib.domain.rollup_plan import STOCK, FigureKey
from chalicelib.errors import ConflictError, InvalidInputError, PermissionDeniedError, ServiceUnavailableError
from chalicelib.services import idempotency, indicators, rollup_problems
from chalicelib.services.approval_state import Approvals, approval_blocks
from chalicelib.services.rollup import RollupSummary
from chalicelib.services.rollup_tenant import roll_tenant
from chalicelib.stores.idempotency import ResultNotSavedError
from chalicelib.stores.rollup import Problem
from tests.contract.test_village_store import _village
from tests.fakes.stores import MemoryStores

GROBOGAN, PATI = "33.15", "33.18"
V1, V2 = "33.15.01.2001", "33.15.01.2002"
NOW = dt.datetime(2026, 11, 20, 3, tzinfo=dt.UTC)
ADMIN = Principal(key_id="admin", role=Role.DISTRICT_ADMIN, tenant_id=GROBOGAN)
PLATFORM = Principal(key_id="root", role=Role.PLATFORM_ADMIN)
NATIONAL = Principal(key_id="nv", role=Role.NATIONAL_VIEWER)


def _report(submission_id: str, visitors: Any, village: str = V1) -> Report:
    content = ReportContent(village, ReportType.VISITS, dt.date(2026, 11, 3), {"visitors": visitors})
    return Report.new(tenant_id=GROBOGAN, submission_id=submission_id, content=content, by="k", at=NOW)


def _no_facts(tenant_id: str, scope: str, start: dt.date, end: dt.date) -> list[Any]:
    return []


def _roll(world: MemoryStores, summary: RollupSummary | None = None, **kw: Any) -> RollupSummary:
    summary = summary or RollupSummary()
    stores = world.for_tenant(GROBOGAN)
    roll_tenant(GROBOGAN, stores.changes.pending(), facts=_no_facts, now=NOW, summary=summary, **kw)
    return summary


def test_a_tenant_s_run_stores_its_village_and_regency_figures_and_a_rerun_writes_nothing(
    world: MemoryStores,
) -> None:
    stores = world.for_tenant(GROBOGAN)
    stores.villages.add(_village(V1))
    stores.reports.add(_report("s-1", 5))
    stores.changes.mark([("2026-11", V1)])

    first = _roll(world)

    figures = stores.figures.read_keys([FigureKey("village", "2026-11", V1), FigureKey("regency", "2026-11", GROBOGAN)])
    assert [figures[k]["visits"] for k in sorted(figures)] == [5, 5]
    assert (
        stores.figures.read_keys([FigureKey("village", STOCK, V1)])[FigureKey("village", STOCK, V1)][
            "villages_registered"
        ]
        == 1
    )
    assert (first.villages, first.reports_failed) == (1, 0) and first.aggregates_written > 0
    assert _roll(world).aggregates_written == 0, "recomputed from the same sources: nothing changed"


def test_a_bad_report_is_left_out_and_listed_until_it_reads_cleanly(world: MemoryStores) -> None:
    stores = world.for_tenant(GROBOGAN)
    stores.villages.add(_village(V1))
    stores.reports.add(_report("s-1", 5))
    stores.reports.add(_report("s-2", "many"))
    stores.changes.mark([("2026-11", V1)])

    summary = _roll(world)

    assert summary.reports_failed == 1
    (problem,) = stores.problems.recorded()
    assert (problem.village_code, problem.submission_id, problem.error, problem.runs) == (V1, "s-2", "TypeError", 1)
    key = FigureKey("village", "2026-11", V1)
    assert stores.figures.read_keys([key])[key]["visits"] == 5, "the other report counts"
    _roll(world)
    assert stores.problems.recorded()[0].runs == 2, "met again: one more run, first seen kept"
    fixed = _report("s-2", 7)
    stores.reports.replace(fixed, expected_version=1)
    _roll(world)
    assert stores.problems.recorded() == []
    assert stores.figures.read_keys([key])[key]["visits"] == 12


def test_a_tenant_left_without_problems_is_flagged_and_its_runs_read_no_problems_until_one_is_found(
    world: MemoryStores, monkeypatch: pytest.MonkeyPatch
) -> None:
    stores = world.for_tenant(GROBOGAN)
    stores.villages.add(_village(V1))
    stores.reports.add(_report("s-1", "many"))
    stores.changes.mark([("2026-11", V1)])
    reads: list[str] = []
    recorded = type(stores.problems).recorded

    def counted(self: Any) -> list[Problem]:
        reads.append("read")
        return recorded(self)

    monkeypatch.setattr(type(stores.problems), "recorded", counted)

    _roll(world)
    stores.reports.replace(_report("s-1", 7), expected_version=1)
    stores.changes.mark([("2026-11", V1)])
    _roll(world)  # the problem solved: none left, the flag says so
    assert len(reads) == 2, "both runs read the problems: none was known to be clean"
    assert stores.problems.recorded() == []
    stores.changes.mark([("2026-11", V1)])
    reads.clear()
    _roll(world)
    assert reads == [], "the flag said clean: the problems were not read"

    stores.reports.add(_report("s-2", "lots"))
    stores.changes.mark([("2026-11", V1)])
    _roll(world)
    assert [p.submission_id for p in stores.problems.recorded()] == ["s-2"]
    _roll(world)
    assert stores.problems.recorded()[0].runs == 2, "unflagged by the save: read again, met again"


def test_a_run_that_read_the_flag_before_another_run_saved_a_problem_does_not_flag_the_tenant_clean(
    world: MemoryStores,
) -> None:
    stores = world.for_tenant(GROBOGAN)
    slow = rollup_problems.ProblemLog(
        GROBOGAN, now=NOW, store=stores.problems, seen=stores.rollup_inputs.read([], []).problems
    )
    quick = rollup_problems.ProblemLog(
        GROBOGAN, now=NOW, store=stores.problems, seen=stores.rollup_inputs.read([], []).problems
    )
    quick.failed(V1, "s-1", TypeError("bad"))
    quick.save()

    slow.save()  # found nothing: it would flag the tenant clean, but the flag moved on

    assert not stores.rollup_inputs.read([], []).problems.clean
    assert [p.submission_id for p in stores.problems.recorded()] == ["s-1"]


def test_a_village_whose_computation_fails_is_recorded_and_the_others_are_still_computed(
    world: MemoryStores, monkeypatch: pytest.MonkeyPatch
) -> None:
    stores = world.for_tenant(GROBOGAN)
    for code in (V1, V2):
        stores.villages.add(_village(code))
    stores.changes.mark([("2026-11", V1), ("2026-11", V2)])
    from chalicelib.services.rollup_village import compute_village as original

    def failing_for_v1(sources: Any, code: str, *args: Any, **kwargs: Any) -> Any:
        if code == V1:
            raise RuntimeError("unexpected")
        return original(sources, code, *args, **kwargs)

    monkeypatch.setattr("chalicelib.services.rollup_tenant.compute_village", failing_for_v1)
    summary = _roll(world)

    assert summary.villages_failed == 1
    assert [(p.village_code, p.submission_id) for p in stores.problems.recorded()] == [(V1, None)]
    assert set(stores.figures.read_level("village", STOCK)) == {V2}


def test_a_run_out_of_budget_stops_before_a_village_and_says_which(world: MemoryStores) -> None:
    stores = world.for_tenant(GROBOGAN)
    stores.changes.mark([("2026-11", V1), ("2026-11", V2)])
    asked: list[int] = []

    def after_one() -> bool:
        asked.append(1)
        return len(asked) > 1

    summary = RollupSummary()
    result = roll_tenant(
        GROBOGAN, stores.changes.pending(), facts=_no_facts, now=NOW, summary=summary, should_stop=after_one
    )

    assert (result.done, result.stopped_at) == ({V1}, V2)


def test_throttling_is_no_bad_item_it_stops_the_run(world: MemoryStores) -> None:
    log = rollup_problems.ProblemLog(GROBOGAN, now=NOW)
    throttled = ServiceUnavailableError("the data store is throttling")

    with pytest.raises(ServiceUnavailableError):
        log.failed(V1, "s-1", throttled)
    assert log.found == {}


def _problem(tenant: str, village: str) -> Problem:
    return Problem(tenant, village, "s-1", "TypeError", "bad", NOW, NOW)


def test_a_district_admin_lists_its_own_problems_only(world: MemoryStores) -> None:
    world.for_tenant(GROBOGAN).problems.save([_problem(GROBOGAN, V1)])
    world.for_tenant(PATI).problems.save([_problem(PATI, "33.18.01.2001")])

    items, cursor = rollup_problems.list_problems(principal=ADMIN, tenant_id=None, limit=10, cursor=None)

    assert (items, cursor) == ([_problem(GROBOGAN, V1)], None)
    with pytest.raises(PermissionDeniedError):
        rollup_problems.list_problems(principal=ADMIN, tenant_id=PATI, limit=10, cursor=None)


def test_the_platform_admin_lists_every_tenant_s_problems_or_one_s(world: MemoryStores) -> None:
    world.for_tenant(GROBOGAN).problems.save([_problem(GROBOGAN, V1)])
    world.for_tenant(PATI).problems.save([_problem(PATI, "33.18.01.2001")])

    everyone, _ = rollup_problems.list_problems(principal=PLATFORM, tenant_id=None, limit=10, cursor=None)
    pati, _ = rollup_problems.list_problems(principal=PLATFORM, tenant_id=PATI, limit=10, cursor=None)

    assert [p.tenant_id for p in everyone] == [GROBOGAN, PATI]
    assert pati == [_problem(PATI, "33.18.01.2001")]


def test_approval_blocks_count_the_regencies_that_approved_every_month_of_the_period(world: MemoryStores) -> None:
    national = world.platform().national_figures
    stock = {FigureKey("regency", STOCK, code): {"villages_registered": 1} for code in (GROBOGAN, PATI)}
    national.write(stock, now=NOW, stored={})
    approved = MonthApproval("2026-10", PeriodState.APPROVED, 1, NOW, "k1")
    world.for_tenant(GROBOGAN).periods.change(None, approved, PeriodEvent("2026-10", PeriodAction.APPROVED, "k1", NOW))

    blocks = approval_blocks("province", ["33"], Period.parse("2026-10"))
    regencies = approval_blocks("regency", [GROBOGAN, PATI], Period.parse("2026-10"))
    quarter = approval_blocks("regency", [GROBOGAN], Period.parse("2026-Q4"))

    assert blocks["33"] == {"figures": "provisional", "regencies_approved": 1, "regencies": 2, "approved_pct": 50.0}
    assert [regencies[c]["figures"] for c in (GROBOGAN, PATI)] == ["approved", "provisional"]
    assert quarter[GROBOGAN]["figures"] == "provisional", "a quarter is final when all its months are"


def test_one_export_reads_each_regency_month_once_latest_first_and_only_while_it_can_still_be_final(
    world: MemoryStores, monkeypatch: pytest.MonkeyPatch
) -> None:
    national = world.platform().national_figures
    stock = {FigureKey("regency", STOCK, code): {"villages_registered": 1} for code in (GROBOGAN, PATI)}
    national.write(stock, now=NOW, stored={})
    for month in ("2026-10", "2026-11", "2026-12"):
        approved = MonthApproval(month, PeriodState.APPROVED, 1, NOW, "k1")
        world.for_tenant(GROBOGAN).periods.change(None, approved, PeriodEvent(month, PeriodAction.APPROVED, "k1", NOW))
    asked: list[tuple[str, str]] = []
    kind = type(world.platform().approvals)
    original = kind.states

    def counted(self: Any, pairs: Any) -> Any:
        pairs = list(pairs)
        asked.extend(pairs)
        return original(self, pairs)

    monkeypatch.setattr(kind, "states", counted)

    approvals = Approvals()
    quarter = approval_blocks("regency", [GROBOGAN, PATI], Period.parse("2026-Q4"), approvals)
    november = approval_blocks("province", ["33"], Period.parse("2026-11"), approvals)

    assert [quarter[c]["figures"] for c in (GROBOGAN, PATI)] == ["approved", "provisional"]
    assert november["33"]["regencies_approved"] == 1
    assert asked == [
        (GROBOGAN, "2026-12"),
        (PATI, "2026-12"),
        (GROBOGAN, "2026-11"),
        (GROBOGAN, "2026-10"),
        (PATI, "2026-11"),
    ], "Pati's December is not approved: its quarter asks no more of it; Grobogan's November is read once"


def test_the_last_rollup_is_the_last_run_recorded_and_none_before_any(world: MemoryStores) -> None:
    assert indicators.last_rollup_at(principal=NATIONAL) is None
    world.platform().job_runs.record_run("rollup", finished_at=NOW, summary={})

    assert indicators.last_rollup_at(principal=NATIONAL) == NOW
    with pytest.raises(PermissionDeniedError):
        indicators.last_rollup_at(principal=ADMIN)


def _counter() -> Callable[[], str]:
    made: list[str] = []

    def create() -> str:
        made.append(f"id-{len(made) + 1}")
        return made[-1]

    return create


def test_a_request_repeated_with_its_key_gets_the_first_id_and_another_body_is_refused(world: MemoryStores) -> None:
    create, key = _counter(), idempotency.IdempotencyKey("k-1")

    def once(payload: dict[str, Any]) -> str:
        return idempotency.run_once(operation="op", tenant_id=GROBOGAN, key=key, payload=payload, create=create)

    assert (once({"a": 1}), once({"a": 1})) == ("id-1", "id-1")
    with pytest.raises(InvalidInputError) as refused:
        once({"a": 2})
    assert refused.value.details[0].field == idempotency.HEADER
    assert idempotency.run_once(operation="op", tenant_id=GROBOGAN, key=None, payload={}, create=create) == "id-2"


def test_a_request_whose_first_attempt_still_runs_is_a_conflict(world: MemoryStores) -> None:
    key = idempotency.IdempotencyKey("k-1")

    def create() -> str:
        return idempotency.run_once(operation="op", tenant_id=GROBOGAN, key=key, payload={}, create=lambda: "id-2")

    with pytest.raises(ConflictError):
        idempotency.run_once(operation="op", tenant_id=GROBOGAN, key=key, payload={}, create=create)


def test_a_create_whose_result_is_not_saved_is_no_success(world: MemoryStores, monkeypatch: pytest.MonkeyPatch) -> None:
    store = world.for_tenant(GROBOGAN).idempotency

    def unsaved(**kwargs: Any) -> str:
        raise ResultNotSavedError(kwargs["create"]())

    monkeypatch.setattr(type(store), "run_once", lambda self, **kwargs: unsaved(**kwargs))

    with pytest.raises(ServiceUnavailableError):
        idempotency.run_once(
            operation="op", tenant_id=GROBOGAN, key=idempotency.IdempotencyKey("k-1"), payload={}, create=_counter()
        )


@pytest.mark.parametrize("key", ["", "   ", "x" * 256, "tab\there"])
def test_an_idempotency_key_that_is_empty_too_long_or_unprintable_is_refused(key: str) -> None:
    with pytest.raises(InvalidInputError):
        idempotency.check_key(idempotency.IdempotencyKey(key))
