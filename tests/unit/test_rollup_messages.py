"""The rollup queue's messages: one tenant of a run (a rebuild's saying so) and a run's national step to
try again, read back as sent, and anything else refused as a message that can never succeed."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from chalicelib import queues
from chalicelib.errors import InvalidInputError
from chalicelib.services.rollup_runs import FinishMessage, TenantMessage, parse

NOW = dt.datetime(2026, 12, 5, 1, tzinfo=dt.UTC)


RUN = "20261205T010000-0a1b2c3d"
REBUILD = "20261204T230000-4e5f6a7b"


@pytest.mark.parametrize("rebuild", [None, RUN, REBUILD])
def test_a_tenant_s_message_is_read_back_as_it_was_sent(rebuild: str | None) -> None:
    message = TenantMessage(RUN, "33.15", NOW, 0, rebuild)

    body = json.dumps(message.body())

    assert parse(body) == message
    assert ("rebuild" in json.loads(body)) is (rebuild is not None), "a run's message stays as it was"


@pytest.mark.parametrize(("sent", "read"), [(True, RUN), (False, None)])
def test_a_rebuild_s_message_sent_before_rebuilds_named_themselves_is_its_own_run_s(
    sent: bool, read: str | None
) -> None:
    body = {"run": RUN, "tenant": "33.15", "now": NOW.isoformat(), "settle": 0, "rebuild": sent}
    assert parse(json.dumps(body)) == TenantMessage(RUN, "33.15", NOW, 0, read)


def test_a_run_s_message_to_finish_is_read_back_as_it_was_sent() -> None:
    message = FinishMessage("20261205T010000-0a1b2c3d", NOW)
    assert parse(json.dumps(message.body())) == message


def test_a_plan_request_is_no_tenant_s_message() -> None:
    assert parse(json.dumps(queues.PLAN_REQUEST)) is None


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        json.dumps({"run": "r1", "tenant": "33.15", "now": NOW.isoformat()}),
        json.dumps({"run": "r1", "tenant": "33.15", "now": "yesterday", "settle": 0}),
        json.dumps({"run": "r1", "tenant": "33.15", "now": NOW.isoformat(), "settle": 0, "rebuild": "yes"}),
        json.dumps({"run": "r1", "tenant": "33.15", "now": NOW.isoformat(), "settle": 0, "rebuild": 1}),
        json.dumps({"finish": "r1", "now": "yesterday"}),
        json.dumps({"finish": "r1"}),
        json.dumps(["finish", "r1"]),
    ],
)
def test_anything_else_is_refused_as_no_rollup_message(body: str) -> None:
    with pytest.raises(InvalidInputError, match="not a rollup message"):
        parse(body)
