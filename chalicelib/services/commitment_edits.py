"""Editing a commitment (PATCH with expected_version) and reading its history page by page."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.clock import utcnow
from chalicelib.domain.commitment_edits import edited
from chalicelib.domain.commitments import Commitment
from chalicelib.domain.principal import Principal, Role
from chalicelib.repositories.advocacy import AdvocacyRepository
from chalicelib.repositories.commitment_history import CommitmentHistory
from chalicelib.services.advocacy_access import READERS, visible_commitment


def edit_commitment(
    *,
    principal: Principal,
    commitment_id: str,
    changes: dict[str, Any],
    expected_version: int,
    repo: AdvocacyRepository | None = None,
    history: CommitmentHistory | None = None,
    now: datetime | None = None,
) -> Commitment:
    """Change a commitment's description, due date, amount (while proposed) or next step; one history
    entry lists each changed field with its old and new value. Sending the current values changes
    nothing (a retry), whatever the version."""
    principal.require(Role.DISTRICT_ADMIN)
    repo = repo or AdvocacyRepository(tenant_id=principal.tenant)
    current = visible_commitment(principal, repo, commitment_id)
    after, entry = edited(current, changes, expected_version=expected_version, at=now or utcnow(), by=principal.key_id)
    if entry is not None:
        (history or CommitmentHistory(tenant_id=principal.tenant)).record_edit(before=current, after=after, edit=entry)
    return after


def history_page(
    *,
    principal: Principal,
    commitment_id: str,
    kind: str,
    limit: int,
    cursor: str | None,
    repo: AdvocacyRepository | None = None,
    history: CommitmentHistory | None = None,
) -> tuple[list[Any], str | None]:
    """One page of a commitment's transitions, actions or edits, if the caller may see it."""
    principal.require(*READERS)
    repo = repo or AdvocacyRepository(tenant_id=principal.tenant)
    commitment = visible_commitment(principal, repo, commitment_id)
    history = history or CommitmentHistory(tenant_id=principal.tenant)
    return history.page(commitment.commitment_id, kind, limit=limit, cursor=cursor)
