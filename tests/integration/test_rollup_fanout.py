"""The rollup fanned out over moto's SQS: a plan, one message per tenant, the worker function, and the
national step once, through redelivery, crashes, a poison tenant, overlapping runs and a rebuild."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import random
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from chalicelib import areas, aws_clients
from chalicelib.config import get_settings
from chalicelib.jobs.rollup_worker import roll_queued_tenants
from chalicelib.queues import rollup_queue_url
from chalicelib.repositories import changes, jobs, rollup_nudges
from chalicelib.repositories.aggregates import FigureStore
from chalicelib.services import rollup, rollup_runs
from chalicelib.services.rollup_village import read_history
from devstack.queue_workers import drain, poll_once, sqs_event
from tests.faults import Crash
from tests.rollup_oracle import stored_aggregates
from tests.support import rollup_world as bench
from tests.support.dynamo_counter import counting_dynamodb
from tests.support.rollup_queue import fail_tenant

TENANTS = ("11.08", "32.01", "33.15")
HISTORY = "chalicelib.services.rollup_runs.read_history"  # where a rebuild's worker reads a tenant's history
POISON = "32.01"


def _villages(tenant: str) -> list[str]:
    return list(areas.children(areas.children(tenant)[0])[:3])


VILLAGES = [v for tenant in TENANTS for v in _villages(tenant)]


def _post(count: int, seed: int, days: tuple[int, int] = (1, 27)) -> None:
    bench.store_reports(bench.make_reports(random.Random(seed), VILLAGES, count, days))


@pytest.fixture
def world(aws: None) -> Iterator[None]:
    """Three tenants in three provinces, their villages registered and a month of reports."""
    bench.add_tenants(list(TENANTS))
    bench.register_villages(VILLAGES)
    _post(36, seed=1)
    yield


def _plan() -> rollup_runs.RollupRun:
    return rollup_runs.plan(now=bench.NOW, settle_seconds=0)


def _drain() -> None:
    drain(roll_queued_tenants)


def _run(run_id: str) -> rollup_runs.RollupRun:
    run = rollup_runs.progress(run_id)
    assert run is not None
    return run


def _serial_rebuild() -> dict[tuple[str, str], dict[str, Any]]:
    rollup.rebuild(now=bench.NOW)
    return stored_aggregates()


def _queue_depth(name: str) -> int:
    sqs = aws_clients.sqs()
    url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
    attributes = sqs.get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]) + int(attributes["ApproximateNumberOfMessagesNotVisible"])


def _dlq_bodies() -> list[dict[str, Any]]:
    sqs = aws_clients.sqs()
    url = sqs.get_queue_url(QueueName=get_settings().rollup_dlq_name)["QueueUrl"]
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
    return [json.loads(m["Body"]) for m in messages]


# The regencies and provinces without the poison tenant: their figures are whole without it.
HEALTHY = {"11.08", "33.15", "11", "33"}


def _scope(key: tuple[str, str]) -> str:
    """The regency a tenant's figure item belongs to, or the province (or nation) of a national one."""
    return key[1] if key[0].startswith("ID#") else key[0].split("#")[0]


def test_a_run_only_plans_one_message_per_dirty_tenant_and_the_workers_give_the_serial_figures(world: None) -> None:
    run = _plan()
    assert run.tenants == set(TENANTS) and not run.done and run.national_at is None
    assert _queue_depth(get_settings().rollup_queue_name) == len(TENANTS)
    assert stored_aggregates() == {}  # planning rolled nothing up

    _drain()

    done = _run(run.run_id)
    assert done.done == set(TENANTS) and not done.failed and done.settled
    assert done.national_at is not None and done.villages == len(VILLAGES)
    assert changes.pending() == [] and changes.national_feed().pending() == []
    last = jobs.last_job_run(rollup.JOB)
    assert last is not None and last[1]["run_id"] == run.run_id
    fanned_out = stored_aggregates()
    assert fanned_out == _serial_rebuild()


def test_a_message_delivered_twice_counts_its_tenant_once_and_leaves_the_figures_unchanged(world: None) -> None:
    run = _plan()
    sqs, url = aws_clients.sqs(), rollup_queue_url()
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1, AttributeNames=["All"])["Messages"]
    event = sqs_event(messages, queue_arn="arn:aws:sqs:ap-southeast-3:123456789012:q", region="ap-southeast-3")
    assert roll_queued_tenants(event, None) == {"batchItemFailures": []}
    once = _run(run.run_id)
    assert roll_queued_tenants(event, None) == {"batchItemFailures": []}  # at least once: again
    assert _run(run.run_id) == once
    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=messages[0]["ReceiptHandle"], VisibilityTimeout=0)

    _drain()  # the same message comes back a third time, with the others

    done = _run(run.run_id)
    assert done.done == set(TENANTS) and done.villages == len(VILLAGES)
    assert stored_aggregates() == _serial_rebuild()


def test_a_worker_that_crashes_mid_tenant_leaves_its_message_to_come_back_and_the_run_completes(
    world: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    sqs, url = aws_clients.sqs(), rollup_queue_url()
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": "0"})  # back at once after a crash
    run = _plan()
    original = FigureStore.write

    def dies_after_half(self: FigureStore, items: Any, *, now: Any, stored: Any = None) -> int:
        original(self, dict(list(items.items())[: len(items) // 2]), now=now, stored=stored)
        raise Crash("the function was killed mid-tenant")

    with monkeypatch.context() as crashing:
        crashing.setattr(FigureStore, "write", dies_after_half)
        with pytest.raises(Crash):
            poll_once(roll_queued_tenants)
    crashed = _run(run.run_id)
    assert not crashed.done and not crashed.failed  # nothing counted: its markers are all still there
    assert {m.tenant_id for m in changes.pending()} == set(TENANTS)

    _drain()

    done = _run(run.run_id)
    assert done.done == set(TENANTS) and done.national_at is not None
    assert stored_aggregates() == _serial_rebuild()


def test_a_poison_tenant_is_parked_in_the_dead_letter_queue_with_its_markers_while_the_others_are_national(
    world: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as poisoned:
        fail_tenant(poisoned, POISON)
        run = _plan()
        _drain()

    done = _run(run.run_id)
    assert done.done == set(TENANTS) - {POISON} and done.failed == {POISON}
    assert done.national_at is not None  # the run still finished for the others
    assert [(body["run"], body["tenant"]) for body in _dlq_bodies()] == [(run.run_id, POISON)]
    assert _queue_depth(get_settings().rollup_queue_name) == 0
    assert {m.tenant_id for m in changes.pending()} == {POISON}  # kept for the next run
    last = jobs.last_job_run(rollup.JOB)
    assert last is not None and last[1]["tenants_failed"] == [POISON]
    assert not any(_scope(key) == POISON or _scope(key) == "32" for key in stored_aggregates())
    healthy = {key: values for key, values in stored_aggregates().items() if _scope(key) in HEALTHY}
    assert healthy == {key: values for key, values in _serial_rebuild().items() if _scope(key) in HEALTHY}


def test_a_tenant_whose_worker_is_killed_at_every_attempt_is_parked_and_the_run_still_goes_national(
    world: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    sqs, url = aws_clients.sqs(), rollup_queue_url()
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": "0"})  # back at once after a kill
    original = rollup.roll_tenant

    def killed(tenant_id: str, *args: Any, **kwargs: Any) -> Any:
        if tenant_id == POISON:
            raise Crash("the function ran out of memory")  # no except clause of the service sees it
        return original(tenant_id, *args, **kwargs)

    with monkeypatch.context() as poisoned:
        poisoned.setattr(rollup, "roll_tenant", killed)
        run = _plan()
        kills = 0
        while _queue_depth(get_settings().rollup_queue_name):
            try:
                poll_once(roll_queued_tenants)
            except Crash:
                kills += 1

    done = _run(run.run_id)
    assert kills == get_settings().rollup_max_receives
    assert (set(done.done), set(done.failed)) == (set(TENANTS) - {POISON}, {POISON})
    assert done.national_at is not None, "counted failed when its last attempt started: the run did not wait"
    assert [(body["run"], body["tenant"]) for body in _dlq_bodies()] == [(run.run_id, POISON)]
    assert {m.tenant_id for m in changes.pending()} == {POISON}
    healthy = {key: values for key, values in stored_aggregates().items() if _scope(key) in HEALTHY}
    assert healthy == {key: values for key, values in _serial_rebuild().items() if _scope(key) in HEALTHY}


@pytest.fixture
def fresh_on_change(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Fresh on change, no settle window, no margin: a plan asked for is received at once."""
    monkeypatch.setenv("TPBIS_ROLLUP_ON_CHANGE", "true")
    monkeypatch.setattr(rollup_nudges, "MARGIN_SECONDS", 0)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _take_messages() -> list[rollup_runs.TenantMessage]:
    """Every tenant message queued, taken off the queue."""
    sqs, url = aws_clients.sqs(), rollup_queue_url()
    taken = []
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        for message in messages:
            parsed = rollup_runs.parse(message["Body"])
            assert isinstance(parsed, rollup_runs.TenantMessage)
            taken.append(parsed)
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return taken


def test_a_last_attempt_after_every_other_tenant_lets_the_nation_go_first_and_asks_a_plan_for_its_figures(
    world: None, fresh_on_change: None
) -> None:
    run = _plan()
    messages = _take_messages()
    last = next(m for m in messages if m.tenant_id == POISON)
    for message in messages:
        if message is not last:
            rollup_runs.work(message, final_attempt=False)
    assert not _run(run.run_id).settled

    rollup_runs.work(last, final_attempt=True)  # counted failed first: that completed the run

    done = _run(run.run_id)
    assert (set(done.done), set(done.failed)) == (set(TENANTS), set()), "it succeeded: moved from failed to done"
    assert done.national_at is not None
    assert changes.national_feed().pending() != [], "its figures are not national yet"
    _drain()  # the plan it asked for: a run with nothing pending, its national step at once
    assert changes.pending() == [] and changes.national_feed().pending() == []
    assert stored_aggregates() == _serial_rebuild()


def test_a_change_to_another_village_of_an_item_its_worker_is_rolling_asks_for_a_plan_of_its_own(
    aws: None, fresh_on_change: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib import queues
    from chalicelib.stores import for_tenant

    tenant, (first, second) = "33.15", _villages("33.15")[:2]  # one item: the same hundred villages
    bench.add_tenants([tenant])
    bench.register_villages([first, second])
    settle = dt.timedelta(seconds=get_settings().rollup_settle_seconds)
    t0 = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)  # past any plan the set-up asked for
    asked: list[dict[str, Any]] = []
    monkeypatch.setattr(queues, "send_later", lambda body, *, delay_seconds: asked.append(body))
    feed = for_tenant(tenant).changes
    feed.mark([(bench.MONTH, first)], now=t0)
    assert len(asked) == 1, "it opened the item"
    worker_now, original = t0 + settle + dt.timedelta(seconds=10), rollup.roll_tenant

    def a_report_lands_meanwhile(*args: Any, **kwargs: Any) -> Any:
        result = original(*args, **kwargs)
        feed.mark([(bench.MONTH, second)], now=worker_now)  # after the worker read the feed, before it clears
        return result

    monkeypatch.setattr(rollup, "roll_tenant", a_report_lands_meanwhile)
    monkeypatch.setattr(rollup, "utcnow", lambda: worker_now)
    rollup.roll_one(
        tenant,
        feed.pending(),
        now=t0 + settle + dt.timedelta(seconds=5),
        settle=int(settle.total_seconds()),
        facts=rollup.default_facts(),
        summary=rollup.RollupSummary(),
    )

    assert [set(m.scopes) for m in feed.pending()] == [{second}]
    assert len(asked) == 2, "its item's last change was past the settle window: it asked for a plan"


def test_two_overlapping_runs_both_finish_and_give_the_figures_of_a_rebuild(world: None) -> None:
    first = _plan()
    poll_once(roll_queued_tenants)  # one tenant of the first run done
    _post(30, seed=2, days=(28, 28))  # more reports meanwhile
    second = _plan()  # every tenant again: the first run's messages are still queued

    _drain()

    assert _run(first.run_id).national_at is not None
    assert _run(second.run_id).national_at is not None
    assert _run(second.run_id).done == set(TENANTS)
    assert changes.pending() == [] and changes.national_feed().pending() == []
    assert stored_aggregates() == _serial_rebuild()


def test_incremental_runs_through_the_queue_equal_a_rebuild_through_the_queue_and_the_serial_one(
    world: None,
) -> None:
    _plan()
    _drain()
    _post(25, seed=3, days=(28, 28))
    incremental_run = _plan()
    assert incremental_run.tenants == set(TENANTS)
    _drain()
    incremental = stored_aggregates()

    rebuild = rollup_runs.plan_rebuild(now=bench.NOW)
    assert rebuild.kind == "rebuild" and rebuild.tenants == set(TENANTS)
    _drain()

    assert _run(rebuild.run_id).national_at is not None
    assert stored_aggregates() == incremental
    assert _serial_rebuild() == incremental


def test_a_run_with_nothing_pending_runs_its_national_step_at_once(aws: None) -> None:
    run = _plan()
    assert run.tenants == set() and run.national_at is not None
    assert _queue_depth(get_settings().rollup_queue_name) == 0


def test_a_run_s_record_expires_by_the_table_s_ttl_thirty_days_after_its_run_started(aws: None) -> None:
    from chalicelib.repositories.rollup_runs import KEPT_DAYS
    from chalicelib.tables import CHANGES

    run = _plan()

    table = get_settings().table_name(CHANGES.name)
    client = boto3.client("dynamodb", region_name=get_settings().region)
    ttl = client.describe_time_to_live(TableName=table)["TimeToLiveDescription"]
    item = client.get_item(TableName=table, Key={"pk": {"S": "rollup-run"}, "sk": {"S": run.run_id}})["Item"]
    assert (ttl["TimeToLiveStatus"], ttl["AttributeName"]) == ("ENABLED", "expires")
    expires = dt.datetime.fromtimestamp(int(item["expires"]["N"]), dt.UTC)
    assert (KEPT_DAYS, expires) == (30, bench.NOW + dt.timedelta(days=30))


def test_a_message_that_is_not_a_rollup_message_fails_alone(world: None) -> None:
    run = _plan()
    sqs, url = aws_clients.sqs(), rollup_queue_url()
    sqs.send_message(QueueUrl=url, MessageBody="not json")
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"])["Messages"]
    event = sqs_event(messages, queue_arn="arn:aws:sqs:ap-southeast-3:123456789012:q", region="ap-southeast-3")

    answer = roll_queued_tenants(event, None)

    bad = [m["MessageId"] for m in messages if m["Body"] == "not json"]
    assert answer == {"batchItemFailures": [{"itemIdentifier": bad[0]}]}
    assert _run(run.run_id).done == {json.loads(m["Body"])["tenant"] for m in messages if m["Body"] != "not json"}


@pytest.fixture
def finish_retried_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """A national step deferred by a busy lease is tried again without the 30 s delay."""
    monkeypatch.setattr(rollup_runs, "FINISH_RETRY_SECONDS", 0)


def _queued_bodies() -> list[dict[str, Any]]:
    """The bodies of the messages waiting in the rollup's queue (left there: received and made visible)."""
    sqs, url = aws_clients.sqs(), rollup_queue_url()
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
    for message in messages:
        sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0)
    return [json.loads(m["Body"]) for m in messages]


@pytest.mark.parametrize("max_receives", [3, 1], ids=["first-attempt", "last-attempt"])
def test_a_busy_lease_at_the_national_step_defers_it_to_a_message_of_the_run_and_no_tenant_fails(
    world: None, finish_retried_at_once: None, monkeypatch: pytest.MonkeyPatch, max_receives: int
) -> None:
    monkeypatch.setenv("TPBIS_ROLLUP_MAX_RECEIVES", str(max_receives))  # 1: every receive is the last
    get_settings.cache_clear()
    run = _plan()
    assert jobs.acquire_lease(rollup.JOB, holder="another", now=bench.NOW.now(bench.NOW.tzinfo), seconds=60)

    polled = [poll_once(roll_queued_tenants, retry_now=True) for _ in TENANTS]

    assert [p.failed for p in polled] == [0, 0, 0], "every tenant succeeded: none is retried, none parked"
    assert _run(run.run_id).settled and _run(run.run_id).failed == set() and _run(run.run_id).national_at is None
    # (on last attempts, two: counting the last tenant failed settled the run, and so did its success)
    deferred = _queued_bodies()
    assert deferred and all(body == {"finish": run.run_id, "now": bench.NOW.isoformat()} for body in deferred)
    assert poll_once(roll_queued_tenants).failed == 0  # the lease still busy: deferred again
    assert len(_queued_bodies()) == len(deferred)
    jobs.release_lease(rollup.JOB, holder="another")

    _drain()

    assert _run(run.run_id).national_at is not None and _dlq_bodies() == []
    assert changes.pending() == [] and changes.national_feed().pending() == []
    assert stored_aggregates() == _serial_rebuild()
    get_settings.cache_clear()


def test_a_run_without_tenants_meeting_a_busy_lease_defers_its_national_step_too(
    world: None, finish_retried_at_once: None
) -> None:
    _plan()
    _drain()
    changes.national_feed().mark("33", ["2026-11"], now=bench.NOW)  # a province waiting for the nation
    assert jobs.acquire_lease(rollup.JOB, holder="another", now=bench.NOW.now(bench.NOW.tzinfo), seconds=60)

    empty = _plan()

    assert empty.tenants == set() and empty.national_at is None
    assert [body["finish"] for body in _queued_bodies()] == [empty.run_id]
    jobs.release_lease(rollup.JOB, holder="another")
    _drain()
    assert _run(empty.run_id).national_at is not None and changes.national_feed().pending() == []


def test_a_message_to_finish_a_run_that_is_gone_is_dropped(aws: None) -> None:
    gone = rollup_runs.FinishMessage("20261101T000000-00000000", bench.NOW)
    assert rollup_runs.handle(gone, final_attempt=False) is None


class _Context:
    """A Lambda context with `left_ms` left."""

    def __init__(self, left_ms: int) -> None:
        self.left_ms = left_ms

    def get_remaining_time_in_millis(self) -> int:
        return self.left_ms


def test_the_national_step_leases_the_rollup_for_no_longer_than_the_worker_has_left_when_it_takes_it(
    world: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.clock import utcnow

    _plan()
    monkeypatch.setattr(jobs, "release_lease", lambda name, holder: None)  # killed before it gives it back
    context, original = _Context(20_000), rollup.roll_one

    def takes_twelve_seconds(*args: Any, **kwargs: Any) -> Any:
        result = original(*args, **kwargs)
        context.left_ms = 8_000  # the tenant's work took 12 of the function's 20 s
        return result

    monkeypatch.setattr(rollup, "roll_one", takes_twelve_seconds)
    sqs, url = aws_clients.sqs(), rollup_queue_url()
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"])["Messages"]
    event = sqs_event(messages, queue_arn="arn:aws:sqs:ap-southeast-3:123456789012:q", region="ap-southeast-3")

    assert roll_queued_tenants(event, context) == {"batchItemFailures": []}

    lease = jobs.JobLease.get("lease", rollup.JOB, consistent_read=True)
    assert lease.expires_at <= utcnow() + dt.timedelta(seconds=9)  # the 8 s left then, not 20 nor 900


def test_a_report_landing_while_a_rebuild_reads_its_tenant_s_history_is_kept_for_a_run_of_its_own(
    world: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.repositories.reports import ReportRepository

    rollup_runs.plan_rebuild(now=bench.NOW)
    messages = _take_messages()
    tenant = messages[0].tenant_id
    [late] = bench.make_reports(random.Random(9), [v for v in VILLAGES if v.startswith(tenant)], 1, (3, 3))
    landed = bench.NOW + dt.timedelta(seconds=30)
    original = read_history

    def a_report_lands_after_the_read(tenant_id: str) -> Any:
        history = original(tenant_id)
        if tenant_id == tenant:  # a phone's report, marked (after the plan) and stored as ingestion does
            changes.mark_changed(
                tenant_id=tenant, changes=[(late.content.month, late.content.village_code)], now=landed
            )
            assert ReportRepository(tenant_id=tenant).add(late)
        return history

    with monkeypatch.context() as racing:
        racing.setattr(HISTORY, a_report_lands_after_the_read)
        for message in messages:
            rollup_runs.work(message, final_attempt=False)

    [kept] = [m for m in changes.pending() if m.tenant_id == tenant]
    assert kept.touched_at == landed, "the rebuild's marks, as of its plan, did not move the change back"
    assert late.content.village_code in kept.scopes
    rollup_runs.plan(now=landed, settle_seconds=0)
    _drain()
    assert changes.pending() == []
    assert stored_aggregates() == _serial_rebuild(), "the late report is in the figures"


def test_a_rebuild_s_tenant_failing_before_it_marks_anything_leaves_its_markers_to_the_next_run(
    world: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    _plan()
    _drain()
    assert changes.pending() == []
    rebuild = rollup_runs.plan_rebuild(now=bench.NOW)
    messages = _take_messages()
    original = read_history

    def times_out(tenant_id: str) -> Any:
        if tenant_id == POISON:
            raise TimeoutError("the read timed out")
        return original(tenant_id)

    with monkeypatch.context() as failing:
        failing.setattr(HISTORY, times_out)
        for message in messages:
            for final in (False, False, True) if message.tenant_id == POISON else (False,):
                with contextlib.suppress(TimeoutError):
                    rollup_runs.work(message, final_attempt=final)

    run = _run(rebuild.run_id)
    assert (set(run.failed), run.national_at is not None) == ({POISON}, True)
    assert {m.tenant_id for m in changes.pending()} == {POISON}, "its figures were dropped: its markers kept"
    _plan()
    _drain()
    assert stored_aggregates() == _serial_rebuild()


def _stops(when: str) -> Any:
    """A call at which the plan's function ends (a timeout, Ctrl-C)."""

    def stopped(*args: Any, **kwargs: Any) -> None:
        raise Crash(f"the plan's function ended {when}")

    return stopped


@pytest.mark.parametrize("stops_at", ["sending its messages", "recording its run"])
def test_a_rebuild_stopped_after_dropping_the_figures_is_finished_by_the_first_run_after_its_lease(
    world: None, monkeypatch: pytest.MonkeyPatch, stops_at: str
) -> None:
    from chalicelib import queues
    from chalicelib.repositories.rollup_rebuilds import OwedRebuilds
    from chalicelib.repositories.rollup_runs import RunRecords

    _plan()
    _drain()
    whole = stored_aggregates()
    assert whole

    with monkeypatch.context() as stopped:
        if stops_at == "sending its messages":
            stopped.setattr(queues, "send_all", _stops(f"before {stops_at}"))
        else:
            stopped.setattr(RunRecords, "create", staticmethod(_stops(f"before {stops_at}")))
        with pytest.raises(Crash):
            rollup_runs.plan_rebuild(now=bench.NOW)
    assert stored_aggregates() == {}, "the figures were dropped"
    assert set(OwedRebuilds().owed()) == set(TENANTS)
    (rebuild_id,) = {run_id for run_id, _ in OwedRebuilds().owed().values()}

    soon = _plan_at(bench.NOW + dt.timedelta(seconds=rollup.LEASE_SECONDS - 1))
    assert soon.tenants == set(), "within the lease the rebuild's own plan may still be sending"
    later = _plan_at(bench.NOW + dt.timedelta(seconds=rollup.LEASE_SECONDS))
    assert later.tenants == set(TENANTS)
    _drain()

    assert _run(later.run_id).national_at is not None
    assert OwedRebuilds().owed() == {}, "each tenant paid once its markers were stored"
    assert stored_aggregates() == whole
    rebuild = rollup_runs.progress(rebuild_id)
    if stops_at == "recording its run":
        assert rebuild is None, "no record was made: none is made up"
    else:  # the rebuild itself is seen to end, not left with every tenant to go
        assert rebuild is not None and rebuild.done == set(TENANTS) and rebuild.national_at is not None


def test_a_stopped_rebuild_s_tenant_failing_its_last_attempt_in_a_later_run_is_counted_failed_in_both(
    world: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib import queues

    _plan()
    _drain()
    with monkeypatch.context() as stopped:
        stopped.setattr(queues, "send_all", _stops("before it sent its messages"))
        with pytest.raises(Crash):
            rollup_runs.plan_rebuild(now=bench.NOW)
    later = _plan_at(bench.NOW + dt.timedelta(seconds=rollup.LEASE_SECONDS))
    messages = _take_messages()
    (rebuild_id,) = {message.rebuild for message in messages}
    assert rebuild_id is not None and rebuild_id != later.run_id
    fail_tenant(monkeypatch, POISON)
    for message in messages:
        with contextlib.suppress(ValueError):  # the poison tenant's last attempt fails
            rollup_runs.work(message, final_attempt=True)

    for run_id in (later.run_id, rebuild_id):
        run = _run(run_id)
        assert (set(run.done), set(run.failed)) == (set(TENANTS) - {POISON}, {POISON}), run_id
        assert run.national_at is not None, f"{run_id} ended with its failed tenant named"


def test_a_rebuild_s_worker_pays_only_what_its_own_rebuild_owes(world: None) -> None:
    from chalicelib.repositories.rollup_rebuilds import OwedRebuilds

    first = rollup_runs.plan_rebuild(now=bench.NOW)
    first_messages = _take_messages()
    second = rollup_runs.plan_rebuild(now=bench.NOW + dt.timedelta(seconds=1))  # dropped again, owed again
    assert {run_id for run_id, _ in OwedRebuilds().owed().values()} == {second.run_id}

    for message in first_messages:  # the first rebuild's workers, late
        rollup_runs.work(message, final_attempt=False)
    assert set(OwedRebuilds().owed()) == set(TENANTS), "the second rebuild's figures are not marked by the first"

    _drain()
    assert OwedRebuilds().owed() == {}
    assert _run(first.run_id).national_at is not None and _run(second.run_id).national_at is not None
    assert stored_aggregates() == _serial_rebuild()


def test_a_serial_rebuild_stopped_while_it_drops_the_figures_leaves_them_marked_for_the_next_run(
    world: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.repositories.aggregates import AllFigures

    _plan()
    _drain()
    whole = stored_aggregates()
    original = AllFigures.delete_all

    def stops_halfway(self: AllFigures) -> int:
        original(self)
        raise KeyboardInterrupt  # Ctrl-C in the middle of the drop

    with monkeypatch.context() as stopped:
        stopped.setattr(AllFigures, "delete_all", stops_halfway)
        with pytest.raises(KeyboardInterrupt):
            rollup.rebuild(now=bench.NOW)
    assert stored_aggregates() == {}
    assert {m.tenant_id for m in changes.pending()} == set(TENANTS), "what was dropped is marked"

    rollup.run(now=bench.NOW, settle_seconds=0)
    assert stored_aggregates() == whole


def _plan_at(now: dt.datetime) -> rollup_runs.RollupRun:
    return rollup_runs.plan(now=now, settle_seconds=0)


def test_a_rebuild_s_tenant_reads_its_history_in_one_query_of_each_source_not_three_per_village(
    world: None,
) -> None:
    _plan()
    _drain()
    incremental = stored_aggregates()
    rebuild = rollup_runs.plan_rebuild(now=bench.NOW)

    with counting_dynamodb() as counter:
        _drain()

    assert _run(rebuild.run_id).national_at is not None
    assert counter.queries["by_village_date"] == 0 and counter.queries["village_partnerships"] == 0
    assert counter.queries["by_tenant_date"] == len(TENANTS)  # one page each here: a few dozen reports
    assert stored_aggregates() == incremental


def test_a_stored_item_no_report_can_be_made_of_is_listed_by_a_rebuild_and_the_rest_is_computed(
    world: None,
) -> None:
    from chalicelib.repositories.reports import ReportRecord
    from chalicelib.stores import for_tenant

    tenant = TENANTS[2]
    [record, *_] = [r for r in ReportRecord.query(tenant) if r.type == "visits"]
    others = sum(
        int(r.fields["visitors"])
        for r in ReportRecord.query(tenant)
        if r.type == "visits" and r.status == "active" and r.submission_id != record.submission_id
    )
    record.update(actions=[ReportRecord.date.set("03/11/2026")])  # no ISO date: no report is made of it
    rollup_runs.plan_rebuild(now=bench.NOW)
    _drain()

    [problem] = for_tenant(tenant).problems.recorded()
    assert (problem.village_code, problem.submission_id) == (record.village_code, record.submission_id)
    [figures] = for_tenant(tenant).figures.read_level("regency", bench.MONTH).values()
    assert figures["visits"] == others


def test_a_tenant_s_villages_read_a_few_at_once_give_the_figures_of_one_after_another(
    world: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading
    import time

    from chalicelib.repositories.reports import ReportRepository
    from chalicelib.services import rollup_rebuild

    original = ReportRepository.in_village_between
    lock, in_flight, peaks = threading.Lock(), [0], dict[int, int]()

    def slow(self: ReportRepository, *args: Any, **kwargs: Any) -> Any:
        with lock:
            in_flight[0] += 1
            peaks[reads] = max(peaks.get(reads, 0), in_flight[0])
        try:
            time.sleep(0.05)  # a request's latency: long enough for the others of a wave to start
            return original(self, *args, **kwargs)
        finally:
            with lock:
                in_flight[0] -= 1

    monkeypatch.setattr(ReportRepository, "in_village_between", slow)
    figures = {}
    for reads in (1, 4):
        monkeypatch.setenv("TPBIS_ROLLUP_READ_CONCURRENCY", str(reads))
        get_settings.cache_clear()
        rollup_rebuild.mark_everything(bench.NOW)  # every figure dropped, every village dirty
        rollup.run(now=bench.NOW, settle_seconds=0)
        figures[reads] = stored_aggregates()
    get_settings.cache_clear()

    assert figures[4] == figures[1] and figures[1]
    assert peaks[1] == 1 and 1 < peaks[4] <= 3  # three villages a tenant: at most three at once


def test_a_village_failing_among_those_read_at_once_is_listed_and_the_others_are_computed(
    world: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.repositories.reports import ReportRepository
    from chalicelib.stores import for_tenant

    monkeypatch.setenv("TPBIS_ROLLUP_READ_CONCURRENCY", "4")
    get_settings.cache_clear()
    tenant, broken = TENANTS[0], _villages(TENANTS[0])[1]
    original = ReportRepository.in_village_between

    def failing(self: ReportRepository, village_code: str, *args: Any, **kwargs: Any) -> Any:
        if village_code == broken:
            raise RuntimeError("this village's read failed")
        return original(self, village_code, *args, **kwargs)

    monkeypatch.setattr(ReportRepository, "in_village_between", failing)
    summary = rollup.run(now=bench.NOW, settle_seconds=0)
    get_settings.cache_clear()

    assert summary.villages_failed == 1 and summary.tenants_failed == []
    [problem] = for_tenant(tenant).problems.recorded()
    assert (problem.village_code, problem.submission_id, problem.error) == (broken, None, "RuntimeError")
    dirty = {scope for marker in for_tenant(tenant).changes.pending() for scope in marker.scopes}
    assert dirty == {broken}, "the failed village stays dirty, the others are cleared"
