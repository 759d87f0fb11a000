"""Reminder e-mails: the bus's reminder events reach the office's contact (SES, or a local outbox)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from tests.advocacy import new_commitment
from tests.factories import GROBOGAN, Tenants
from tests.http_client import ApiClient

RUN = "/v1/admin/jobs/commitment-reminders/run"


@pytest.fixture
def outbox(aws: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Path, str]]:
    """Reminder events routed to a folder, as `make run` does."""
    from chalicelib.config import get_settings
    from devstack import outbox as local

    # Both set through monkeypatch first, so that both are undone after the test.
    monkeypatch.setenv("TPBIS_OUTBOX_DIR", str(tmp_path / "outbox"))
    monkeypatch.setenv("TPBIS_REMINDER_CHANNEL", "outbox")
    folder = local.configure()
    yield folder, local.subscribe()
    get_settings.cache_clear()


def _deliver_queued(url: str) -> int:
    from app import app
    from devstack.outbox import drain

    return drain(url, app.handler_map["deliver_reminders"])


def _mails(folder: Path) -> list[dict[str, Any]]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))]


def test_an_overdue_commitment_and_a_due_next_step_reach_the_office_contact(
    tenants: Tenants, api: ApiClient, admin_key: str, outbox: tuple[Path, str]
) -> None:
    folder, url = outbox
    grobogan = tenants.create(GROBOGAN)
    late = new_commitment(api, grobogan, due_date="2020-01-31")
    step = {"expected_version": 1, "next_step": "Audiensi dengan Bupati", "next_step_due": "2026-11-20"}
    assert api.patch(f"/v1/commitments/{late['commitment_id']}", key=grobogan.admin, json=step).status == 200
    assert api.post(RUN, key=admin_key).status == 200
    assert _deliver_queued(url) == 2
    mails = _mails(folder)
    assert {m["to"] for m in mails} == {"sri@example.id"}
    subjects = sorted(m["subject"] for m in mails)
    assert "Commitment overdue" in subjects[0] and "Next step due: Audiensi dengan Bupati" in subjects[1]
    assert all(late["commitment_id"] in m["body"] for m in mails)


def test_an_office_that_switched_reminders_off_gets_no_mail(
    tenants: Tenants, api: ApiClient, admin_key: str, outbox: tuple[Path, str]
) -> None:
    folder, url = outbox
    grobogan = tenants.create(GROBOGAN)
    assert api.get("/v1/settings/notifications", key=grobogan.viewer).json == {"reminder_emails": True}
    assert api.put("/v1/settings/notifications", key=grobogan.viewer, json={"reminder_emails": False}).status == 403
    assert api.put("/v1/settings/notifications", key=grobogan.admin, json={"reminder_emails": "no"}).status == 422
    assert api.put("/v1/settings/notifications", key=grobogan.admin, json={"reminder_emails": False}).status == 200
    new_commitment(api, grobogan, due_date="2020-01-31")
    assert api.post(RUN, key=admin_key).json["events_published"] == 1
    assert _deliver_queued(url) == 1
    assert _mails(folder) == []


def test_in_aws_the_mail_goes_through_ses_and_other_events_are_ignored(
    tenants: Tenants, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.config import get_settings
    from chalicelib.services.reminder_delivery import deliver

    grobogan = tenants.create(GROBOGAN)
    monkeypatch.setenv("TPBIS_REMINDER_SENDER", "noreply@tpbis.example.id")
    get_settings.cache_clear()
    ses = boto3.client("ses", region_name=get_settings().region)
    ses.verify_email_identity(EmailAddress="noreply@tpbis.example.id")
    detail = {"tenant_id": grobogan.tenant_id, "commitment_id": "c1", "due_date": "2020-01-31", "status": "committed"}
    assert deliver({"detail-type": "CommitmentOverdue", "detail": detail}) == "sent"
    assert ses.get_send_quota()["SentLast24Hours"] == 1
    assert deliver({"detail-type": "Scheduled Event", "detail": {}}) == "ignored"
    assert deliver({"detail-type": "CommitmentOverdue", "detail": {**detail, "tenant_id": "99.99"}}) == "no_tenant"
    assert ses.get_send_quota()["SentLast24Hours"] == 1
    get_settings.cache_clear()
