"""`tpbis rollup` plans a run on the queue and follows it with a progress bar; `--serial` runs it here."""

from __future__ import annotations

import datetime as dt
import io
import json
import random

import pytest

from chalicelib import cli
from chalicelib.repositories import changes
from chalicelib.stores.rollup import RollupRun
from tests.rollup_oracle import stored_aggregates
from tests.support import rollup_world as bench
from tests.support.rollup_queue import drain_rollup_queue

VILLAGES = ["33.15.01.2001", "33.15.01.2002", "33.18.01.2001"]


@pytest.fixture
def world(aws: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TPBIS_ROLLUP_SETTLE_SECONDS", "0")
    from chalicelib.config import get_settings

    get_settings.cache_clear()
    bench.add_tenants(["33.15", "33.18"])
    bench.register_villages(VILLAGES)
    bench.store_reports(bench.make_reports(random.Random(5), VILLAGES, 12, (1, 27)))


def test_tpbis_rollup_queues_the_tenants_and_follows_the_workers_to_the_national_step(
    world: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(cli, "wait", lambda seconds: drain_rollup_queue())  # the workers, between two polls

    assert cli.main(["rollup"]) == 0

    out, err = capsys.readouterr()
    assert json.loads(out)["done"] == ["33.15", "33.18"] and json.loads(out)["failed"] == []
    assert "tenants queued" in err and "2/2 tenants" in err
    assert changes.pending() == [] and stored_aggregates()


def test_tpbis_rollup_rebuild_goes_through_the_queue_and_equals_the_serial_rebuild(
    world: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(cli, "wait", lambda seconds: drain_rollup_queue())
    assert cli.main(["rollup", "--rebuild"]) == 0
    queued = stored_aggregates()
    capsys.readouterr()

    assert cli.main(["rollup", "--rebuild", "--serial"]) == 0

    assert json.loads(capsys.readouterr().out)["tenants"] == 2
    assert stored_aggregates() == queued


def _run(done: set[str], failed: set[str] = frozenset(), national: bool = False) -> RollupRun:  # type: ignore[assignment]
    return RollupRun(
        run_id="r",
        kind="run",
        started_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
        tenants=frozenset({"11.08", "32.01", "33.15", "33.18"}),
        done=frozenset(done),
        failed=frozenset(failed),
        villages=0,
        aggregates_written=0,
        national_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC) if national else None,
    )


def test_the_progress_bar_shows_tenants_settled_of_all_and_the_time_left_at_the_pace_so_far() -> None:
    assert cli.progress_bar(_run(set()), elapsed=5, width=8) == "[........] 0/4 tenants, estimating"
    assert cli.progress_bar(_run({"11.08"}), elapsed=30, width=8) == "[##......] 1/4 tenants, about 1m30s left"
    half = cli.progress_bar(_run({"11.08"}, {"32.01"}), elapsed=30, width=8)
    assert half == "[####....] 2/4 tenants, 1 failed, about 0m30s left"
    every = cli.progress_bar(_run({"11.08", "32.01", "33.15", "33.18"}), elapsed=30, width=8)
    assert every == "[########] 4/4 tenants, national step"


def test_following_a_run_polls_until_its_national_step_ran() -> None:
    answers = iter([_run(set()), _run({"11.08", "32.01"}), _run({"11.08", "32.01", "33.15", "33.18"}, national=True)])
    ticks = iter(range(0, 100, 10))
    out = io.StringIO()

    run = cli.follow(
        "r", poll=lambda run_id: next(answers), clock=lambda: float(next(ticks)), sleep=lambda s: None, out=out
    )

    assert run.national_at is not None
    assert out.getvalue().count("\r") == 3 and out.getvalue().endswith("national step\n")
