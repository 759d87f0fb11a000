"""`tpbis rollup` plans a run on the queue and follows it with a progress bar; `--serial` runs it here."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import random
import socket
import subprocess
import sys

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
    finished = cli.progress_bar(_run({"11.08", "32.01", "33.15", "33.18"}, national=True), elapsed=30, width=8)
    assert finished == "[########] 4/4 tenants, done"
    slow = cli.progress_bar(_run({"11.08"}), elapsed=4000, width=8)
    assert slow == "[##......] 1/4 tenants, about 3h20m left"


def test_following_a_run_polls_until_its_national_step_ran() -> None:
    answers = iter([_run(set()), _run({"11.08", "32.01"}), _run({"11.08", "32.01", "33.15", "33.18"}, national=True)])
    ticks = iter(range(0, 100, 10))
    out = io.StringIO()

    run = cli.follow(
        "r", poll=lambda run_id: next(answers), clock=lambda: float(next(ticks)), sleep=lambda s: None, out=out
    )

    assert run.national_at is not None
    assert out.getvalue().count("\r") == 3 and out.getvalue().endswith("4/4 tenants, done\n")
    assert "no tenant settled" not in out.getvalue()


def test_following_a_run_no_worker_takes_says_once_that_the_workers_may_not_be_running() -> None:
    answers = iter([_run(set())] * 6 + [_run({"11.08", "32.01", "33.15", "33.18"}, national=True)])
    ticks = iter(range(0, 1000, 50))
    out = io.StringIO()

    cli.follow("r", poll=lambda run_id: next(answers), clock=lambda: float(next(ticks)), sleep=lambda s: None, out=out)

    assert out.getvalue().count("no tenant settled for") == 1
    assert "are the workers running?" in out.getvalue()
    assert "no tenant settled for 150 s" in out.getvalue()


def test_ctrl_c_while_following_stops_following_and_says_the_run_goes_on(
    world: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted(seconds: float) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "wait", interrupted)

    assert cli.main(["rollup"]) == 130

    out, err = capsys.readouterr()
    assert out == ""
    [line] = [line for line in err.splitlines() if line.startswith("tpbis:")]
    assert "stopped following rollup run" in line and "its workers go on" in line
    assert "Traceback" not in err
    assert changes.pending(), "the run's tenants are still to be rolled by its workers"


def _tpbis_rollup_against(endpoint: str) -> subprocess.CompletedProcess[str]:
    """`tpbis rollup` in a process of its own, its AWS at `endpoint`."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_MAX_ATTEMPTS": "1",
        "AWS_DEFAULT_REGION": "ap-southeast-3",
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "TPBIS_STAGE": "local",
        "POWERTOOLS_METRICS_DISABLED": "true",
    }

    return subprocess.run(
        [sys.executable, "-m", "chalicelib.cli", "rollup"], env=env, capture_output=True, text=True, timeout=120
    )


def test_a_rollup_against_an_aws_nobody_listens_on_says_so_in_one_line() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    endpoint = f"http://127.0.0.1:{port}"

    done = _tpbis_rollup_against(endpoint)

    assert done.returncode == 1, done.stderr
    assert done.stdout == ""
    assert done.stderr.strip() == (
        f"tpbis: cannot reach the AWS endpoint {endpoint}: is it running? "
        "(against `make run`: `make rollup` with the AWS_PORT you gave `make run`)"
    )


def test_a_rollup_given_the_api_s_port_instead_of_aws_s_says_so_in_one_line() -> None:
    import http.server
    import threading

    class NotAws(http.server.BaseHTTPRequestHandler):  # what the API's port answers a DynamoDB call
        def do_POST(self) -> None:
            self.send_response(404)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"message": "Not Found"}')

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), NotAws)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        done = _tpbis_rollup_against(f"http://127.0.0.1:{server.server_address[1]}")
    finally:
        server.shutdown()

    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert "has no tables of this stage: is it the embedded AWS of `make run`, not its API?" in done.stderr


def test_an_endpoint_without_the_stage_s_tables_is_named_as_such(aws: None, capsys: pytest.CaptureFixture[str]) -> None:
    from chalicelib.repositories.changes import ChangeMarker

    ChangeMarker.delete_table()  # the API's port answers, but it holds no tables

    assert cli.main(["rollup"]) == 1
    assert "has no tables of this stage" in capsys.readouterr().err


def test_a_fault_that_is_no_user_s_mistake_is_shown_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.services import rollup_runs

    def broken(**kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(rollup_runs, "plan", broken)
    with pytest.raises(RuntimeError, match="a bug"):
        cli.main(["rollup"])


def test_the_result_alone_is_on_stdout_and_the_logs_on_stderr(
    world: None, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    from chalicelib.observability import logger

    monkeypatch.setattr(cli, "wait", lambda seconds: drain_rollup_queue())
    level = logger.log_level
    logger.setLevel("INFO")  # the service's info lines, as in AWS
    try:
        assert cli.main(["rollup"]) == 0
    finally:
        logger.setLevel(level)

    out, err = capfd.readouterr()
    assert json.loads(out)["done"] == ["33.15", "33.18"]
    assert '"message":"rollup planned"' in err
