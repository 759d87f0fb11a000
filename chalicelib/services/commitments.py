"""Advocacy use cases for commitments: recording them, their workflow and the actions that win them.

District admins write; viewers read all of their tenant; operators read only the commitments of
their villages (see services/advocacy_access.py). Stakeholders are in services/stakeholders.py.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime

from chalicelib.clock import local_today, utcnow
from chalicelib.domain.budgets import check_realized
from chalicelib.domain.commitments import (
    COUNTED,
    Action,
    Commitment,
    CommitmentStatus,
    NewAction,
    NewCommitment,
    Transition,
    TransitionRequest,
    check_action_dates,
    check_new_commitment,
)
from chalicelib.domain.principal import Principal, Role
from chalicelib.domain.reports import canonical_id
from chalicelib.errors import FieldProblem, InvalidInputError, NotFoundError
from chalicelib.services import idempotency, periods
from chalicelib.services.advocacy_access import (
    READERS,
    advocacy_of,
    check_village,
    create_once,
    public_id,
    sees,
    villages_of,
    visible_commitment,
)
from chalicelib.stores import for_tenant
from chalicelib.stores.advocacy import CommitmentQuery, scope_of


def create_commitment(
    *,
    principal: Principal,
    data: NewCommitment,
    idempotency_key: idempotency.IdempotencyKey | None = None,
    now: datetime | None = None,
) -> Commitment:
    """Record a proposed commitment of a stakeholder of the caller's regency (once per Idempotency-Key).
    Without an explicit village it takes the stakeholder's."""
    stores = advocacy_of(principal, Role.DISTRICT_ADMIN)
    stakeholder = stores.stakeholders.get(sid) if (sid := public_id(data.stakeholder_id)) else None
    if stakeholder is None:
        raise InvalidInputError("no such stakeholder", details=[FieldProblem("stakeholder_id", "no such stakeholder")])
    village_code = data.village_code if data.village_given else stakeholder.village_code
    check_village(principal.tenant, village_code)
    check_new_commitment(kind=data.kind, amount_idr=data.amount_idr)
    at = now or utcnow()

    def make(commitment_id: str) -> Commitment:
        return Commitment(
            commitment_id=commitment_id,
            tenant_id=principal.tenant,
            stakeholder_id=stakeholder.stakeholder_id,
            kind=data.kind,
            description=data.description,
            amount_idr=data.amount_idr,
            due_date=data.due_date,
            village_code=village_code,
            status=CommitmentStatus.PROPOSED,
            version=1,
            created_at=at,
            updated_at=at,
            created_by=principal.key_id,
        )

    store = stores.commitments
    payload = asdict(data)
    return create_once(
        "create_commitment", principal, idempotency_key, payload, make=make, add=store.add, stored=store.get
    )


def get_commitment(*, principal: Principal, commitment_id: str) -> tuple[Commitment, list[Transition], list[Action]]:
    """A commitment with its transitions (by version) and advocacy actions (by date)."""
    history = advocacy_of(principal, *READERS).history
    found = history.of(cid) if (cid := public_id(commitment_id)) else None
    if found is None or not sees(principal, found[0].village_code):
        raise NotFoundError("no such commitment")
    return found


def list_commitments(
    *,
    principal: Principal,
    status: CommitmentStatus | None,
    overdue: bool | None,
    stakeholder_id: str | None,
    village_code: str | None,
    limit: int,
    cursor: str | None,
    due_before: date | None = None,
) -> tuple[list[Commitment], str | None]:
    """One page of the tenant's commitments by due date (an operator's: those of its villages)."""
    store = advocacy_of(principal, *READERS).commitments
    query = CommitmentQuery(
        status=status,
        overdue=overdue,
        stakeholder_id=canonical_id(stakeholder_id) if stakeholder_id is not None else None,
        village_code=village_code,
        village_codes=villages_of(principal),
        due_before=due_before,
    )
    return store.page(query, limit=limit, cursor=cursor)


def transition_commitment(
    *, principal: Principal, commitment_id: str, request: TransitionRequest, now: datetime | None = None
) -> tuple[Commitment, Transition]:
    """Move a commitment along its workflow, atomically with its history step; a transition the
    indicators count (to committed or fulfilled) marks the rollup's change feed first."""
    principal.require(Role.DISTRICT_ADMIN)
    stores = for_tenant(principal.tenant)
    current = visible_commitment(principal, stores.advocacy.commitments, commitment_id)
    check_realized(pledged=current.amount_idr, realized=request.realized_amount_idr)
    at = now or utcnow()
    on = occurred_on(request, tenant_id=principal.tenant, now=at)
    after, step = current.transition(request, at=at, on=on, by=principal.key_id)
    counted = request.to in COUNTED
    if counted:  # before the write: a crash in between costs a recomputation, never a missed change
        stores.changes.mark([(on.strftime("%Y-%m"), scope_of(after))], now=at)
    stores.advocacy.commitments.transition(before=current, after=after, step=step, counted=counted)
    return after, step


def occurred_on(request: TransitionRequest, *, tenant_id: str, now: datetime) -> date:
    """The local date a transition counts on: the date it occurred (not in the future, not in an
    approved month: the figures of that month are final), else today."""
    today = local_today(tenant_id, now=now)
    if request.occurred_on is None:
        return today
    if request.occurred_on > today:
        raise InvalidInputError(
            "a transition is recorded once it happened; occurred_on is in the future",
            details=[FieldProblem("occurred_on", "not after today", code="in_future")],
        )
    periods.require_open(tenant_id=tenant_id, months=[request.occurred_on.strftime("%Y-%m")], now=now)
    return request.occurred_on


def add_action(
    *,
    principal: Principal,
    commitment_id: str,
    data: NewAction,
    idempotency_key: idempotency.IdempotencyKey | None = None,
    now: datetime | None = None,
) -> Action:
    """Log what the office did to win or keep a commitment (once per Idempotency-Key)."""
    stores = advocacy_of(principal, Role.DISTRICT_ADMIN)
    commitment = visible_commitment(principal, stores.commitments, commitment_id)
    at = now or utcnow()
    check_action_dates(on=data.date, next_step_due=data.next_step_due, today=local_today(principal.tenant, now=at))

    def make(action_id: str) -> Action:
        return Action(action_id, commitment.commitment_id, recorded_at=at, recorded_by=principal.key_id, **asdict(data))

    def stored(action_id: str) -> Action | None:
        found = stores.history.of(commitment.commitment_id)
        return next((a for a in (found[2] if found else []) if a.action_id == action_id), None)

    payload = {"commitment_id": commitment.commitment_id, **asdict(data)}
    return create_once(
        "add_action", principal, idempotency_key, payload, make=make, add=stores.history.add_action, stored=stored
    )
