"""Delivering reminder events to the regency office's contact: SES, an SNS topic, or a local outbox."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from chalicelib import aws_clients
from chalicelib.clock import utcnow
from chalicelib.config import get_settings
from chalicelib.domain.reminder_mail import KINDS, Mail, compose
from chalicelib.observability import logger
from chalicelib.stores import for_tenant, platform


def deliver(event: dict[str, Any]) -> str:
    """Send the e-mail of one reminder event (as EventBridge hands it over); what happened:
    `sent`, `switched_off`, `no_tenant` or `ignored` (not a reminder)."""
    detail_type = str(event.get("detail-type", ""))
    detail = event.get("detail") or {}
    if detail_type not in KINDS or not isinstance(detail, dict):
        return "ignored"
    tenant_id = str(detail.get("tenant_id", ""))
    tenant = platform().tenants.get(tenant_id) if tenant_id else None
    if tenant is None:
        logger.warning("reminder for an unknown tenant", extra={"tenant_id": tenant_id})
        return "no_tenant"
    if not for_tenant(tenant_id).periods.reminder_emails():
        return "switched_off"
    mail = compose(detail_type, detail, to=tenant.contact_email, office=tenant.office_name)
    send(mail, tenant_id=tenant_id)
    return "sent"


def send(mail: Mail, *, tenant_id: str) -> None:
    """Send through the configured channel."""
    settings = get_settings()
    if settings.reminder_channel == "outbox":
        _to_outbox(mail, tenant_id, Path(settings.outbox_dir or "outbox"))
    elif settings.reminder_channel == "sns":
        aws_clients.sns().publish(
            TopicArn=settings.reminder_topic_arn,
            Subject=mail.subject[:100],
            Message=mail.body,
            MessageAttributes={"tenant_id": {"DataType": "String", "StringValue": tenant_id}},
        )
    else:
        aws_clients.ses().send_email(
            Source=settings.reminder_sender,
            Destination={"ToAddresses": [mail.to]},
            Message={"Subject": {"Data": mail.subject}, "Body": {"Text": {"Data": mail.body}}},
        )


def _to_outbox(mail: Mail, tenant_id: str, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    stamp = utcnow().strftime("%Y%m%dT%H%M%S%f")
    name = f"{stamp}-{re.sub(r'[^0-9A-Za-z]+', '_', tenant_id)}.json"
    (folder / name).write_text(
        json.dumps({"to": mail.to, "subject": mail.subject, "body": mail.body}, ensure_ascii=False, indent=2),
        encoding="utf-8",
    )
