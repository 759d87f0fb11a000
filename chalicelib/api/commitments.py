"""Advocacy: stakeholders, their commitments, the commitment workflow and advocacy actions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice.app import Blueprint

from chalicelib.api.http import endpoint
from chalicelib.domain.commitments import (
    CommitmentKind,
    CommitmentStatus,
    NewAction,
    NewCommitment,
    NewStakeholder,
    TransitionRequest,
)
from chalicelib.domain.principal import Principal
from chalicelib.lazy import lazy_import
from chalicelib.schemas.commitments import (
    ActionCreate,
    ActionPublic,
    CommitmentCreate,
    CommitmentDetail,
    CommitmentListQuery,
    CommitmentPage,
    CommitmentPublic,
    ReminderRunSummary,
    StakeholderCreate,
    StakeholderDetail,
    StakeholderListQuery,
    StakeholderPage,
    StakeholderPublic,
    StakeholderUpdate,
    TransitionCreate,
    TransitionPublic,
    TransitionResult,
)

if TYPE_CHECKING:
    from chalicelib.services import commitments as service
    from chalicelib.services import idempotency, reminders, stakeholders
else:
    service = lazy_import("chalicelib.services.commitments")
    stakeholders = lazy_import("chalicelib.services.stakeholders")
    reminders = lazy_import("chalicelib.services.reminders")
    idempotency = lazy_import("chalicelib.services.idempotency")

commitments_bp = Blueprint(__name__)

TAG = "commitments"
IDEMPOTENT = (
    "Send an `Idempotency-Key` header (any unique string, at most 255 characters) to make a retry "
    "safe: the same key with the same body within 24 hours returns the first result instead of a duplicate."
)


def _idempotency_key() -> Any:
    request = commitments_bp.current_request
    key = request.headers.get("idempotency-key") if request.headers else None
    return None if key is None else idempotency.IdempotencyKey(key=key, lambda_context=request.lambda_context)


@endpoint(
    commitments_bp,
    "/v1/stakeholders",
    "POST",
    summary="Record a stakeholder",
    tag=TAG,
    body=StakeholderCreate,
    responses={201: StakeholderPublic},
    description=IDEMPOTENT,
)
def create_stakeholder(*, principal: Principal, body: StakeholderCreate) -> StakeholderPublic:
    """A district admin records a decision maker or partner."""
    data = NewStakeholder(**body.model_dump())
    created = stakeholders.create_stakeholder(principal=principal, data=data, idempotency_key=_idempotency_key())
    return StakeholderPublic.of(created)


@endpoint(
    commitments_bp,
    "/v1/stakeholders",
    summary="List stakeholders",
    tag=TAG,
    query=StakeholderListQuery,
    responses={200: StakeholderPage},
)
def list_stakeholders(*, principal: Principal, query: StakeholderListQuery) -> StakeholderPage:
    """The tenant's stakeholders, by kind and village."""
    items, cursor = stakeholders.list_stakeholders(
        principal=principal, kind=query.kind, village_code=query.village_code, limit=query.limit, cursor=query.cursor
    )
    return StakeholderPage(items=[StakeholderPublic.of(s) for s in items], next_cursor=cursor)


@endpoint(
    commitments_bp,
    "/v1/stakeholders/{stakeholder_id}",
    summary="A stakeholder with its commitments",
    tag=TAG,
    responses={200: StakeholderDetail},
)
def get_stakeholder(*, principal: Principal, stakeholder_id: str) -> StakeholderDetail:
    """A stakeholder and the commitments it made, by due date."""
    stakeholder, commitments = stakeholders.get_stakeholder(principal=principal, stakeholder_id=stakeholder_id)
    return StakeholderDetail(
        **StakeholderPublic.of(stakeholder).model_dump(),
        commitments=[CommitmentPublic.of(c) for c in commitments],
    )


@endpoint(
    commitments_bp,
    "/v1/stakeholders/{stakeholder_id}",
    "PATCH",
    summary="Update a stakeholder",
    tag=TAG,
    body=StakeholderUpdate,
    responses={200: StakeholderPublic},
)
def update_stakeholder(*, principal: Principal, stakeholder_id: str, body: StakeholderUpdate) -> StakeholderPublic:
    """Change the fields sent; a field sent as null is cleared."""
    changes = body.model_dump(exclude_unset=True)
    updated = stakeholders.update_stakeholder(principal=principal, stakeholder_id=stakeholder_id, changes=changes)
    return StakeholderPublic.of(updated)


@endpoint(
    commitments_bp,
    "/v1/commitments",
    "POST",
    summary="Record a commitment",
    tag=TAG,
    body=CommitmentCreate,
    responses={201: CommitmentPublic},
    description=IDEMPOTENT,
)
def create_commitment(*, principal: Principal, body: CommitmentCreate) -> CommitmentPublic:
    """A district admin records a stakeholder's commitment; it starts as proposed, at version 1."""
    data = NewCommitment(
        stakeholder_id=body.stakeholder_id,
        kind=CommitmentKind(body.kind),
        description=body.description,
        due_date=body.due_date,
        amount_idr=body.amount_idr,
        village_code=body.village_code,
        village_given="village_code" in body.model_fields_set,
    )
    created = service.create_commitment(principal=principal, data=data, idempotency_key=_idempotency_key())
    return CommitmentPublic.of(created)


@endpoint(
    commitments_bp,
    "/v1/commitments",
    summary="List commitments",
    tag=TAG,
    query=CommitmentListQuery,
    responses={200: CommitmentPage},
)
def list_commitments(*, principal: Principal, query: CommitmentListQuery) -> CommitmentPage:
    """The tenant's commitments by due date, filtered by status, overdue flag, stakeholder and village."""
    items, cursor = service.list_commitments(
        principal=principal,
        status=query.status,
        overdue=query.overdue,
        stakeholder_id=query.stakeholder_id,
        village_code=query.village_code,
        limit=query.limit,
        cursor=query.cursor,
        due_before=query.due_before,
    )
    return CommitmentPage(items=[CommitmentPublic.of(c) for c in items], next_cursor=cursor)


@endpoint(
    commitments_bp,
    "/v1/commitments/{commitment_id}",
    summary="A commitment with its history",
    tag=TAG,
    responses={200: CommitmentDetail},
)
def get_commitment(*, principal: Principal, commitment_id: str) -> CommitmentDetail:
    """A commitment with its transitions (by version) and advocacy actions (by date)."""
    commitment, transitions, actions = service.get_commitment(principal=principal, commitment_id=commitment_id)
    return CommitmentDetail(
        **CommitmentPublic.of(commitment).model_dump(),
        transitions=[TransitionPublic.of(t) for t in transitions],
        actions=[ActionPublic.of(a) for a in actions],
    )


@endpoint(
    commitments_bp,
    "/v1/commitments/{commitment_id}/transitions",
    "POST",
    summary="Move a commitment along its workflow",
    tag=TAG,
    body=TransitionCreate,
    responses={201: TransitionResult},
    description=(
        "proposed → committed | withdrawn; committed → in_progress | fulfilled | lapsed | withdrawn; "
        "in_progress → fulfilled | lapsed; fulfilled, lapsed and withdrawn are final. A move the workflow "
        "does not allow answers 422 naming the allowed ones; a stale `expected_version` answers 409."
    ),
)
def transition_commitment(*, principal: Principal, commitment_id: str, body: TransitionCreate) -> TransitionResult:
    """Record a transition; the commitment's version grows by one."""
    request = TransitionRequest(
        to=CommitmentStatus(body.to),
        expected_version=body.expected_version,
        note=body.note,
        evidence_url=body.evidence_url,
        realized_amount_idr=body.realized_amount_idr,
        occurred_on=body.occurred_on,
    )
    commitment, step = service.transition_commitment(principal=principal, commitment_id=commitment_id, request=request)
    return TransitionResult(commitment=CommitmentPublic.of(commitment), transition=TransitionPublic.of(step))


@endpoint(
    commitments_bp,
    "/v1/commitments/{commitment_id}/actions",
    "POST",
    summary="Log an advocacy action",
    tag=TAG,
    body=ActionCreate,
    responses={201: ActionPublic},
    description=IDEMPOTENT,
)
def add_action(*, principal: Principal, commitment_id: str, body: ActionCreate) -> ActionPublic:
    """Log a meeting, audience, letter, presentation, visit or follow-up for a commitment."""
    data = NewAction(**body.model_dump())
    action = service.add_action(
        principal=principal, commitment_id=commitment_id, data=data, idempotency_key=_idempotency_key()
    )
    return ActionPublic.of(action)


@endpoint(
    commitments_bp,
    "/v1/admin/jobs/commitment-reminders/run",
    "POST",
    summary="Run the overdue-commitment reminders now",
    tag="admin",
    responses={200: ReminderRunSummary},
)
def run_commitment_reminders(*, principal: Principal) -> ReminderRunSummary:
    """The platform admin runs the daily reminder job now (it is idempotent)."""
    summary = reminders.run_now(principal=principal)
    return ReminderRunSummary(
        checked=summary.checked,
        newly_overdue=summary.newly_overdue,
        events_published=summary.events_published,
        cleared=summary.cleared,
        next_steps_announced=summary.next_steps_announced,
    )
