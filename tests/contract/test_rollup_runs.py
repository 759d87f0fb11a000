"""The fan-out's run records, the rebuild's whole-table reset and a tenant's report months, run
unchanged on the PynamoDB stores (on moto) and on the in-memory twins."""

from __future__ import annotations

import datetime as dt

import pytest

from chalicelib.domain.rollup_plan import NATION, STOCK, FigureKey
from tests.contract.conftest import World
from tests.contract.test_report_store import V1, V2, A, B, _report

NOW = dt.datetime(2026, 11, 20, 8, tzinfo=dt.UTC)


def test_a_planned_run_is_read_back_with_nothing_settled(world: World) -> None:
    runs = world.platform().rollup_runs
    runs.create("r1", kind="run", tenants={A, B}, now=NOW)

    run = runs.get("r1")

    assert run is not None
    assert (run.kind, run.started_at, run.tenants) == ("run", NOW, frozenset({A, B}))
    assert (run.done, run.failed, run.villages, run.national_at, run.settled) == (
        frozenset(),
        frozenset(),
        0,
        None,
        False,
    )
    assert runs.get("r2") is None


def test_the_latest_run_by_its_id_says_when_the_last_plan_was(world: World) -> None:
    runs = world.platform().rollup_runs
    assert runs.last_started() is None
    later = NOW + dt.timedelta(minutes=15)
    runs.create("20261120T081500-0000000b", kind="change", tenants=set(), now=later)
    runs.create("20261120T080000-0000000a", kind="run", tenants={A}, now=NOW)  # recorded after, planned before

    assert runs.last_started() == later


def test_a_tenant_is_counted_once_however_often_its_message_is_delivered(world: World) -> None:
    runs = world.platform().rollup_runs
    runs.create("r1", kind="run", tenants={A, B}, now=NOW)

    runs.settle("r1", A, failed=False, villages=3, aggregates_written=7)
    again = runs.settle("r1", A, failed=False, villages=3, aggregates_written=7)

    assert (again.done, again.villages, again.aggregates_written, again.settled) == (frozenset({A}), 3, 7, False)
    assert runs.settle("r1", A, failed=True).failed == frozenset()  # done stays done
    assert runs.settle("r1", B, failed=False).settled


def test_a_failed_tenant_settles_the_run_and_moves_to_done_when_a_redrive_succeeds(world: World) -> None:
    runs = world.platform().rollup_runs
    runs.create("r1", kind="rebuild", tenants={A}, now=NOW)

    failed = runs.settle("r1", A, failed=True)
    assert (failed.failed, failed.done, failed.settled) == (frozenset({A}), frozenset(), True)
    assert runs.settle("r1", A, failed=True).failed == frozenset({A})

    redriven = runs.settle("r1", A, failed=False, villages=2)
    assert (redriven.failed, redriven.done, redriven.villages) == (frozenset(), frozenset({A}), 2)


def test_settling_an_unknown_run_is_refused_and_the_national_step_is_recorded(world: World) -> None:
    runs = world.platform().rollup_runs
    with pytest.raises(LookupError):
        runs.settle("nope", A, failed=False)
    runs.create("r1", kind="run", tenants=set(), now=NOW)

    runs.national_done("r1", now=NOW + dt.timedelta(minutes=1))

    run = runs.get("r1")
    assert run is not None and run.settled and run.national_at == NOW + dt.timedelta(minutes=1)


def test_the_reset_drops_every_tenant_s_and_the_nation_s_figures(world: World) -> None:
    mine, theirs = FigureKey("village", STOCK, V1), FigureKey("village", STOCK, f"{B}.01.2001")
    nation = FigureKey("national", STOCK, NATION)
    for tenant, key in ((A, mine), (B, theirs)):
        world.tenant(tenant).figures.write({key: {"visits": 1}}, now=NOW, stored={})
    world.platform().national_figures.write({nation: {"visits": 2}}, now=NOW, stored={})

    assert world.platform().all_figures.delete_all() == 3

    assert world.tenant(A).figures.read_keys([mine]) == {} and world.tenant(B).figures.read_keys([theirs]) == {}
    assert world.platform().national_figures.read_keys([nation]) == {}


def test_a_tenant_s_report_months_name_each_village_month_once_and_none_of_another_tenant(world: World) -> None:
    reports = world.tenant(A).reports
    for sid, day, village in (("s1", 2, V1), ("s2", 9, V1), ("s3", 3, V2)):
        assert reports.add(_report(sid, day, village))
    world.tenant(B).reports.add(_report("s9", tenant=B, village=f"{B}.01.2001"))

    assert reports.village_months() == {("2026-11", V1), ("2026-11", V2)}


def test_a_tenant_s_every_report_is_by_village_oldest_first_void_ones_too_and_none_of_another_tenant(
    world: World,
) -> None:
    reports = world.tenant(A).reports
    for sid, day, village in (("s2", 9, V1), ("s1", 2, V1), ("s3", 3, V2)):
        assert reports.add(_report(sid, day, village))
    voided = reports.get("s3")
    assert voided is not None
    reports.replace(voided.voided(by="k1", at=NOW), expected_version=voided.version)
    world.tenant(B).reports.add(_report("s9", tenant=B, village=f"{B}.01.2001"))

    every = reports.every_report()

    assert {v: [r.submission_id for r in rs] for v, rs in every.by_village.items()} == {V1: ["s1", "s2"], V2: ["s3"]}
    assert every.by_village[V2][0].status.value == "void" and every.unreadable == {}


def test_a_drop_removes_every_figure_of_every_partition(world: World) -> None:
    keys = [FigureKey("village", f"2026-{m:02d}", f"{A}.01.{2000 + v}") for m in range(1, 13) for v in range(1, 30)]
    world.tenant(A).figures.write({key: {"visits": 1} for key in keys}, now=NOW, stored={})

    assert world.platform().all_figures.delete_all() == len(keys)

    assert world.tenant(A).figures.read_keys(keys) == {}
