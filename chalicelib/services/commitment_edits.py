"""Editing a commitment (PATCH with expected_version) and reading its history page by page."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.clock import utcnow
from chalicelib.domain.commitment_edits import edited
from chalicelib.domain.commitments import Commitment
from chalicelib.domain.principal import Principal, Role
from chalicelib.services.advocacy_access import READERS, advocacy_of, visible_commitment
from chalicelib.stores.advocacy import HistoryKind, Page


def edit_commitment(
    *,
    principal: Principal,
    commitment_id: str,
    changes: dict[str, Any],
    expected_version: int,
    now: datetime | None = None,
) -> Commitment:
    """Change a commitment's description, due date, amount (while proposed) or next step; one history
    entry lists each changed field with its old and new value. Sending the current values changes
    nothing (a retry), whatever the version."""
    commitments = advocacy_of(principal, Role.DISTRICT_ADMIN).commitments
    current = visible_commitment(principal, commitments, commitment_id)
    after, entry = edited(current, changes, expected_version=expected_version, at=now or utcnow(), by=principal.key_id)
    if entry is not None:
        commitments.edit(before=current, after=after, edit=entry)
    return after


def history_page(
    *, principal: Principal, commitment_id: str, kind: HistoryKind, limit: int, cursor: str | None
) -> Page:
    """One page of a commitment's transitions, actions or edits, if the caller may see it."""
    stores = advocacy_of(principal, *READERS)
    commitment = visible_commitment(principal, stores.commitments, commitment_id)
    return stores.history.page(commitment.commitment_id, kind, limit=limit, cursor=cursor)
