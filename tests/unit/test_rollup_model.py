"""The rollup benchmark's model of a rebuild's wall time in AWS (tests/support/rollup_fanout.py): the
tenants on free workers, the longest first, between the plan and the national step."""

from __future__ import annotations

from chalicelib.repositories.aggregates import DROP_SEGMENTS
from tests.support.rollup_fanout import LATENCY_MS, Steps


def test_the_makespan_puts_the_longest_tenants_first_on_the_free_workers() -> None:
    steps = Steps(plan=200, tenants={"a": 1000, "b": 1000, "c": 1000, "d": 500}, national=100)
    per_request = LATENCY_MS / 1000
    assert steps.makespan(2) == 2000 * per_request  # a | b, then c after a and d after b
    assert steps.makespan(4) == 1000 * per_request, "as many workers as tenants: the largest tenant"
    assert steps.wall(4) == (200 + 100 + 1000) * per_request
    assert steps.total == 3800


def test_no_tenant_leaves_the_plan_and_the_national_step() -> None:
    assert Steps(plan=10, national=30).wall(50) == 40 * LATENCY_MS / 1000


def test_the_plan_s_drop_counts_for_one_segment_s_share_of_its_requests() -> None:
    steps = Steps(plan=20 + 8 * DROP_SEGMENTS, drop=8 * DROP_SEGMENTS, national=0)
    assert steps.plan_seconds() == 28 * LATENCY_MS / 1000
    assert steps.wall(50) == steps.plan_seconds()
