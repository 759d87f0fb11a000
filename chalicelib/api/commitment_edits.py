"""Editing a commitment and reading its history page by page."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice.app import Blueprint

from chalicelib.api.http import endpoint
from chalicelib.domain.principal import Principal, Role
from chalicelib.lazy import lazy_import

commitment_edits_bp = Blueprint(__name__)
if TYPE_CHECKING:
    from chalicelib.schemas import commitment_edits as commitment_edits_schema
    from chalicelib.schemas import commitments as commitments_schema
    from chalicelib.schemas import common as common_schema
    from chalicelib.services import commitment_edits as service
else:
    commitment_edits_schema = lazy_import("chalicelib.schemas.commitment_edits")
    commitments_schema = lazy_import("chalicelib.schemas.commitments")
    common_schema = lazy_import("chalicelib.schemas.common")
    service = lazy_import("chalicelib.services.commitment_edits")
TAG = "commitments"


@endpoint(
    commitment_edits_bp,
    "/v1/commitments/{commitment_id}",
    "PATCH",
    summary="Edit a commitment",
    tag=TAG,
    body=lambda: commitment_edits_schema.CommitmentUpdate,
    responses={200: lambda: commitments_schema.CommitmentPublic},
    roles=(Role.DISTRICT_ADMIN,),
    description="Description, due date, amount (while proposed), next step and its due date; null clears an "
    "optional field. 409 when `expected_version` is stale; 422 for a final commitment. Each edit is kept "
    "with every changed field's old and new value (GET .../edits).",
)
def edit_commitment(
    *, principal: Principal, commitment_id: str, body: commitment_edits_schema.CommitmentUpdate
) -> commitments_schema.CommitmentPublic:
    """The commitment after the edit."""
    updated = service.edit_commitment(
        principal=principal, commitment_id=commitment_id, changes=body.changes(), expected_version=body.expected_version
    )
    return commitments_schema.CommitmentPublic.of(updated)


@endpoint(
    commitment_edits_bp,
    "/v1/commitments/{commitment_id}/transitions",
    summary="A commitment's transitions, paged",
    tag=TAG,
    query=lambda: common_schema.PageQuery,
    responses={200: lambda: commitment_edits_schema.TransitionPage},
)
def list_transitions(
    *, principal: Principal, commitment_id: str, query: common_schema.PageQuery
) -> commitment_edits_schema.TransitionPage:
    """Its status changes by version."""
    items, cursor = service.history_page(
        principal=principal, commitment_id=commitment_id, kind="transition", limit=query.limit, cursor=query.cursor
    )
    return commitment_edits_schema.TransitionPage(
        items=[commitments_schema.TransitionPublic.of(t) for t in items], next_cursor=cursor
    )


@endpoint(
    commitment_edits_bp,
    "/v1/commitments/{commitment_id}/actions",
    summary="A commitment's advocacy actions, paged",
    tag=TAG,
    query=lambda: common_schema.PageQuery,
    responses={200: lambda: commitment_edits_schema.ActionPage},
)
def list_actions(
    *, principal: Principal, commitment_id: str, query: common_schema.PageQuery
) -> commitment_edits_schema.ActionPage:
    """Its advocacy actions by date."""
    items, cursor = service.history_page(
        principal=principal, commitment_id=commitment_id, kind="action", limit=query.limit, cursor=query.cursor
    )
    return commitment_edits_schema.ActionPage(
        items=[commitments_schema.ActionPublic.of(a) for a in items], next_cursor=cursor
    )


@endpoint(
    commitment_edits_bp,
    "/v1/commitments/{commitment_id}/edits",
    summary="A commitment's edits, paged",
    tag=TAG,
    query=lambda: common_schema.PageQuery,
    responses={200: lambda: commitment_edits_schema.EditPage},
)
def list_edits(
    *, principal: Principal, commitment_id: str, query: common_schema.PageQuery
) -> commitment_edits_schema.EditPage:
    """Its edits by version, each changed field with its old and new value."""
    items, cursor = service.history_page(
        principal=principal, commitment_id=commitment_id, kind="edit", limit=query.limit, cursor=query.cursor
    )
    return commitment_edits_schema.EditPage(
        items=[commitment_edits_schema.EditPublic.of(e) for e in items], next_cursor=cursor
    )
