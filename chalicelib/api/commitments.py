"""Advocacy: stakeholders, their commitments, the commitment workflow and advocacy actions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice.app import Blueprint

from chalicelib.api.http import Routes, page_of
from chalicelib.domain.principal import Principal
from chalicelib.lazy import lazy_import

if TYPE_CHECKING:
    from chalicelib.domain import commitments as advocacy
    from chalicelib.schemas import commitments as schema
    from chalicelib.services import commitments as service
    from chalicelib.services import idempotency, reminders, stakeholders
else:
    advocacy = lazy_import("chalicelib.domain.commitments")
    schema = lazy_import("chalicelib.schemas.commitments")
    service = lazy_import("chalicelib.services.commitments")
    stakeholders = lazy_import("chalicelib.services.stakeholders")
    reminders = lazy_import("chalicelib.services.reminders")
    idempotency = lazy_import("chalicelib.services.idempotency")

commitments_bp = Blueprint(__name__)

routes = Routes(commitments_bp, "commitments")
admin = Routes(commitments_bp, "admin")
IDEMPOTENT = (
    "Send an `Idempotency-Key` header (any unique string, at most 255 characters) to make a retry "
    "safe: the same key with the same body within 24 hours returns the first result instead of a duplicate."
)


def _idempotency_key() -> Any:
    request = commitments_bp.current_request
    key = request.headers.get("idempotency-key") if request.headers else None
    return None if key is None else idempotency.IdempotencyKey(key=key, lambda_context=request.lambda_context)


@routes.post("/v1/stakeholders", "Record a stakeholder", status=201, description=IDEMPOTENT)
def create_stakeholder(*, principal: Principal, body: schema.StakeholderCreate) -> schema.StakeholderPublic:
    """A district admin records a decision maker or partner."""
    data = advocacy.NewStakeholder(**body.model_dump())
    return schema.StakeholderPublic.of(
        stakeholders.create_stakeholder(principal=principal, data=data, idempotency_key=_idempotency_key())
    )


@routes.get("/v1/stakeholders", "List stakeholders")
def list_stakeholders(*, principal: Principal, query: schema.StakeholderListQuery) -> schema.StakeholderPage:
    """The tenant's stakeholders, by kind and village."""
    listed = stakeholders.list_stakeholders(
        principal=principal, kind=query.kind, village_code=query.village_code, limit=query.limit, cursor=query.cursor
    )
    return page_of(schema.StakeholderPage, schema.StakeholderPublic.of, listed)


@routes.get("/v1/stakeholders/{stakeholder_id}", "A stakeholder with its commitments")
def get_stakeholder(*, principal: Principal, stakeholder_id: str) -> schema.StakeholderDetail:
    """A stakeholder and the commitments it made, by due date."""
    stakeholder, commitments = stakeholders.get_stakeholder(principal=principal, stakeholder_id=stakeholder_id)
    return schema.StakeholderDetail(
        **schema.StakeholderPublic.of(stakeholder).model_dump(),
        commitments=[schema.CommitmentPublic.of(c) for c in commitments],
    )


@routes.patch("/v1/stakeholders/{stakeholder_id}", "Update a stakeholder")
def update_stakeholder(
    *, principal: Principal, stakeholder_id: str, body: schema.StakeholderUpdate
) -> schema.StakeholderPublic:
    """Change the fields sent; a field sent as null is cleared."""
    changes = body.model_dump(exclude_unset=True)
    updated = stakeholders.update_stakeholder(principal=principal, stakeholder_id=stakeholder_id, changes=changes)
    return schema.StakeholderPublic.of(updated)


@routes.post("/v1/commitments", "Record a commitment", status=201, description=IDEMPOTENT)
def create_commitment(*, principal: Principal, body: schema.CommitmentCreate) -> schema.CommitmentPublic:
    """A district admin records a stakeholder's commitment; it starts as proposed, at version 1."""
    data = advocacy.NewCommitment(
        stakeholder_id=body.stakeholder_id,
        kind=advocacy.CommitmentKind(body.kind),
        description=body.description,
        due_date=body.due_date,
        amount_idr=body.amount_idr,
        village_code=body.village_code,
        village_given="village_code" in body.model_fields_set,
    )
    created = service.create_commitment(principal=principal, data=data, idempotency_key=_idempotency_key())
    return schema.CommitmentPublic.of(created)


@routes.get("/v1/commitments", "List commitments")
def list_commitments(*, principal: Principal, query: schema.CommitmentListQuery) -> schema.CommitmentPage:
    """The tenant's commitments by due date, filtered by status, overdue flag, stakeholder and village."""
    listed = service.list_commitments(
        principal=principal,
        status=query.status,
        overdue=query.overdue,
        stakeholder_id=query.stakeholder_id,
        village_code=query.village_code,
        limit=query.limit,
        cursor=query.cursor,
        due_before=query.due_before,
    )
    return page_of(schema.CommitmentPage, schema.CommitmentPublic.of, listed)


@routes.get("/v1/commitments/{commitment_id}", "A commitment with its history")
def get_commitment(*, principal: Principal, commitment_id: str) -> schema.CommitmentDetail:
    """A commitment with its transitions (by version) and advocacy actions (by date)."""
    commitment, transitions, actions = service.get_commitment(principal=principal, commitment_id=commitment_id)
    return schema.CommitmentDetail(
        **schema.CommitmentPublic.of(commitment).model_dump(),
        transitions=[schema.TransitionPublic.of(t) for t in transitions],
        actions=[schema.ActionPublic.of(a) for a in actions],
    )


@routes.post("/v1/commitments/{commitment_id}/transitions", "Move a commitment along its workflow", status=201)
def transition_commitment(
    *, principal: Principal, commitment_id: str, body: schema.TransitionCreate
) -> schema.TransitionResult:
    """Record a transition; the commitment's version grows by one.

    proposed → committed | withdrawn; committed → in_progress | fulfilled | lapsed | withdrawn; in_progress →
    fulfilled | lapsed; fulfilled, lapsed and withdrawn are final. A move the workflow does not allow answers 422
    naming the allowed ones; a stale `expected_version` answers 409.
    """
    request = advocacy.TransitionRequest(
        to=advocacy.CommitmentStatus(body.to),
        expected_version=body.expected_version,
        note=body.note,
        evidence_url=body.evidence_url,
        realized_amount_idr=body.realized_amount_idr,
        occurred_on=body.occurred_on,
    )
    commitment, step = service.transition_commitment(principal=principal, commitment_id=commitment_id, request=request)
    return schema.TransitionResult(
        commitment=schema.CommitmentPublic.of(commitment),
        transition=schema.TransitionPublic.of(step),
    )


@routes.post("/v1/commitments/{commitment_id}/actions", "Log an advocacy action", status=201, description=IDEMPOTENT)
def add_action(*, principal: Principal, commitment_id: str, body: schema.ActionCreate) -> schema.ActionPublic:
    """Log a meeting, audience, letter, presentation, visit or follow-up for a commitment."""
    data = advocacy.NewAction(**body.model_dump())
    action = service.add_action(
        principal=principal, commitment_id=commitment_id, data=data, idempotency_key=_idempotency_key()
    )
    return schema.ActionPublic.of(action)


@admin.post("/v1/admin/jobs/commitment-reminders/run", "Run the overdue-commitment reminders now")
def run_commitment_reminders(*, principal: Principal) -> schema.ReminderRunSummary:
    """The platform admin runs the daily reminder job now (it is idempotent)."""
    summary = reminders.run_now(principal=principal)
    return schema.ReminderRunSummary(
        checked=summary.checked,
        newly_overdue=summary.newly_overdue,
        events_published=summary.events_published,
        cleared=summary.cleared,
        next_steps_announced=summary.next_steps_announced,
    )
