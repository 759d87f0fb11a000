"""`tpbis`: operator commands against the configured AWS account (or the local stack).

  tpbis rollup                 plan a rollup run on the queue and follow it (a progress bar) to its end
  tpbis rollup --rebuild       drop every aggregate and recompute all of them from the reports, the same way
  tpbis rollup --serial        run the rollup here, tenant after tenant, without the queue (either form)
  tpbis admin-key [SECRET]     install a platform-admin key (a new secret is printed when none is given)
  tpbis canonical-ids [--apply]  find reports stored under a non-lower-case id; --apply resolves them

The local stack (`make run`) prints its embedded AWS endpoint; point these commands at it with
AWS_ENDPOINT_URL (see `make rollup`). The result is printed on stdout as JSON; the progress bar, the
logs and errors go to stderr. An AWS that cannot be reached, or has no tables of this stage, is said
in one line (exit 1); Ctrl-C stops following a run (exit 130), whose workers go on.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

from chalicelib.errors import cause_chain, error_code

if TYPE_CHECKING:
    from chalicelib.stores.rollup import RollupRun


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(prog="tpbis", description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    roll = commands.add_parser("rollup", help="run the indicator rollup now")
    roll.add_argument("--rebuild", action="store_true", help="drop every aggregate and recompute from scratch")
    roll.add_argument("--serial", action="store_true", help="roll every tenant in this process, not on the queue")
    key = commands.add_parser("admin-key", help="install a platform-admin key")
    key.add_argument(
        "secret", nargs="?", help="the secret to install, 32 characters or more (default: a new random one)"
    )
    ids = commands.add_parser("canonical-ids", help="resolve reports stored under non-lower-case ids")
    ids.add_argument("--apply", action="store_true", help="resolve them (default: only list them)")
    args = parser.parse_args(argv)
    _logs_to_stderr()
    try:
        return _command(args)
    except KeyboardInterrupt:
        print("\ntpbis: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        problem = unreachable(exc)
        if problem is None:
            raise
        print(f"tpbis: {problem}", file=sys.stderr)
        return 1


def _command(args: argparse.Namespace) -> int:
    if args.command == "canonical-ids":
        from chalicelib.services.canonical_ids import canonicalize

        print(json.dumps(canonicalize(apply=args.apply).as_dict(), indent=2))
        return 0
    if args.command == "rollup":
        return _rollup(rebuild=args.rebuild, serial=args.serial)
    from chalicelib.domain.keys import MIN_BOOTSTRAP_SECRET, new_key_id, new_secret
    from chalicelib.services.keys import install_bootstrap_key

    if args.secret is not None and len(args.secret) < MIN_BOOTSTRAP_SECRET:
        print(f"tpbis: a platform-admin secret needs at least {MIN_BOOTSTRAP_SECRET} characters", file=sys.stderr)
        return 2
    secret = args.secret or new_secret(new_key_id())
    installed = install_bootstrap_key(secret)
    print(f"platform admin key {installed.key_id} installed" + ("" if args.secret else f"; secret: {secret}"))
    return 0


def _rollup(*, rebuild: bool, serial: bool) -> int:
    from chalicelib.services import rollup, rollup_runs

    try:
        if serial:
            summary = rollup.rebuild() if rebuild else rollup.run()
            print(json.dumps(summary.as_dict(), indent=2))
            return 1 if summary.tenants_failed else 0
        run = rollup_runs.plan_rebuild() if rebuild else rollup_runs.plan()
    except rollup.RollupBusyError as exc:
        print(f"tpbis: {exc}", file=sys.stderr)
        return 1
    print(f"rollup run {run.run_id}: {len(run.tenants)} tenants queued", file=sys.stderr)
    try:
        run = follow(run.run_id, poll=rollup_runs.progress)
    except KeyboardInterrupt:
        print(
            f"\ntpbis: stopped following rollup run {run.run_id}; its workers go on "
            f"(GET /v1/admin/jobs/rollup/runs/{run.run_id} shows how far it got)",
            file=sys.stderr,
        )
        return 130
    print(json.dumps({"run_id": run.run_id, "done": sorted(run.done), "failed": sorted(run.failed)}, indent=2))
    return 1 if run.failed else 0


# Following a run where no tenant settled for this long says once what may be wrong.
QUIET_SECONDS = 120.0


def follow(
    run_id: str,
    *,
    poll: Callable[[str], RollupRun | None],
    every: float = 2.0,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] | None = None,
    out: TextIO | None = None,
) -> RollupRun:
    """Poll a run's record until its national step ran, drawing a progress bar on `out` (stderr); when no
    tenant settles for QUIET_SECONDS, say once that the workers may not be running."""
    sleep, out = sleep or wait, out or sys.stderr
    started = clock()
    last_progress, settled, hinted = started, -1, False
    while True:
        run = poll(run_id)
        if run is None:
            raise LookupError(f"no rollup run {run_id}")
        now = clock()
        if len(run.done | run.failed) != settled:
            last_progress, settled = now, len(run.done | run.failed)
        elif not hinted and now - last_progress >= QUIET_SECONDS:
            out.write(f"\nno tenant settled for {int(now - last_progress)} s: {_NO_WORKERS}\n")
            hinted = True
        out.write("\r" + progress_bar(run, elapsed=now - started))
        out.flush()
        if run.national_at is not None:
            out.write("\n")
            return run
        sleep(every)


_NO_WORKERS = (
    "are the workers running? (`make run` runs them; one restarted since loses its queue, and the "
    "tenants' markers wait for the next run; in AWS see the worker's logs and the RollupLag alarm). "
    "Ctrl-C stops following, not the run"
)


def wait(seconds: float) -> None:
    """Between two polls of a run's record."""
    time.sleep(seconds)


def progress_bar(run: RollupRun, *, elapsed: float, width: int = 30) -> str:
    """`[#####.....] 12/40 tenants, 1 failed, about 2m30s left` (the time left from the pace so far)."""
    total, settled = len(run.tenants), len((run.done | run.failed) & run.tenants)
    filled = width if not total else width * settled // total
    left = "national step" if settled == total else "estimating"
    if run.national_at is not None:
        left = "done"
    elif 0 < settled < total:
        left = f"about {_duration(int(elapsed / settled * (total - settled)))} left"
    failed = f", {len(run.failed)} failed" if run.failed else ""
    return f"[{'#' * filled}{'.' * (width - filled)}] {settled}/{total} tenants{failed}, {left}"


def _duration(seconds: int) -> str:
    """`0m30s`, `12m05s`, `3h20m`."""
    if seconds >= 3600:
        return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
    return f"{seconds // 60}m{seconds % 60:02d}s"


class _Stderr:
    """Whatever sys.stderr is when a line is written."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


def _logs_to_stderr() -> None:
    """The service's log lines go to stderr, so that stdout holds the result alone."""
    from chalicelib.observability import logger

    handler = logger.registered_handler
    if isinstance(handler, logging.StreamHandler) and not isinstance(handler.stream, _Stderr):
        handler.setStream(_Stderr())


def unreachable(exc: BaseException) -> str | None:
    """What to say when `exc` comes of an AWS that cannot be used as configured (no endpoint there, no
    region or credentials, no tables of this stage); None for anything else (a fault to show whole)."""
    from botocore.exceptions import (
        ConnectTimeoutError,
        EndpointConnectionError,
        NoCredentialsError,
        NoRegionError,
        ReadTimeoutError,
    )

    endpoint = os.environ.get("AWS_ENDPOINT_URL")
    where = f"the AWS endpoint {endpoint}" if endpoint else "AWS"
    local = " (against `make run`: `make rollup` with the AWS_PORT you gave `make run`)"
    for cause in cause_chain(exc):
        if isinstance(cause, EndpointConnectionError | ConnectTimeoutError | ReadTimeoutError):
            return f"cannot reach {where}: is it running?{local}"
        if isinstance(cause, NoRegionError):
            return f"no AWS region: set AWS_DEFAULT_REGION{local}"
        if isinstance(cause, NoCredentialsError):
            return f"no AWS credentials: set AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY{local}"
        if isinstance(cause, ValueError) and "Port could not be cast" in str(cause):
            return f"AWS_ENDPOINT_URL={endpoint} has no port number{local}"
        if error_code(cause) in (
            "ResourceNotFoundException",
            "404",
        ):  # no table there, or no DynamoDB at all (a web server)
            return f"{where} has no tables of this stage: is it the embedded AWS of `make run`, not its API?{local}"
    return None


if __name__ == "__main__":
    sys.exit(main())
