"""Reports stored under non-lower-case ids before ids were canonical: `tpbis canonical-ids` resolves them."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from chalicelib.cli import main
from chalicelib.domain.reports import Report, ReportContent, ReportStatus, ReportType
from chalicelib.repositories.reports import ReportRepository

TENANT = "33.15"
AT = dt.datetime(2026, 11, 3, tzinfo=dt.UTC)


def _stored(sid: str, visitors: int = 12) -> Report:
    content = ReportContent("33.15.01.2001", ReportType.VISITS, dt.date(2026, 11, 2), {"visitors": visitors})
    report = Report.new(tenant_id=TENANT, submission_id=sid, content=content, by="k", at=AT)
    assert ReportRepository(tenant_id=TENANT).add(report)  # the repository stores what it is given
    return report


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, object]:
    assert main(["canonical-ids", *args]) == 0
    return dict(json.loads(capsys.readouterr().out))


def test_a_dry_run_lists_and_changes_nothing(aws: None, capsys: pytest.CaptureFixture[str]) -> None:
    _stored("6B6F7A52-3C1E-4B8E-9A57-0D4A1F1C2EAB")
    summary = _run(capsys)
    assert summary["applied"] is False and summary["moved"] == [f"{TENANT}/6B6F7A52-3C1E-4B8E-9A57-0D4A1F1C2EAB"]
    assert ReportRepository(tenant_id=TENANT).get("6b6f7a52-3c1e-4b8e-9a57-0d4a1f1c2eab") is None


def test_a_lone_upper_case_id_moves_to_its_lower_case_id_with_its_history(
    aws: None, capsys: pytest.CaptureFixture[str]
) -> None:
    upper = "6B6F7A52-3C1E-4B8E-9A57-0D4A1F1C2EAB"
    original = _stored(upper)
    assert _run(capsys, "--apply")["moved"] == [f"{TENANT}/{upper}"]
    repo = ReportRepository(tenant_id=TENANT)
    moved = repo.get(upper.lower())
    assert moved is not None and repo.get(upper) is None
    assert (moved.content, moved.version, moved.history) == (original.content, 1, original.history)
    assert _run(capsys, "--apply")["moved"] == []  # nothing left


def test_a_same_content_twin_is_voided_once_and_a_different_one_is_left_and_listed(
    aws: None, capsys: pytest.CaptureFixture[str]
) -> None:
    sid_a, sid_b = "0b6f7a52-3c1e-4b8e-9a57-0d4a1f1c2e0a", "0b6f7a52-3c1e-4b8e-9a57-0d4a1f1c2e0b"
    _stored(sid_a), _stored(sid_a.upper())
    _stored(sid_b, visitors=5), _stored(sid_b.upper(), visitors=50)
    summary = _run(capsys, "--apply")
    assert summary["voided_copies"] == [f"{TENANT}/{sid_a.upper()}"]
    assert summary["conflicting"] == [f"{TENANT}/{sid_b.upper()}"]
    repo = ReportRepository(tenant_id=TENANT)
    copy = repo.get(sid_a.upper())
    assert copy is not None and copy.status is ReportStatus.VOID and copy.history[-1].by == "canonical-ids"
    assert repo.get(sid_a) is not None and repo.get(sid_a).status is ReportStatus.ACTIVE  # type: ignore[union-attr]
    assert {repo.get(sid_b).status, repo.get(sid_b.upper()).status} == {ReportStatus.ACTIVE}  # type: ignore[union-attr]
    assert _run(capsys, "--apply")["voided_copies"] == [f"{TENANT}/{sid_a.upper()}"]  # already void: no new write
    assert repo.get(sid_a.upper()).version == 2  # type: ignore[union-attr]
