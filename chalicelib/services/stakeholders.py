"""Advocacy use cases for stakeholders: the people and institutions whose commitments the office seeks.

District admins write; viewers read all of their tenant; operators read only the stakeholders of
their villages (see services/advocacy_access.py).
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from enum import Enum
from typing import Any

from chalicelib.clock import utcnow
from chalicelib.domain.commitments import Commitment, NewStakeholder, Stakeholder, StakeholderKind
from chalicelib.domain.principal import Principal, Role
from chalicelib.errors import FieldProblem, InvalidInputError, NotFoundError
from chalicelib.repositories.advocacy import AdvocacyRepository
from chalicelib.services import idempotency
from chalicelib.services.advocacy_access import (
    READERS,
    check_village,
    create_once,
    new_id,
    public_id,
    repo_of,
    sees,
    villages_of,
)

UPDATABLE = ("name", "kind", "organization", "position", "village_code", "contact")


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


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
    store = repo_of(principal, repo)
    check_village(principal.tenant, data.village_code)

    def build() -> Stakeholder:
        at = now or utcnow()
        stakeholder = Stakeholder(
            stakeholder_id=new_id(), tenant_id=principal.tenant, created_at=at, updated_at=at, **asdict(data)
        )
        store.add_stakeholder(stakeholder)
        return stakeholder

    key, payload = idempotency_key, asdict(data)
    return create_once(
        "create_stakeholder", principal, key, payload, build, lambda s: s.stakeholder_id, store.get_stakeholder
    )


def _visible_stakeholder(principal: Principal, repo: AdvocacyRepository, stakeholder_id: str) -> Stakeholder:
    found = repo.get_stakeholder(sid) if (sid := public_id(stakeholder_id)) else None
    if found is None or not sees(principal, found.village_code):
        raise NotFoundError("no such stakeholder")
    return found


def get_stakeholder(
    *, principal: Principal, stakeholder_id: str, repo: AdvocacyRepository | None = None
) -> tuple[Stakeholder, list[Commitment]]:
    """A stakeholder with the commitments the caller may see, by due date."""
    principal.require(*READERS)
    store = repo_of(principal, repo)
    stakeholder = _visible_stakeholder(principal, store, stakeholder_id)
    return stakeholder, store.commitments_of(stakeholder.stakeholder_id, villages=villages_of(principal))


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
    return repo_of(principal, repo).list_stakeholders(
        kind=kind, village_code=village_code, villages=villages_of(principal), limit=limit, cursor=cursor
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
    store = repo_of(principal, repo)
    current = _visible_stakeholder(principal, store, stakeholder_id)
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
    check_village(principal.tenant, changes.get("village_code"))
    if not changes:
        return current
    return store.update_stakeholder(
        current.stakeholder_id, {k: _plain(v) for k, v in changes.items()}, at=now or utcnow()
    )
