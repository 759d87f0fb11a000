"""Editing a commitment and reading its history page by page."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice.app import Blueprint

from chalicelib.api.http import endpoint
from chalicelib.domain.principal import Principal, Role
from chalicelib.lazy import lazy_import
from chalicelib.schemas.commitment_edits import ActionPage, CommitmentUpdate, EditPage, EditPublic, TransitionPage
from chalicelib.schemas.commitments import ActionPublic, CommitmentPublic, TransitionPublic
from chalicelib.schemas.common import PageQuery

commitment_edits_bp = Blueprint(__name__)
if TYPE_CHECKING:
    from chalicelib.services import commitment_edits as service
else:
    service = lazy_import("chalicelib.services.commitment_edits")
TAG = "commitments"


@endpoint(
    commitment_edits_bp,
    "/v1/commitments/{commitment_id}",
    "PATCH",
    summary="Edit a commitment",
    tag=TAG,
    body=CommitmentUpdate,
    responses={200: CommitmentPublic},
    roles=(Role.DISTRICT_ADMIN,),
    description="Description, due date, amount (while proposed), next step and its due date; null clears an "
    "optional field. 409 when `expected_version` is stale; 422 for a final commitment. Each edit is kept "
    "with every changed field's old and new value (GET .../edits).",
)
def edit_commitment(*, principal: Principal, commitment_id: str, body: CommitmentUpdate) -> CommitmentPublic:
    """The commitment after the edit."""
    updated = service.edit_commitment(
        principal=principal, commitment_id=commitment_id, changes=body.changes(), expected_version=body.expected_version
    )
    return CommitmentPublic.of(updated)


@endpoint(
    commitment_edits_bp,
    "/v1/commitments/{commitment_id}/transitions",
    summary="A commitment's transitions, paged",
    tag=TAG,
    query=PageQuery,
    responses={200: TransitionPage},
)
def list_transitions(*, principal: Principal, commitment_id: str, query: PageQuery) -> TransitionPage:
    """Its status changes by version."""
    items, cursor = service.history_page(
        principal=principal, commitment_id=commitment_id, kind="transition", limit=query.limit, cursor=query.cursor
    )
    return TransitionPage(items=[TransitionPublic.of(t) for t in items], next_cursor=cursor)


@endpoint(
    commitment_edits_bp,
    "/v1/commitments/{commitment_id}/actions",
    summary="A commitment's advocacy actions, paged",
    tag=TAG,
    query=PageQuery,
    responses={200: ActionPage},
)
def list_actions(*, principal: Principal, commitment_id: str, query: PageQuery) -> ActionPage:
    """Its advocacy actions by date."""
    items, cursor = service.history_page(
        principal=principal, commitment_id=commitment_id, kind="action", limit=query.limit, cursor=query.cursor
    )
    return ActionPage(items=[ActionPublic.of(a) for a in items], next_cursor=cursor)


@endpoint(
    commitment_edits_bp,
    "/v1/commitments/{commitment_id}/edits",
    summary="A commitment's edits, paged",
    tag=TAG,
    query=PageQuery,
    responses={200: EditPage},
)
def list_edits(*, principal: Principal, commitment_id: str, query: PageQuery) -> EditPage:
    """Its edits by version, each changed field with its old and new value."""
    items, cursor = service.history_page(
        principal=principal, commitment_id=commitment_id, kind="edit", limit=query.limit, cursor=query.cursor
    )
    return EditPage(items=[EditPublic.of(e) for e in items], next_cursor=cursor)
