"""Fresh on change: a report asks the rollup for a plan once it is settled (one message for a burst,
delayed by the settle window), the worker plans the run from it, and the national figures follow,
with no run-now and no schedule. Changes too young for a plan get one of their own."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest

from chalicelib import aws_clients, queues
from chalicelib.config import get_settings
from chalicelib.queues import rollup_queue_url
from chalicelib.repositories import rollup_nudges
from tests.factories import Tenants, register_village, report
from tests.factories import post_reports as _post
from tests.http_client import ApiClient
from tests.support.rollup_queue import drain_rollup_queue

V1, V2 = "33.15.01.2001", "33.15.01.2002"
PATI_V = "33.18.01.2001"


def _fresh(monkeypatch: pytest.MonkeyPatch, *, settle: int) -> None:
    monkeypatch.setenv("TPBIS_ROLLUP_ON_CHANGE", "true")
    monkeypatch.setenv("TPBIS_ROLLUP_SETTLE_SECONDS", str(settle))
    get_settings.cache_clear()


@pytest.fixture(autouse=True)
def _settings_as_they_were() -> Iterator[None]:
    """Set up before (so torn down after) monkeypatch: the settings are read again once the environment is back."""
    yield
    get_settings.cache_clear()


@pytest.fixture
def settled_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fresh on change with no settle window and no margin: a plan asked for is received at once."""
    _fresh(monkeypatch, settle=0)
    monkeypatch.setattr(rollup_nudges, "MARGIN_SECONDS", 0)


def _queued() -> dict[str, int]:
    attributes = aws_clients.sqs().get_queue_attributes(
        QueueUrl=rollup_queue_url(),
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesDelayed"],
    )["Attributes"]
    return {
        "visible": int(attributes["ApproximateNumberOfMessages"]),
        "delayed": int(attributes["ApproximateNumberOfMessagesDelayed"]),
    }


def _visible_bodies() -> list[dict[str, Any]]:
    sqs = aws_clients.sqs()
    answer = sqs.receive_message(QueueUrl=rollup_queue_url(), MaxNumberOfMessages=10, VisibilityTimeout=0)
    return [json.loads(m["Body"]) for m in answer.get("Messages", [])]


def _unreachable_sqs(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Make every delayed send fail as an unreachable SQS would; the bodies it was asked to send."""
    tried: list[dict[str, Any]] = []

    def unreachable(body: dict[str, Any], *, delay_seconds: int) -> None:
        tried.append(body)
        raise ConnectionError("SQS is unreachable")

    monkeypatch.setattr(queues, "send_later", unreachable)
    return tried


def _national_visits(api: ApiClient, tenants: Tenants, period: str) -> int:
    answer = api.get(f"/v1/national/indicators?level=national&period={period}", key=tenants.admin_key)
    assert answer.status == 200, answer.text
    return int(answer.json["items"][0]["indicators"]["visits"]["value"])


def test_a_burst_of_reports_from_two_regencies_asks_for_one_plan_delayed_past_the_settle_window(
    api: ApiClient, tenants: Tenants, monkeypatch: pytest.MonkeyPatch
) -> None:
    grobogan, pati = tenants.create("33.15"), tenants.create("33.18")
    _fresh(monkeypatch, settle=120)
    for admin, village in ((grobogan.admin, V1), (grobogan.admin, V2), (pati.admin, PATI_V)):
        register_village(api, admin, village)
    for day in range(1, 6):
        _post(api, grobogan.operator, report(village=V1, visitors=10 + day, date=f"2026-11-{day:02d}"))
        _post(api, pati.operator, report(village=PATI_V, visitors=10 + day, date=f"2026-11-{day:02d}"))

    assert _queued() == {"visible": 0, "delayed": 1}, "one plan for the burst, not visible before it settles"
    due = rollup_nudges.PendingPlan.get("rollup-nudge", "next", consistent_read=True).due_at
    now = dt.datetime.now(dt.UTC)
    assert dt.timedelta(seconds=110) < due - now <= dt.timedelta(seconds=125 + 5)


def test_a_report_reaches_the_national_figures_through_the_plan_it_asked_for(
    api: ApiClient, tenants: Tenants, settled_at_once: None
) -> None:
    grobogan = tenants.create("33.15")
    register_village(api, grobogan.admin, V1)
    drain_rollup_queue()  # the registration's own plan
    _post(api, grobogan.operator, report(village=V1, visitors=7, women=2, children=1))

    assert _visible_bodies() == [{"plan": "change"}]
    drain_rollup_queue()  # the plan, then its tenant, then the national step

    assert _national_visits(api, tenants, "2026-11") == 7
    assert _queued() == {"visible": 0, "delayed": 0}, "nothing left to do: no plan asked again"


def test_changes_too_young_for_a_plan_get_a_plan_of_their_own(
    api: ApiClient, tenants: Tenants, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.services import rollup_runs

    grobogan = tenants.create("33.15")
    register_village(api, grobogan.admin, V1)
    _fresh(monkeypatch, settle=60)
    rollup_nudges.PendingPlan("rollup-nudge", "next").delete()  # as if the registration's plan came due
    now = dt.datetime.now(dt.UTC)

    run = rollup_runs.plan(now=now)  # a plan that finds the marker 0 s old

    assert run.tenants == {"33.15"}
    due = rollup_nudges.PendingPlan.get("rollup-nudge", "next", consistent_read=True).due_at
    assert now + dt.timedelta(seconds=60) <= due <= now + dt.timedelta(seconds=60 + 5 + 5)


def test_a_plan_that_cannot_be_sent_gives_back_its_claim_so_the_next_change_within_the_window_asks(
    api: ApiClient, tenants: Tenants, monkeypatch: pytest.MonkeyPatch
) -> None:
    grobogan, pati = tenants.create("33.15"), tenants.create("33.18")
    register_village(api, grobogan.admin, V1)
    register_village(api, pati.admin, PATI_V)
    drain_rollup_queue()  # the registrations' run: both markers cleared
    _fresh(monkeypatch, settle=120)
    sent, tried = queues.send_later, _unreachable_sqs(monkeypatch)
    _post(api, grobogan.operator, report(village=V1, visitors=3, women=1, children=1, date="2026-10-02"))
    assert (tried, _queued()) == ([{"plan": "change"}], {"visible": 0, "delayed": 0}), "claimed, then not sent"
    with pytest.raises(rollup_nudges.PendingPlan.DoesNotExist):  # no claim left behind the lost message
        rollup_nudges.PendingPlan.get("rollup-nudge", "next", consistent_read=True)

    monkeypatch.setattr(queues, "send_later", sent)
    _post(api, pati.operator, report(village=PATI_V, visitors=4, women=1, children=1, date="2026-10-02"))

    assert _queued() == {"visible": 0, "delayed": 1}, "a plan asked for at once, not after the lost one's time"


def test_a_plan_that_cannot_be_sent_loses_no_report_and_a_later_change_asks_again(
    api: ApiClient, tenants: Tenants, settled_at_once: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.stores import for_tenant

    grobogan = tenants.create("33.15")
    register_village(api, grobogan.admin, V1)
    drain_rollup_queue()
    sent = queues.send_later
    _unreachable_sqs(monkeypatch)
    _post(api, grobogan.operator, report(village=V1, visitors=3, women=1, children=1))  # asserts it was accepted
    assert _queued() == {"visible": 0, "delayed": 0}
    assert [m.month for m in for_tenant("33.15").changes.pending()] == ["2026-11"], "its change waits, marked"

    monkeypatch.setattr(queues, "send_later", sent)
    _post(api, grobogan.operator, report(village=V1, visitors=4, women=1, children=1, date="2026-10-04"))
    drain_rollup_queue()  # the October change asked for a plan: it takes November's change along

    assert (_national_visits(api, tenants, "2026-11"), _national_visits(api, tenants, "2026-10")) == (3, 4)
