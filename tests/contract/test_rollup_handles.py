"""The contract of the rollup's ports on the handles (the tenant's and the platform's), run unchanged
on the PynamoDB stores (on moto) and on the in-memory twins: the national feed, the jobs' records,
a run's first reads, the problems log, the regencies' approvals and the idempotency store."""

from __future__ import annotations

import datetime as dt

import pytest

from chalicelib.domain.approvals import MonthApproval, PeriodAction, PeriodEvent, PeriodSettings, PeriodState
from chalicelib.domain.rollup_plan import STOCK, FigureKey
from chalicelib.errors import MalformedRequestError
from chalicelib.stores.idempotency import IdempotencyInProgressError, IdempotencyKeyReusedError
from chalicelib.stores.rollup import Problem, ProblemState
from tests.contract.conftest import World
from tests.contract.test_village_store import _village

A, B = "33.15", "33.22"
NOW = dt.datetime(2026, 11, 20, 8, tzinfo=dt.UTC)


def _problem(village: str, submission: str | None, tenant: str = A, *, runs: int = 1) -> Problem:
    return Problem(tenant, village, submission, "ValueError", "visitors is not a number", NOW, NOW, runs)


def test_figures_are_read_back_with_the_time_they_were_computed(world: World) -> None:
    figures = world.tenant(A).figures
    key = FigureKey("village", STOCK, f"{A}.01.2001")
    figures.write({key: {"villages_registered": 1}}, now=NOW, stored={})

    (stored,) = figures.read_keys([key]).values()
    assert (dict(stored), stored.computed_at) == ({"villages_registered": 1}, NOW)
    assert figures.read_level("village", STOCK)[f"{A}.01.2001"].computed_at == NOW


def test_the_national_feed_holds_provinces_by_period_apart_from_every_tenant_s_feed(world: World) -> None:
    national = world.platform().national_feed
    assert national.mark("33", ["2026-11", "2026-Q4"], now=NOW) == 2
    national.mark("35", ["2026-11"], now=NOW)
    world.tenant(A).changes.mark([("2026-11", f"{A}.01.2001")], now=NOW)

    assert {m.month: set(m.scopes) for m in national.pending()} == {"2026-11": {"33", "35"}, "2026-Q4": {"33"}}
    assert [(m.month, set(m.scopes)) for m in world.tenant(A).changes.pending()] == [("2026-11", {f"{A}.01.2001"})]


def test_clearing_removes_the_processed_scopes_but_keeps_one_marked_again_since_it_was_read(world: World) -> None:
    feed = world.tenant(A).changes
    feed.mark([("2026-11", f"{A}.01.2001"), ("2026-11", f"{A}.01.2002"), ("2026-11", f"{A}.01.2003")], now=NOW)
    (read,) = feed.pending()
    feed.mark([("2026-11", f"{A}.01.2002")], now=NOW)  # a change arrives while the run computes

    assert feed.clear(read, [f"{A}.01.2001", f"{A}.01.2002"]) == 1

    assert [(m.month, set(m.scopes)) for m in feed.pending()] == [("2026-11", {f"{A}.01.2002", f"{A}.01.2003"})]
    (left,) = feed.pending()
    assert feed.clear(left, left.scopes) == 2
    assert feed.pending() == [], "a month with no scope left is no longer dirty"


def test_a_feed_refuses_to_clear_another_feed_s_marker(world: World) -> None:
    world.tenant(B).changes.mark([("2026-11", f"{B}.01.2001")], now=NOW)
    world.platform().national_feed.mark("33", ["2026-11"], now=NOW)
    (pati,) = world.tenant(B).changes.pending()
    (national,) = world.platform().national_feed.pending()

    with pytest.raises(ValueError):
        world.tenant(A).changes.clear(pati, pati.scopes)
    with pytest.raises(ValueError):
        world.tenant(A).changes.clear(national, national.scopes)
    with pytest.raises(ValueError):
        world.platform().national_feed.clear(pati, pati.scopes)
    assert world.platform().national_feed.clear(national, national.scopes) == 1
    assert world.platform().national_feed.pending() == []
    assert len(world.tenant(B).changes.pending()) == 1


def test_every_tenant_s_dirty_months_are_read_at_once_without_the_national_feed_s(world: World) -> None:
    world.tenant(A).changes.mark([("2026-11", f"{A}.01.2001"), ("2026-10", "regency")], now=NOW)
    world.tenant(B).changes.mark([("2026-11", f"{B}.01.2001")], now=NOW)
    world.platform().national_feed.mark("33", ["2026-11"], now=NOW)

    dirty = world.platform().tenant_feeds.pending()

    assert sorted((m.tenant_id, m.month, tuple(m.scopes)) for m in dirty) == [
        (A, "2026-10", ("regency",)),
        (A, "2026-11", (f"{A}.01.2001",)),
        (B, "2026-11", (f"{B}.01.2001",)),
    ]


def test_a_job_s_last_run_is_the_one_recorded_last(world: World) -> None:
    runs = world.platform().job_runs
    assert runs.last_run("rollup") is None
    runs.record_run("rollup", finished_at=NOW, summary={"tenants": 2, "resume_from": None})
    later = NOW + dt.timedelta(minutes=15)
    runs.record_run("rollup", finished_at=later, summary={"tenants": 0, "month": "2026-11"})

    assert runs.last_run("rollup") == (later, {"tenants": 0, "month": "2026-11"})
    assert runs.last_run("export") is None, "each job has its own"


def test_a_run_s_first_read_gives_the_registered_villages_the_settings_and_the_stored_figures(world: World) -> None:
    stores = world.tenant(A)
    stores.villages.add(_village(f"{A}.01.2001"))
    world.tenant(B).villages.add(_village(f"{B}.01.2001", B))
    stores.periods.save_settings(PeriodSettings(deadline_day=5))
    key, absent = FigureKey("village", "2026-11", f"{A}.01.2001"), FigureKey("village", "2026-10", f"{A}.01.2001")
    stores.figures.write({key: {"visits": 3}}, now=NOW, stored={})

    inputs = stores.rollup_inputs.read([f"{A}.01.2001", f"{A}.01.2002", f"{B}.01.2001"], [key, absent])

    assert set(inputs.villages) == {f"{A}.01.2001"}, "unregistered and other tenants' codes are left out"
    assert inputs.villages[f"{A}.01.2001"] == _village(f"{A}.01.2001")
    assert inputs.settings == PeriodSettings(deadline_day=5)
    assert {k: dict(v) for k, v in inputs.figures.items()} == {key: {"visits": 3}}


def test_a_run_s_first_read_without_villages_reads_no_settings(world: World) -> None:
    stores = world.tenant(A)
    stores.periods.save_settings(PeriodSettings(deadline_day=5))

    inputs = stores.rollup_inputs.read([], [FigureKey("kecamatan", "2026-11", "regency")])

    assert (inputs.villages, inputs.settings, dict(inputs.figures)) == ({}, None, {})


def test_a_run_s_first_read_gives_the_default_settings_of_a_tenant_that_set_none(world: World) -> None:
    assert world.tenant(A).rollup_inputs.read([f"{A}.01.2001"], []).settings == PeriodSettings()


def test_a_run_s_first_read_refuses_a_figure_of_another_regency(world: World) -> None:
    with pytest.raises(ValueError):
        world.tenant(A).rollup_inputs.read([], [FigureKey("village", "2026-11", f"{B}.01.2001")])


def test_problems_are_replaced_by_item_removed_by_item_and_kept_per_tenant(world: World) -> None:
    problems = world.tenant(A).problems
    problems.save([_problem(f"{A}.01.2001", "s-1"), _problem(f"{A}.01.2001", None), _problem(f"{A}.01.2002", "s-2")])
    world.tenant(B).problems.save([_problem(f"{B}.01.2001", "s-9", B)])
    problems.save([_problem(f"{A}.01.2001", "s-1", runs=2)])
    problems.remove([(f"{A}.01.2002", "s-2"), (f"{A}.01.2009", None)])  # an unknown item: nothing happens

    assert problems.recorded() == [_problem(f"{A}.01.2001", None), _problem(f"{A}.01.2001", "s-1", runs=2)]
    assert world.tenant(B).problems.recorded() == [_problem(f"{B}.01.2001", "s-9", B)]
    assert world.platform().rollup_problems.count() == 3
    with pytest.raises(ValueError):
        problems.save([_problem(f"{B}.01.2001", "s-9", B)])


def test_a_tenant_s_problems_flag_is_unknown_until_marked_clean_and_read_with_the_run_s_first_reads(
    world: World,
) -> None:
    unknown = world.tenant(A).rollup_inputs.read([], []).problems
    assert unknown == ProblemState(clean=False, generation=None), "no flag stored: the problems must be read"

    assert world.tenant(A).problems.mark_clean(unknown)

    clean = world.tenant(A).rollup_inputs.read([f"{A}.01.2001"], []).problems
    assert clean.clean
    assert world.tenant(B).rollup_inputs.read([], []).problems == unknown, "another tenant's flag is its own"


def test_saving_problems_unflags_the_tenant_and_a_run_that_read_the_flag_before_cannot_mark_it_clean(
    world: World,
) -> None:
    problems = world.tenant(A).problems
    problems.mark_clean(ProblemState())
    before = world.tenant(A).rollup_inputs.read([], []).problems

    problems.save([_problem(f"{A}.01.2001", "s-1")])  # by another run, after `before` was read

    after = world.tenant(A).rollup_inputs.read([], []).problems
    assert not after.clean and after.generation != before.generation
    assert not problems.mark_clean(before), "the flag moved on: the saved problem would be hidden"
    assert not problems.mark_clean(ProblemState()), "a flag is stored: 'none seen' is out of date too"
    assert not world.tenant(A).rollup_inputs.read([], []).problems.clean
    problems.remove([(f"{A}.01.2001", "s-1")])
    assert problems.mark_clean(after)
    assert world.tenant(A).rollup_inputs.read([], []).problems == ProblemState(True, after.generation)


def test_problem_pages_hold_each_problem_once_and_a_tenant_s_cursor_is_only_its_own(world: World) -> None:
    world.tenant(A).problems.save([_problem(f"{A}.01.{2001 + i}", f"s-{i}") for i in range(3)])
    world.tenant(B).problems.save([_problem(f"{B}.01.2001", "s-9", B)])
    directory = world.platform().rollup_problems

    first, cursor = world.tenant(A).problems.page(limit=2, cursor=None)
    rest, end = world.tenant(A).problems.page(limit=2, cursor=cursor)
    assert [p.village_code for p in first + rest] == [f"{A}.01.2001", f"{A}.01.2002", f"{A}.01.2003"]
    assert cursor is not None and end is None
    everyone, _ = directory.page(tenant_id=None, limit=10, cursor=None)
    assert [p.tenant_id for p in everyone] == [A, A, A, B]
    assert directory.page(tenant_id=B, limit=10, cursor=None)[0] == [_problem(f"{B}.01.2001", "s-9", B)]
    with pytest.raises(MalformedRequestError):
        directory.page(tenant_id=B, limit=2, cursor=cursor)
    with pytest.raises(MalformedRequestError):
        world.tenant(A).problems.page(limit=2, cursor="not-a-cursor")


def test_approvals_are_read_across_tenants_and_a_month_never_approved_is_absent(world: World) -> None:
    approved = MonthApproval("2026-10", PeriodState.APPROVED, 1, NOW, "k1")
    world.tenant(A).periods.change(None, approved, PeriodEvent("2026-10", PeriodAction.APPROVED, "k1", NOW))

    states = world.platform().approvals.states([(A, "2026-10"), (A, "2026-11"), (B, "2026-10")])

    assert states == {(A, "2026-10"): approved}


def test_a_create_runs_once_per_key_and_a_repeat_gets_its_first_result(world: World) -> None:
    store = world.tenant(A).idempotency
    made: list[str] = []

    def create() -> str:
        made.append(f"id-{len(made) + 1}")
        return made[-1]

    first = store.run_once(operation="create_stakeholder", key="k-1", payload={"name": "Lurah"}, create=create)
    again = store.run_once(operation="create_stakeholder", key="k-1", payload={"name": "Lurah"}, create=create)

    assert (first, again, made) == ("id-1", "id-1", ["id-1"])
    assert store.run_once(operation="add_action", key="k-1", payload={"name": "Lurah"}, create=create) == "id-2"
    other = world.tenant(B).idempotency
    assert other.run_once(operation="create_stakeholder", key="k-1", payload={"name": "Lurah"}, create=create) == (
        "id-3"
    ), "another tenant's key of the same name is another record"


def test_a_key_used_again_with_another_payload_is_refused_and_nothing_is_created(world: World) -> None:
    store = world.tenant(A).idempotency
    store.run_once(operation="create_stakeholder", key="k-1", payload={"name": "Lurah"}, create=lambda: "id-1")

    with pytest.raises(IdempotencyKeyReusedError):
        store.run_once(operation="create_stakeholder", key="k-1", payload={"name": "Camat"}, create=lambda: "id-2")


def test_a_key_whose_first_request_still_runs_is_refused_as_in_progress(world: World) -> None:
    store = world.tenant(A).idempotency

    def create() -> str:
        with pytest.raises(IdempotencyInProgressError):
            store.run_once(operation="create_stakeholder", key="k-1", payload={}, create=lambda: "id-2")
        return "id-1"

    assert store.run_once(operation="create_stakeholder", key="k-1", payload={}, create=create) == "id-1"


def test_a_create_that_fails_frees_its_key(world: World) -> None:
    store = world.tenant(A).idempotency

    def failing() -> str:
        raise RuntimeError("the write failed")

    with pytest.raises(RuntimeError):
        store.run_once(operation="create_stakeholder", key="k-1", payload={}, create=failing)
    assert store.run_once(operation="create_stakeholder", key="k-1", payload={}, create=lambda: "id-1") == "id-1"
