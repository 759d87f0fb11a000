"""`tpbis`: operator commands against the configured AWS account (or the local stack).

  tpbis rollup                 plan a rollup run on the queue and follow it (a progress bar) to its end
  tpbis rollup --rebuild       drop every aggregate and recompute all of them from the reports, the same way
  tpbis rollup --serial        run the rollup here, tenant after tenant, without the queue (either form)
  tpbis admin-key [SECRET]     install a platform-admin key (a new secret is printed when none is given)
  tpbis canonical-ids [--apply]  find reports stored under a non-lower-case id; --apply resolves them

The local stack (`make run`) prints its embedded AWS endpoint; point these commands at it with
AWS_ENDPOINT_URL (see `make rollup`).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

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
    run = follow(run.run_id, poll=rollup_runs.progress)
    print(json.dumps({"run_id": run.run_id, "done": sorted(run.done), "failed": sorted(run.failed)}, indent=2))
    return 1 if run.failed else 0


def follow(
    run_id: str,
    *,
    poll: Callable[[str], RollupRun | None],
    every: float = 2.0,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] | None = None,
    out: TextIO | None = None,
) -> RollupRun:
    """Poll a run's record until its national step ran, drawing a progress bar on `out` (stderr)."""
    sleep, out = sleep or wait, out or sys.stderr
    started = clock()
    while True:
        run = poll(run_id)
        if run is None:
            raise LookupError(f"no rollup run {run_id}")
        out.write("\r" + progress_bar(run, elapsed=clock() - started))
        out.flush()
        if run.national_at is not None:
            out.write("\n")
            return run
        sleep(every)


def wait(seconds: float) -> None:
    """Between two polls of a run's record."""
    time.sleep(seconds)


def progress_bar(run: RollupRun, *, elapsed: float, width: int = 30) -> str:
    """`[#####.....] 12/40 tenants, 1 failed, about 2m30s left` (the time left from the pace so far)."""
    total, settled = len(run.tenants), len((run.done | run.failed) & run.tenants)
    filled = width if not total else width * settled // total
    left = "national step" if settled == total else "estimating"
    if 0 < settled < total:
        remaining = int(elapsed / settled * (total - settled))
        left = f"about {remaining // 60}m{remaining % 60:02d}s left"
    failed = f", {len(run.failed)} failed" if run.failed else ""
    return f"[{'#' * filled}{'.' * (width - filled)}] {settled}/{total} tenants{failed}, {left}"


if __name__ == "__main__":
    sys.exit(main())
