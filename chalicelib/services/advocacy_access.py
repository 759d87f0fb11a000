"""Who sees which advocacy records, and the idempotent create the advocacy use cases share.

District admins write; viewers read all of their tenant; operators read only what belongs to
their villages (a stakeholder or commitment without a village is the regency's, not theirs).
Anything an operator may not see answers exactly like a missing resource.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from typing import Any, TypeVar

from chalicelib.domain.commitments import Commitment
from chalicelib.domain.principal import Principal, Role
from chalicelib.domain.reports import canonical_id
from chalicelib.errors import NotFoundError
from chalicelib.services import idempotency
from chalicelib.services.villages import check_village_code
from chalicelib.stores import AdvocacyStores, for_tenant
from chalicelib.stores.advocacy import CommitmentStore

READERS = (Role.DISTRICT_ADMIN, Role.VIEWER, Role.OPERATOR)
_ID = re.compile(r"[0-9a-f]{16}")
T = TypeVar("T")


def new_id() -> str:
    """A random public id (64 bits, hex)."""
    return secrets.token_hex(8)


def public_id(value: str) -> str | None:
    """A client's id in canonical form, or None when it cannot be one of ours (never looked up)."""
    value = canonical_id(value)
    return value if _ID.fullmatch(value) else None


def advocacy_of(principal: Principal, *roles: Role) -> AdvocacyStores:
    """The advocacy stores of the caller's tenant, once its role is one of `roles`."""
    principal.require(*roles)
    return for_tenant(principal.tenant).advocacy


def villages_of(principal: Principal) -> frozenset[str] | None:
    """The villages an operator is limited to; None for roles that see the whole tenant."""
    return principal.villages if principal.role is Role.OPERATOR else None


def sees(principal: Principal, village_code: str | None) -> bool:
    if principal.role is not Role.OPERATOR:
        return True
    return village_code is not None and principal.sees_village(village_code)


def check_village(tenant_id: str, code: str | None) -> None:
    if code is not None:
        check_village_code(tenant_id, code)


def visible_commitment(principal: Principal, commitments: CommitmentStore, commitment_id: str) -> Commitment:
    found = commitments.get(cid) if (cid := public_id(commitment_id)) else None
    if found is None or not sees(principal, found.village_code):
        raise NotFoundError("no such commitment")
    return found


def create_once(
    operation: str,
    principal: Principal,
    key: idempotency.IdempotencyKey | None,
    payload: Any,
    *,
    make: Callable[[str], T],
    add: Callable[[T], None],
    stored: Callable[[str], T | None],
) -> T:
    """Store `make(new_id())` with `add` once per Idempotency-Key: a repeat returns the record the
    first request stored, read back by its id with `stored`."""
    key = idempotency.check_key(key)
    built: list[T] = []  # what this request stored (none when a repeat returns the first's)

    def create() -> str:
        record_id = new_id()
        built.append(make(record_id))
        add(built[0])
        return record_id

    record_id = idempotency.run_once(
        operation=operation, tenant_id=principal.tenant, key=key, payload=payload, create=create
    )
    if built:
        return built[0]
    found = stored(record_id)
    if found is None:  # the first request's record exists: only a broken store gets here
        raise RuntimeError("an idempotent create returned an id that is not stored")
    return found
