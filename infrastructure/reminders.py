"""Reminder e-mails in AWS: a rule on the service's bus sends each reminder event to the delivery function."""

from __future__ import annotations

from aws_cdk import ArnFormat, CfnResource, Stack
from aws_cdk import aws_events as events
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from chalicelib.domain.reminder_mail import KINDS
from chalicelib.services.reminders import SOURCE


def route_reminders(
    scope: Construct, *, function: CfnResource, function_name: str, bus: events.EventBus, sender: str | None
) -> events.CfnRule:
    """The rule (CommitmentOverdue and CommitmentNextStepDue of `tpbis.commitments`) and the
    permission for EventBridge to invoke the function; SES is the channel, from `sender`
    (CDK context `reminder_sender`: an address or domain verified in SES)."""
    stack = Stack.of(scope)
    function_arn = stack.format_arn(
        service="lambda", resource="function", resource_name=function_name, arn_format=ArnFormat.COLON_RESOURCE_NAME
    )
    rule = events.CfnRule(
        scope,
        "ReminderDelivery",
        event_bus_name=bus.event_bus_name,
        description="Reminder events to the office's contact e-mail",
        event_pattern={"source": [SOURCE], "detail-type": list(KINDS)},
        targets=[events.CfnRule.TargetProperty(id="deliver", arn=function_arn)],
    )
    rule.add_dependency(function)
    lambda_.CfnPermission(
        scope,
        "ReminderDeliveryInvoke",
        action="lambda:InvokeFunction",
        function_name=function_name,
        principal="events.amazonaws.com",
        source_arn=rule.attr_arn,
    ).add_dependency(function)
    variables = "Environment.Variables."
    function.add_property_override(variables + "TPBIS_REMINDER_CHANNEL", "ses")
    if sender:
        function.add_property_override(variables + "TPBIS_REMINDER_SENDER", sender)
    return rule
