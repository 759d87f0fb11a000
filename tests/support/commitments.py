"""A commitment as the domain holds it, for unit tests of the commitment rules (no AWS)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from chalicelib.domain.commitments import Commitment, CommitmentKind, CommitmentStatus

AT = datetime(2026, 11, 3, 2, 0, tzinfo=UTC)


def commitment(
    status: CommitmentStatus = CommitmentStatus.PROPOSED, kind: CommitmentKind = CommitmentKind.POLICY, **changes: Any
) -> Commitment:
    """A commitment at version 3 of a kind in a status (a budget pledges 25 million rupiah), with `changes`."""
    base = Commitment(
        commitment_id="00000000000000aa",
        tenant_id="33.15",
        stakeholder_id="00000000000000bb",
        kind=kind,
        description="Perdes perpustakaan desa",
        due_date=date(2026, 12, 31),
        village_code="33.15.01.2001",
        status=status,
        version=3,
        created_at=AT,
        updated_at=AT,
        created_by="key",
        amount_idr=25_000_000 if kind is CommitmentKind.BUDGET else None,
    )
    return replace(base, **changes)
