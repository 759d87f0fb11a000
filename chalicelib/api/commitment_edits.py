"""Editing a commitment and reading its history page by page.

The three history reads (`GET /v1/commitments/{id}/transitions`, `.../actions`, `.../edits`) differ only
in the kind of entry they page through: one view serves them, declared once for each kind."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from chalice.app import Blueprint

from chalicelib.api.http import Routes, page_of
from chalicelib.domain.principal import Principal, Role
from chalicelib.lazy import lazy_import

commitment_edits_bp = Blueprint(__name__)
if TYPE_CHECKING:
    from chalicelib.schemas import commitment_edits as commitment_edits_schema
    from chalicelib.schemas import commitments as commitments_schema
    from chalicelib.schemas import common as common_schema
    from chalicelib.services import commitment_edits as service
    from chalicelib.stores.advocacy import HistoryKind
else:
    commitment_edits_schema = lazy_import("chalicelib.schemas.commitment_edits")
    commitments_schema = lazy_import("chalicelib.schemas.commitments")
    common_schema = lazy_import("chalicelib.schemas.common")
    service = lazy_import("chalicelib.services.commitment_edits")
routes = Routes(commitment_edits_bp, "commitments")


@routes.patch("/v1/commitments/{commitment_id}", "Edit a commitment", roles=(Role.DISTRICT_ADMIN,))
def edit_commitment(
    *, principal: Principal, commitment_id: str, body: commitment_edits_schema.CommitmentUpdate
) -> commitments_schema.CommitmentPublic:
    """The commitment after the edit.

    Description, due date, amount (while proposed), next step and its due date; null clears an optional field. 409
    when `expected_version` is stale; 422 for a final commitment. Each edit is kept with every changed field's old
    and new value (GET .../edits).
    """
    updated = service.edit_commitment(
        principal=principal, commitment_id=commitment_id, changes=body.changes(), expected_version=body.expected_version
    )
    return commitments_schema.CommitmentPublic.of(updated)


HISTORY: dict[HistoryKind, tuple[str, str]] = {  # the kind of entry: the summary and description of its paged read
    "transition": ("A commitment's transitions, paged", "Its status changes by version."),
    "action": ("A commitment's advocacy actions, paged", "Its advocacy actions by date."),
    "edit": ("A commitment's edits, paged", "Its edits by version, each changed field with its old and new value."),
}


def _models(kind: HistoryKind) -> tuple[type[Any], Callable[[Any], Any]]:
    """The page model of a kind of history entry, and how one entry is rendered."""
    if kind == "transition":
        return commitment_edits_schema.TransitionPage, commitments_schema.TransitionPublic.of
    if kind == "action":
        return commitment_edits_schema.ActionPage, commitments_schema.ActionPublic.of
    return commitment_edits_schema.EditPage, commitment_edits_schema.EditPublic.of


def _history_read(kind: HistoryKind, summary: str, doc: str) -> Callable[..., Any]:
    """Declare `GET /v1/commitments/{commitment_id}/<kind>s`: the commitment's entries of `kind`, paged."""

    def read(*, principal: Principal, commitment_id: str, query: common_schema.PageQuery) -> Any:
        page, item = _models(kind)
        listed = service.history_page(
            principal=principal, commitment_id=commitment_id, kind=kind, limit=query.limit, cursor=query.cursor
        )
        return page_of(page, item, listed)

    read.__name__, read.__doc__ = f"list_{kind}s", doc
    path = f"/v1/commitments/{{commitment_id}}/{kind}s"
    return routes.get(path, summary, lambda: _models(kind)[0], query=lambda: common_schema.PageQuery)(read)


list_transitions, list_actions, list_edits = (_history_read(kind, *texts) for kind, texts in HISTORY.items())
