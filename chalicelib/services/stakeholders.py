"""Advocacy use cases for stakeholders: the people and institutions whose commitments the office seeks.

District admins write; viewers read all of their tenant; operators read only the stakeholders of
their villages (see services/advocacy_access.py).
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from chalicelib.clock import utcnow
from chalicelib.domain.commitments import Commitment, NewStakeholder, Stakeholder, StakeholderKind
from chalicelib.domain.principal import Principal, Role
from chalicelib.errors import FieldProblem, InvalidInputError, NotFoundError
from chalicelib.services import idempotency
from chalicelib.services.advocacy_access import (
    READERS,
    advocacy_of,
    check_village,
    create_once,
    public_id,
    sees,
    villages_of,
)
from chalicelib.stores.advocacy import StakeholderQuery, StakeholderStore

UPDATABLE = ("name", "kind", "organization", "position", "village_code", "contact")


def create_stakeholder(
    *,
    principal: Principal,
    data: NewStakeholder,
    idempotency_key: idempotency.IdempotencyKey | None = None,
    now: datetime | None = None,
) -> Stakeholder:
    """Record a stakeholder of the caller's regency (once per Idempotency-Key)."""
    store = advocacy_of(principal, Role.DISTRICT_ADMIN).stakeholders
    check_village(principal.tenant, data.village_code)
    at = now or utcnow()

    def make(stakeholder_id: str) -> Stakeholder:
        return Stakeholder(
            stakeholder_id=stakeholder_id, tenant_id=principal.tenant, created_at=at, updated_at=at, **asdict(data)
        )

    payload = asdict(data)
    return create_once(
        "create_stakeholder", principal, idempotency_key, payload, make=make, add=store.add, stored=store.get
    )


def _visible_stakeholder(principal: Principal, store: StakeholderStore, stakeholder_id: str) -> Stakeholder:
    found = store.get(sid) if (sid := public_id(stakeholder_id)) else None
    if found is None or not sees(principal, found.village_code):
        raise NotFoundError("no such stakeholder")
    return found


def get_stakeholder(*, principal: Principal, stakeholder_id: str) -> tuple[Stakeholder, list[Commitment]]:
    """A stakeholder with the commitments the caller may see, by due date."""
    stores = advocacy_of(principal, *READERS)
    stakeholder = _visible_stakeholder(principal, stores.stakeholders, stakeholder_id)
    commitments = stores.commitments.of_stakeholder(stakeholder.stakeholder_id, village_codes=villages_of(principal))
    return stakeholder, commitments


def list_stakeholders(
    *, principal: Principal, kind: StakeholderKind | None, village_code: str | None, limit: int, cursor: str | None
) -> tuple[list[Stakeholder], str | None]:
    """One page of the tenant's stakeholders (an operator's: those of its villages)."""
    store = advocacy_of(principal, *READERS).stakeholders
    query = StakeholderQuery(kind=kind, village_code=village_code, village_codes=villages_of(principal))
    return store.page(query, limit=limit, cursor=cursor)


def update_stakeholder(
    *, principal: Principal, stakeholder_id: str, changes: dict[str, Any], now: datetime | None = None
) -> Stakeholder:
    """Change a stakeholder's fields (a None clears an optional field)."""
    store = advocacy_of(principal, Role.DISTRICT_ADMIN).stakeholders
    current = _visible_stakeholder(principal, store, stakeholder_id)
    unknown = set(changes) - set(UPDATABLE)
    if unknown:
        raise ValueError(f"not updatable: {sorted(unknown)}")
    problems = [
        FieldProblem(name, "cannot be cleared", code="required")
        for name in ("name", "kind")
        if name in changes and changes[name] is None
    ]
    if problems:
        raise InvalidInputError("a stakeholder needs a name and a kind", details=problems)
    check_village(principal.tenant, changes.get("village_code"))
    if not changes:
        return current
    return store.update(current.stakeholder_id, changes, at=now or utcnow())
