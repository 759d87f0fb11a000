"""The indicator rollup at national scale, on moto: DynamoDB reads and time of full and incremental runs.

Every one of the 514 regencies is an approved tenant; the villages of the Kemendagri list
(83,762 at --scale 1, a random share of them below) are registered; reports of the five types,
in a realistic mix, are written straight into the tables through the repositories' storage
shape with BatchWriteItem, together with the change-feed markers ingestion writes
(`changes.mark_changed`). The benchmark is of the rollup, not of ingestion.

History grows in three steps to 1%, 10% and 100% of a month of reports (10k, 100k and 1M
reports at --scale 1: about 12 reports per village in the month). At each step a rollup catches
up with everything dirty (at the last step every village is dirty: the full national rollup),
then 1% new reports arrive and the incremental rollup is measured. Counts come from every botocore
DynamoDB call (read requests, pages included; items read; read capacity estimated by DynamoDB's
rules; writes). They do not depend on moto; times do (see docs/benchmarks.md).

moto's Query lists and sorts the whole table on every call, and moto writes every response member
by member from botocore's shape model; unless --stock-moto is given, tests/support/moto_index.py makes
queries look items up by partition and dumps item responses directly (same answers).
Run: make bench-rollup [SCALE=1]
 (or python -m benchmarks.rollup [--scale 0.01] [--seed 7] [--stock-moto] [--regencies 11.08,33.15])
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from contextlib import ExitStack
from typing import Any

from moto import mock_aws

from benchmarks.support import quiet_aws_environment
from tests.support.rollup_world import Run, add_tenants, make_reports, measure, register_villages, store_reports

REPORTS_PER_VILLAGE_MONTH = 1_000_000 / 83_762  # a month of reports at scale 1 is 1M reports
STEPS = (0.01, 0.1, 1.0)  # history as a share of a month of reports
SPEEDUP_MAX_VILLAGES = 5_000  # two more rebuilds, timed: quick at small scale only


def _setup(scale: float, rng: random.Random, only: set[str] | None = None) -> list[str]:
    """Every regency an approved tenant, a share of the villages registered (or every village of the
    regencies `only`); returns their codes."""
    from chalicelib import areas

    regencies = [r.code for r in areas.all_of_level(areas.Level.REGENCY)]
    add_tenants(regencies)
    codes = set(regencies)
    villages = [
        v.code
        for province in areas.all_of_level(areas.Level.PROVINCE)
        for v in areas.villages_of_province(province.code)
        if (v.code[:5] in only if only else v.code[:5] in codes and rng.random() < scale)
    ]
    register_villages(villages)
    return villages


def run(
    scale: float, seed: int = 7, stock_moto: bool = False, log: Any = None, regencies: set[str] | None = None
) -> tuple[int, list[Run], str]:
    """Build the scenario and measure it; returns (villages registered, catch-up and incremental runs,
    the rebuild through the queue)."""
    from chalicelib import aws_clients
    from chalicelib.config import get_settings
    from devstack.atomic import serialized
    from devstack.resources import create_all
    from tests.support.moto_index import direct_item_responses, indexed_queries

    def say(text: str) -> None:
        if log:
            print(text, file=log, flush=True)

    rng = random.Random(seed)
    runs: list[Run] = []
    with ExitStack() as stack:
        stack.enter_context(mock_aws())
        stack.enter_context(serialized())  # threads drop figures and read villages at once: DynamoDB's atomicity
        if not stock_moto:
            stack.enter_context(indexed_queries())
            stack.enter_context(direct_item_responses())
        get_settings.cache_clear()
        aws_clients.reset()
        create_all(get_settings())
        started = time.perf_counter()
        villages = _setup(scale, rng, regencies)
        say(f"  {len(villages):,} villages registered in {time.perf_counter() - started:.0f} s")
        month = round(REPORTS_PER_VILLAGE_MONTH * len(villages))
        history = 0
        for step in STEPS:
            target = round(month * step)
            started = time.perf_counter()
            history += store_reports(make_reports(rng, villages, target - history, (1, 27)))
            say(f"  history {history:,} reports written in {time.perf_counter() - started:.0f} s")
            runs.append(measure("catch-up" if runs else "first", history, 0))
            say(f"  rollup over everything dirty: {runs[-1].seconds:.0f} s, {runs[-1].villages:,} villages")
            new = max(1, history // 100)
            store_reports(make_reports(rng, villages, new, (28, 28)))
            runs.append(measure("incremental", history, new))
            history += new
            say(f"  incremental after {new:,} new reports: {runs[-1].seconds:.1f} s")
        fanout = _fanout(runs, len(villages), say)
    return len(villages), runs, fanout


def _fanout(runs: list[Run], villages: int, say: Any) -> str:
    """The rebuild through the queue by step with its modelled wall time, and the local pool's speed-up."""
    from tests.support.rollup_fanout import measure_rebuild, timed_rebuild
    from tests.support.rollup_world import NOW

    full = [r for r in runs if r.label != "incremental"][-1]
    started = time.perf_counter()
    text = measure_rebuild(NOW).report(full.read_requests + full.write_requests)
    say(f"  rebuild through the queue: {time.perf_counter() - started:.0f} s")
    if villages > SPEEDUP_MAX_VILLAGES:
        return text + f"\n  (the local pool's speed-up is measured up to {SPEEDUP_MAX_VILLAGES:,} villages)"
    one, four = timed_rebuild(NOW, 1), timed_rebuild(NOW, 4)
    return text + (
        f"\n  locally, the same rebuild drained by 1 worker thread: {one:.1f} s, by 4: {four:.1f} s -> "
        f"{one / four:.2f}x (one process: the threads share moto and the interpreter lock)"
    )


def _table(villages: int, runs: list[Run]) -> str:
    lines = [
        f"Rollup at scale: {villages:,} villages registered in 514 tenants; moto in-process.",
        "",
        "Runs over everything dirty (the last one: a month of reports, every village dirty):",
        "| history | villages dirty | read requests | items read | read units | write requests | items written "
        "| time | per tenant (mean / max) |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in runs:
        if r.label == "incremental":
            continue
        mean = sum(r.tenant_seconds) / max(1, len(r.tenant_seconds))
        lines.append(
            f"| {r.history:,} | {r.villages:,} | {r.read_requests:,} | {r.items_read:,} | {r.read_units:,.0f} "
            f"| {r.write_requests:,} | {r.item_writes:,} | {r.seconds:.1f} s | {mean:.2f} s / "
            f"{max(r.tenant_seconds, default=0):.2f} s |"
        )
    lines += [
        "",
        "Incremental runs after 1% new reports (target <= 5 read requests per changed report, flat as history grows);",
        "'tenants' is the part made in roll_tenant, the rest is per run (markers, national re-sum, export):",
        "| history | new reports | villages dirty | read requests (tenants + per run) | per changed report "
        "| tenants' per changed report | items read per changed report (tenants') | read units per changed report "
        "| time |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in runs:
        if r.label != "incremental":
            continue
        n = r.new_reports
        lines.append(
            f"| {r.history:,} | {n:,} | {r.villages:,} | {r.read_requests:,} ({r.tenant_read_requests:,} + "
            f"{r.read_requests - r.tenant_read_requests:,}) | {r.read_requests / n:.2f} | "
            f"**{r.tenant_read_requests / n:.2f}** | {r.items_read / n:.1f} ({r.tenant_items_read / n:.1f}) "
            f"| {r.read_units / n:.1f} | {r.seconds:.2f} s |"
        )
    last = [r for r in runs if r.label == "incremental"][-1]
    ops = ", ".join(f"{op} {count:,}" for op, count in sorted(last.by_operation.items()))
    lines += ["", f"Requests of the last incremental run by operation: {ops}"]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.01, help="share of villages and reports (1 = national)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--stock-moto", action="store_true", help="moto's own O(table) queries and serializer (slow)")
    parser.add_argument(
        "--regencies",
        help="comma-separated regency codes: register every village of these only (the density of scale 1)",
    )
    args = parser.parse_args()
    quiet_aws_environment()
    only = set(args.regencies.split(",")) if args.regencies else None
    villages, runs, fanout = run(args.scale, args.seed, args.stock_moto, log=sys.stderr, regencies=only)
    print(_table(villages, runs))
    print()
    print(fanout)


if __name__ == "__main__":
    main()
