"""Advocacy use cases: stakeholders, commitments, their workflow and the actions that win them.

District admins write; viewers read all of their tenant; operators read only what belongs to
their villages (a stakeholder or commitment without a village is the regency's, not theirs).
Anything an operator may not see answers exactly like a missing resource.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import asdict
from datetime import date, datetime
from enum import Enum
from typing import Any

from chalicelib.clock import local_today, utcnow
from chalicelib.domain.budgets import check_realized
from chalicelib.domain.commitments import (
    COUNTED,
    Action,
    Commitment,
    CommitmentStatus,
    NewAction,
    NewCommitment,
    NewStakeholder,
    Stakeholder,
    StakeholderKind,
    Transition,
    TransitionRequest,
    check_action_dates,
    check_new_commitment,
)
from chalicelib.domain.principal import Principal, Role
from chalicelib.domain.reports import canonical_id
from chalicelib.errors import FieldProblem, InvalidInputError, NotFoundError
from chalicelib.repositories import changes
from chalicelib.repositories.advocacy import AdvocacyRepository, scope_of
from chalicelib.services import idempotency, periods
from chalicelib.services.villages import check_village_code

_ID = re.compile(r"[0-9a-f]{16}")
READERS = (Role.DISTRICT_ADMIN, Role.VIEWER, Role.OPERATOR)

UPDATABLE = ("name", "kind", "organization", "position", "village_code", "contact")


def new_id() -> str:
    """A random public id (64 bits, hex)."""
    return secrets.token_hex(8)


def _repo(principal: Principal, repo: AdvocacyRepository | None) -> AdvocacyRepository:
    return repo or AdvocacyRepository(tenant_id=principal.tenant)


def _villages(principal: Principal) -> frozenset[str] | None:
    """The villages an operator is limited to; None for roles that see the whole tenant."""
    return principal.villages if principal.role is Role.OPERATOR else None


def _sees(principal: Principal, village_code: str | None) -> bool:
    if principal.role is not Role.OPERATOR:
        return True
    return village_code is not None and principal.sees_village(village_code)


def _check_village(tenant_id: str, code: str | None) -> None:
    if code is not None:
        check_village_code(tenant_id, code)


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


# stakeholders


def create_stakeholder(
    *,
    principal: Principal,
    data: NewStakeholder,
    idempotency_key: idempotency.IdempotencyKey | None = None,
    repo: AdvocacyRepository | None = None,
    now: datetime | None = None,
) -> Stakeholder:
    """Record a stakeholder of the caller's regency (once per Idempotency-Key)."""
    principal.require(Role.DISTRICT_ADMIN)
    repo = _repo(principal, repo)
    _check_village(principal.tenant, data.village_code)
    key = idempotency.check_key(idempotency_key)
    built: list[Stakeholder] = []  # what this request stored (none when a repeat returns the first's)

    def create() -> str:
        at = now or utcnow()
        stakeholder = Stakeholder(
            stakeholder_id=new_id(),
            tenant_id=principal.tenant,
            created_at=at,
            updated_at=at,
            **asdict(data),
        )
        repo.add_stakeholder(stakeholder)
        built.append(stakeholder)
        return stakeholder.stakeholder_id

    stakeholder_id = idempotency.run_once(
        operation="create_stakeholder", tenant_id=principal.tenant, key=key, payload=asdict(data), create=create
    )
    if built:
        return built[0]
    found = repo.get_stakeholder(stakeholder_id)
    if found is None:  # the first request's stakeholder exists: only a broken store gets here
        raise RuntimeError("an idempotent create returned an id that is not stored")
    return found


def _visible_stakeholder(principal: Principal, repo: AdvocacyRepository, stakeholder_id: str) -> Stakeholder:
    stakeholder_id = canonical_id(stakeholder_id)
    found = repo.get_stakeholder(stakeholder_id) if _ID.fullmatch(stakeholder_id) else None
    if found is None or not _sees(principal, found.village_code):
        raise NotFoundError("no such stakeholder")
    return found


def get_stakeholder(
    *, principal: Principal, stakeholder_id: str, repo: AdvocacyRepository | None = None
) -> tuple[Stakeholder, list[Commitment]]:
    """A stakeholder with the commitments the caller may see, by due date."""
    principal.require(*READERS)
    repo = _repo(principal, repo)
    stakeholder = _visible_stakeholder(principal, repo, stakeholder_id)
    return stakeholder, repo.commitments_of(stakeholder.stakeholder_id, villages=_villages(principal))


def list_stakeholders(
    *,
    principal: Principal,
    kind: StakeholderKind | None,
    village_code: str | None,
    limit: int,
    cursor: str | None,
    repo: AdvocacyRepository | None = None,
) -> tuple[list[Stakeholder], str | None]:
    """One page of the tenant's stakeholders (an operator's: those of its villages)."""
    principal.require(*READERS)
    return _repo(principal, repo).list_stakeholders(
        kind=kind, village_code=village_code, villages=_villages(principal), limit=limit, cursor=cursor
    )


def update_stakeholder(
    *,
    principal: Principal,
    stakeholder_id: str,
    changes: dict[str, Any],
    repo: AdvocacyRepository | None = None,
    now: datetime | None = None,
) -> Stakeholder:
    """Change a stakeholder's fields (a None clears an optional field)."""
    principal.require(Role.DISTRICT_ADMIN)
    repo = _repo(principal, repo)
    current = _visible_stakeholder(principal, repo, stakeholder_id)
    unknown = set(changes) - set(UPDATABLE)
    if unknown:
        raise ValueError(f"not updatable: {sorted(unknown)}")
    problems = [
        FieldProblem(name, "cannot be cleared")
        for name in ("name", "kind")
        if name in changes and changes[name] is None
    ]
    if problems:
        raise InvalidInputError("a stakeholder needs a name and a kind", details=problems)
    _check_village(principal.tenant, changes.get("village_code"))
    if not changes:
        return current
    return repo.update_stakeholder(
        current.stakeholder_id, {k: _plain(v) for k, v in changes.items()}, at=now or utcnow()
    )


# commitments


def create_commitment(
    *,
    principal: Principal,
    data: NewCommitment,
    idempotency_key: idempotency.IdempotencyKey | None = None,
    repo: AdvocacyRepository | None = None,
    now: datetime | None = None,
) -> Commitment:
    """Record a proposed commitment of a stakeholder of the caller's regency (once per Idempotency-Key).
    Without an explicit village it takes the stakeholder's."""
    principal.require(Role.DISTRICT_ADMIN)
    repo = _repo(principal, repo)
    stakeholder_id = canonical_id(data.stakeholder_id)
    stakeholder = repo.get_stakeholder(stakeholder_id) if _ID.fullmatch(stakeholder_id) else None
    if stakeholder is None:
        raise InvalidInputError("no such stakeholder", details=[FieldProblem("stakeholder_id", "no such stakeholder")])
    village_code = data.village_code if data.village_given else stakeholder.village_code
    _check_village(principal.tenant, village_code)
    check_new_commitment(kind=data.kind, amount_idr=data.amount_idr)
    key = idempotency.check_key(idempotency_key)
    built: list[Commitment] = []  # what this request stored (none when a repeat returns the first's)

    def create() -> str:
        at = now or utcnow()
        commitment = Commitment(
            commitment_id=new_id(),
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
        repo.add_commitment(commitment)
        built.append(commitment)
        return commitment.commitment_id

    commitment_id = idempotency.run_once(
        operation="create_commitment", tenant_id=principal.tenant, key=key, payload=asdict(data), create=create
    )
    if built:
        return built[0]
    found = repo.get_commitment(commitment_id)
    if found is None:
        raise RuntimeError("an idempotent create returned an id that is not stored")
    return found


def _visible_commitment(principal: Principal, repo: AdvocacyRepository, commitment_id: str) -> Commitment:
    commitment_id = canonical_id(commitment_id)
    found = repo.get_commitment(commitment_id) if _ID.fullmatch(commitment_id) else None
    if found is None or not _sees(principal, found.village_code):
        raise NotFoundError("no such commitment")
    return found


def get_commitment(
    *, principal: Principal, commitment_id: str, repo: AdvocacyRepository | None = None
) -> tuple[Commitment, list[Transition], list[Action]]:
    """A commitment with its transitions (by version) and advocacy actions (by date)."""
    principal.require(*READERS)
    repo = _repo(principal, repo)
    commitment_id = canonical_id(commitment_id)
    found = repo.history(commitment_id) if _ID.fullmatch(commitment_id) else None
    if found is None or not _sees(principal, found[0].village_code):
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
    repo: AdvocacyRepository | None = None,
    due_before: date | None = None,
) -> tuple[list[Commitment], str | None]:
    """One page of the tenant's commitments by due date (an operator's: those of its villages)."""
    principal.require(*READERS)
    return _repo(principal, repo).list_commitments(
        status=status,
        overdue=overdue,
        stakeholder_id=canonical_id(stakeholder_id) if stakeholder_id is not None else None,
        village_code=village_code,
        villages=_villages(principal),
        limit=limit,
        cursor=cursor,
        due_before=due_before,
    )


def transition_commitment(
    *,
    principal: Principal,
    commitment_id: str,
    request: TransitionRequest,
    repo: AdvocacyRepository | None = None,
    now: datetime | None = None,
) -> tuple[Commitment, Transition]:
    """Move a commitment along its workflow, atomically with its history step; a transition the
    indicators count (to committed or fulfilled) marks the rollup's change feed first."""
    principal.require(Role.DISTRICT_ADMIN)
    repo = _repo(principal, repo)
    current = _visible_commitment(principal, repo, commitment_id)
    check_realized(pledged=current.amount_idr, realized=request.realized_amount_idr)
    at = now or utcnow()
    on = occurred_on(request, tenant_id=principal.tenant, now=at)
    after, step = current.transition(request, at=at, on=on, by=principal.key_id)
    counted = request.to in COUNTED
    if counted:  # before the write: a crash in between costs a recomputation, never a missed change
        changes.mark_changed(tenant_id=principal.tenant, changes=[(on.strftime("%Y-%m"), scope_of(after))], now=at)
    repo.record_transition(before=current, after=after, step=step, counted=counted)
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
            details=[FieldProblem("occurred_on", "not after today")],
        )
    periods.require_open(tenant_id=tenant_id, months=[request.occurred_on.strftime("%Y-%m")], now=now)
    return request.occurred_on


def add_action(
    *,
    principal: Principal,
    commitment_id: str,
    data: NewAction,
    idempotency_key: idempotency.IdempotencyKey | None = None,
    repo: AdvocacyRepository | None = None,
    now: datetime | None = None,
) -> Action:
    """Log what the office did to win or keep a commitment (once per Idempotency-Key)."""
    principal.require(Role.DISTRICT_ADMIN)
    repo = _repo(principal, repo)
    commitment = _visible_commitment(principal, repo, commitment_id)
    at = now or utcnow()
    check_action_dates(on=data.date, next_step_due=data.next_step_due, today=local_today(principal.tenant, now=at))
    key = idempotency.check_key(idempotency_key)
    built: list[Action] = []

    def create() -> str:
        action = Action(
            action_id=new_id(),
            commitment_id=commitment.commitment_id,
            recorded_at=at,
            recorded_by=principal.key_id,
            **asdict(data),
        )
        repo.add_action(action)
        built.append(action)
        return action.action_id

    payload = {"commitment_id": commitment.commitment_id, **asdict(data)}
    action_id = idempotency.run_once(
        operation="add_action", tenant_id=principal.tenant, key=key, payload=payload, create=create
    )
    if built:
        return built[0]
    found = repo.history(commitment.commitment_id)
    for action in found[2] if found else []:
        if action.action_id == action_id:
            return action
    raise RuntimeError("an idempotent create returned an id that is not stored")
