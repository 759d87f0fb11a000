"""Reminder e-mails in the stack: a rule on the bus invokes the delivery function, which may only send."""

from __future__ import annotations

import json

import pytest

from tests.infrastructure.conftest import STAGE, Synthesized

pytestmark = pytest.mark.slow


def test_a_rule_on_the_service_bus_sends_the_reminder_events_to_the_delivery_function(
    synthesized: Synthesized,
) -> None:
    rules = [r["Properties"] for r in synthesized.resources("AWS::Events::Rule").values()]
    (rule,) = [r for r in rules if "detail-type" in r.get("EventPattern", {})]
    assert rule["EventPattern"] == {
        "source": ["tpbis.commitments"],
        "detail-type": ["CommitmentOverdue", "CommitmentNextStepDue"],
    }
    bus = next(iter(synthesized.resources("AWS::Events::EventBus")))
    assert json.dumps(rule["EventBusName"]).count(bus) == 1
    assert f"function:tpbis-{STAGE}-deliver_reminders" in json.dumps(rule["Targets"][0]["Arn"])
    permissions = [p["Properties"] for p in synthesized.resources("AWS::Lambda::Permission").values()]
    assert any(
        p["Principal"] == "events.amazonaws.com" and p["FunctionName"] == f"tpbis-{STAGE}-deliver_reminders"
        for p in permissions
    )
    function = synthesized.functions()["deliver_reminders"]
    assert function["Properties"]["Environment"]["Variables"]["TPBIS_REMINDER_CHANNEL"] == "ses"


def test_the_delivery_function_may_send_mail_and_read_only_tenants_and_settings(synthesized: Synthesized) -> None:
    role_id = synthesized.functions()["deliver_reminders"]["Properties"]["Role"]["Fn::GetAtt"][0]
    statements = [
        s
        for policy in synthesized.template["Resources"][role_id]["Properties"]["Policies"]
        for s in policy["PolicyDocument"]["Statement"]
    ]
    actions = {a for s in statements for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])}
    assert "ses:SendEmail" in actions
    assert {a for a in actions if a.startswith("dynamodb:")} == {"dynamodb:GetItem"}
    assert not {a for a in actions if a.startswith(("s3:", "events:", "sns:"))}
