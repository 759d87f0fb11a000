"""The overdue-reminder job: flags past-due commitments once, publishes one event each, clears on final."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import boto3
import pytest

from tests.advocacy import new_commitment, new_stakeholder, transition
from tests.factories import GROBOGAN, GROBOGAN_VILLAGES, PATI, Tenants, run_scheduled
from tests.http_client import ApiClient

RUN = "/v1/admin/jobs/commitment-reminders/run"


@pytest.fixture
def published(aws: None) -> Callable[[], list[dict[str, Any]]]:
    """The events the bus routed so far (a rule on the bus targets an SQS queue)."""
    from chalicelib.config import get_settings

    settings = get_settings()
    sqs = boto3.client("sqs", region_name=settings.region)
    queue_url = sqs.create_queue(QueueName="overdue-events")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events = boto3.client("events", region_name=settings.region)
    events.put_rule(
        Name="overdue", EventBusName=settings.bus_name, EventPattern=json.dumps({"source": ["tpbis.commitments"]})
    )
    events.put_targets(Rule="overdue", EventBusName=settings.bus_name, Targets=[{"Id": "queue", "Arn": arn}])

    def read() -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        while True:
            batch = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", [])
            if not batch:
                return found
            for message in batch:
                found.append(json.loads(message["Body"]))
                sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])

    return read


def invoke_schedule() -> dict[str, Any]:
    """Run the job the way EventBridge's schedule does."""
    return run_scheduled("send_commitment_reminders")


def test_the_job_flags_a_past_due_commitment_once_and_publishes_one_event(
    tenants: Tenants, api: ApiClient, published: Callable[[], list[dict[str, Any]]]
) -> None:
    grobogan = tenants.create(GROBOGAN)
    head = new_stakeholder(api, grobogan, name="Kades Tarub", village_code=GROBOGAN_VILLAGES[0])
    late = new_commitment(api, grobogan, head["stakeholder_id"], due_date="2020-01-31")
    new_commitment(api, grobogan, head["stakeholder_id"], due_date="2035-12-31")
    closed = new_commitment(
        api, grobogan, head["stakeholder_id"], due_date="2020-01-31", kind="policy", amount_idr=None
    )
    assert transition(api, grobogan.admin, closed["commitment_id"], "withdrawn", 1).status == 201

    first = invoke_schedule()
    assert first == {"checked": 1, "newly_overdue": 1, "events_published": 1, "cleared": 0, "next_steps_announced": 0}
    events = published()
    assert len(events) == 1
    assert events[0]["detail-type"] == "CommitmentOverdue" and events[0]["source"] == "tpbis.commitments"
    assert events[0]["detail"]["commitment_id"] == late["commitment_id"]
    assert events[0]["detail"]["tenant_id"] == GROBOGAN
    assert events[0]["detail"]["due_date"] == "2020-01-31"
    assert events[0]["detail"]["kind"] == "budget"
    assert events[0]["detail"]["stakeholder"] == {
        "stakeholder_id": head["stakeholder_id"],
        "name": "Kades Tarub",
        "kind": "village_head",
    }
    assert api.get(f"/v1/commitments/{late['commitment_id']}", key=grobogan.viewer).json["overdue"] is True
    overdue = api.get("/v1/commitments?overdue=true", key=grobogan.viewer).json["items"]
    assert [c["commitment_id"] for c in overdue] == [late["commitment_id"]]

    second = invoke_schedule()
    assert second == {"checked": 1, "newly_overdue": 0, "events_published": 0, "cleared": 0, "next_steps_announced": 0}
    assert published() == []


def test_an_overdue_commitment_loses_its_flag_when_it_becomes_final(
    tenants: Tenants, api: ApiClient, admin_key: str, published: Callable[[], list[dict[str, Any]]]
) -> None:
    grobogan = tenants.create(GROBOGAN)
    late = new_commitment(api, grobogan, due_date="2021-06-30")["commitment_id"]
    assert api.post(RUN, key=admin_key).json["newly_overdue"] == 1
    assert transition(api, grobogan.admin, late, "committed", 1).json["commitment"]["overdue"] is True
    lapsed = transition(api, grobogan.admin, late, "lapsed", 2)
    assert lapsed.json["commitment"]["overdue"] is False
    assert api.post(RUN, key=admin_key).json == {
        "checked": 0,
        "newly_overdue": 0,
        "events_published": 0,
        "cleared": 0,
        "next_steps_announced": 0,
    }
    assert len(published()) == 1


def test_the_job_covers_every_tenant(
    tenants: Tenants, api: ApiClient, admin_key: str, published: Callable[[], list[dict[str, Any]]]
) -> None:
    grobogan, pati = tenants.create(GROBOGAN), tenants.create(PATI)
    new_commitment(api, grobogan, due_date="2022-01-01")
    new_commitment(api, pati, due_date="2023-01-01")
    assert api.post(RUN, key=admin_key).json["events_published"] == 2
    assert sorted(e["detail"]["tenant_id"] for e in published()) == [GROBOGAN, PATI]


def test_only_the_platform_admin_runs_the_job_on_demand(tenants: Tenants, api: ApiClient) -> None:
    grobogan = tenants.create(GROBOGAN)
    for key in (grobogan.admin, grobogan.viewer, grobogan.operator, tenants.national_viewer()):
        assert api.post(RUN, key=key).status == 403


def test_the_job_runs_daily_early_in_the_indonesian_morning() -> None:
    from chalice.app import ScheduledEventConfig, ScheduleExpression

    from app import app

    (source,) = [s for s in app.event_sources if s.name == "send_commitment_reminders"]
    assert isinstance(source, ScheduledEventConfig)
    assert isinstance(source.schedule_expression, ScheduleExpression)
    assert source.schedule_expression.to_string() == "cron(0 23 * * ? *)"


def test_a_next_step_that_falls_due_is_announced_once_and_a_new_one_again(
    tenants: Tenants, api: ApiClient, admin_key: str, published: Callable[[], list[dict[str, Any]]]
) -> None:
    grobogan = tenants.create(GROBOGAN)
    commitment = new_commitment(api, grobogan, due_date="2035-12-31")
    cid = commitment["commitment_id"]
    later = new_commitment(api, grobogan, commitment["stakeholder_id"], due_date="2035-12-31")
    step = {"expected_version": 1, "next_step": "Audiensi dengan Bupati", "next_step_due": "2026-11-20"}
    assert api.patch(f"/v1/commitments/{cid}", key=grobogan.admin, json=step).status == 200
    future = {"expected_version": 1, "next_step": "Surat ke DPRD", "next_step_due": "2035-01-01"}
    assert api.patch(f"/v1/commitments/{later['commitment_id']}", key=grobogan.admin, json=future).status == 200

    assert api.post(RUN, key=admin_key).json["next_steps_announced"] == 1
    (event,) = published()
    assert event["detail-type"] == "CommitmentNextStepDue"
    assert (event["detail"]["commitment_id"], event["detail"]["next_step"]) == (cid, "Audiensi dengan Bupati")
    assert event["detail"]["tenant_id"] == GROBOGAN
    assert invoke_schedule()["next_steps_announced"] == 0
    assert published() == []

    again = {"expected_version": 2, "next_step": "Audiensi kedua", "next_step_due": "2026-11-27"}
    assert api.patch(f"/v1/commitments/{cid}", key=grobogan.admin, json=again).status == 200
    assert api.post(RUN, key=admin_key).json["next_steps_announced"] == 1
    assert [e["detail"]["next_step"] for e in published()] == ["Audiensi kedua"]
