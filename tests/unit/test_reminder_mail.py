"""The reminder e-mails a regency office gets: Bahasa Indonesia first, then English (no AWS)."""

from __future__ import annotations

import pytest

from chalicelib.domain.reminder_mail import KINDS, NEXT_STEP_DUE, OVERDUE, compose

OVERDUE_DETAIL = {
    "commitment_id": "00000000000000aa",
    "stakeholder": {"name": "Bappeda Grobogan"},
    "stakeholder_id": "00000000000000bb",
    "due_date": "2026-10-31",
    "status": "committed",
    "kind": "budget",
}


def test_an_overdue_mail_names_the_stakeholder_the_due_date_and_the_status_in_both_languages() -> None:
    mail = compose(OVERDUE, OVERDUE_DETAIL, to="dinas@example.id", office="Dinas Perpustakaan Grobogan")
    assert mail.to == "dinas@example.id"
    assert mail.subject == "[TPBIS] Komitmen lewat tenggat / Commitment overdue: Bappeda Grobogan"
    lines = mail.body.splitlines()
    assert lines[0] == "Yth. Dinas Perpustakaan Grobogan,"
    indonesian = next(i for i, line in enumerate(lines) if line.startswith("Komitmen"))
    english = next(i for i, line in enumerate(lines) if line.startswith("Commitment"))
    assert indonesian < english
    assert "2026-10-31" in lines[indonesian] and "2026-10-31" in lines[english]
    assert "Status: committed. Jenis: budget." in lines
    assert mail.body.endswith("\n")


def test_an_overdue_mail_without_a_stakeholder_name_falls_back_to_its_id_then_to_a_dash() -> None:
    without_name = {**OVERDUE_DETAIL, "stakeholder": None}
    assert compose(OVERDUE, without_name, to="a@b.id", office="o").subject.endswith(": 00000000000000bb")
    anonymous = {k: v for k, v in without_name.items() if k != "stakeholder_id"}
    assert compose(OVERDUE, anonymous, to="a@b.id", office="o").subject.endswith(": -")


def test_a_next_step_mail_names_the_step_and_its_due_date() -> None:
    detail = {"commitment_id": "00000000000000aa", "next_step": "Rapat dengan DPRD", "next_step_due": "2026-11-20"}
    mail = compose(NEXT_STEP_DUE, detail, to="a@b.id", office="Dinas")
    assert mail.subject == "[TPBIS] Langkah berikutnya jatuh tempo / Next step due: Rapat dengan DPRD"
    assert "jatuh tempo pada 2026-11-20: Rapat dengan DPRD" in mail.body
    assert "is due on 2026-11-20: Rapat dengan DPRD" in mail.body


def test_an_event_that_is_not_a_reminder_is_refused() -> None:
    assert set(KINDS) == {OVERDUE, NEXT_STEP_DUE}
    with pytest.raises(ValueError, match="not a reminder event"):
        compose("CommitmentCreated", OVERDUE_DETAIL, to="a@b.id", office="o")
