"""The e-mail a regency office gets for a reminder event (Bahasa Indonesia first, then English)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

OVERDUE = "CommitmentOverdue"
NEXT_STEP_DUE = "CommitmentNextStepDue"
KINDS = (OVERDUE, NEXT_STEP_DUE)


@dataclass(frozen=True)
class Mail:
    """One message to one address."""

    to: str
    subject: str
    body: str


def compose(detail_type: str, detail: dict[str, Any], *, to: str, office: str) -> Mail:
    """The message for a reminder event; ValueError for an event that is not a reminder."""
    cid = detail.get("commitment_id", "?")
    stakeholder = (detail.get("stakeholder") or {}).get("name") or detail.get("stakeholder_id") or "-"
    if detail_type == OVERDUE:
        subject = f"[TPBIS] Komitmen lewat tenggat / Commitment overdue: {stakeholder}"
        lines = [
            f"Yth. {office},",
            "",
            f"Komitmen {cid} dari {stakeholder} belum terpenuhi dan tenggatnya ({detail.get('due_date')}) sudah lewat.",
            f"Status: {detail.get('status')}. Jenis: {detail.get('kind')}.",
            "",
            f"Commitment {cid} of {stakeholder} is past its due date ({detail.get('due_date')}) and not yet kept.",
        ]
    elif detail_type == NEXT_STEP_DUE:
        step, due = detail.get("next_step"), detail.get("next_step_due")
        subject = f"[TPBIS] Langkah berikutnya jatuh tempo / Next step due: {step}"
        lines = [
            f"Yth. {office},",
            "",
            f"Langkah berikutnya untuk komitmen {cid} jatuh tempo pada {due}: {step}",
            "",
            f"The next step of commitment {cid} is due on {due}: {step}",
        ]
    else:
        raise ValueError(f"not a reminder event: {detail_type}")
    return Mail(to=to, subject=subject, body="\n".join(lines) + "\n")
