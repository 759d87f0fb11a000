"""The rollup's view of the advocacy table: one fact per counted transition, keyed by scope and date
(`fact#<scope>#<local date>#<commitment id>#<version>`, see repositories/advocacy.py), so that one
scope's facts of a period are one key-range query."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from chalicelib.domain.commitments import Commitment, Transition
from chalicelib.domain.indicators import TransitionFact
from chalicelib.repositories.advocacy_items import FactItem, as_int
from chalicelib.stores.advocacy import scope_of

_HIGH = "~"  # sorts after every character used in keys (digits, hex, '-', '#', '.')

__all__ = ["TransitionFactRepository", "every_fact", "fact_item", "fact_months", "scope_of", "transition_facts"]


def fact_item(after: Commitment, step: Transition) -> FactItem:
    """The fact a counted transition leaves for the rollup (written in the transition's transaction)."""
    return FactItem(
        after.tenant_id,
        f"fact#{scope_of(after)}#{step.on.isoformat()}#{after.commitment_id}#{step.version:06d}",
        commitment_id=after.commitment_id,
        to_status=step.to_status.value,
        on=step.on.isoformat(),
        amount_idr=after.counted_amount(step.to_status),
    )


def transition_facts(tenant_id: str, scope: str, start: date, end: date) -> list[TransitionFact]:
    """Transitions to committed/fulfilled of commitments of `scope` (a village code or REGENCY_SCOPE)
    dated start..end inclusive: one key-range query over that scope's facts."""
    low = f"fact#{scope}#{start.isoformat()}"
    high = f"fact#{scope}#{end.isoformat()}#{_HIGH}"
    return [_fact(item) for item in FactItem.query(tenant_id, FactItem.sk.between(low, high), consistent_read=True)]


def every_fact(tenant_id: str) -> dict[str, list[TransitionFact]]:
    """Every fact of a tenant by scope, by date (one paged query of its facts' key range)."""
    found: dict[str, list[TransitionFact]] = defaultdict(list)
    for item in FactItem.query(tenant_id, FactItem.sk.startswith("fact#"), consistent_read=True):
        found[item.sk.split("#")[1]].append(_fact(item))
    return dict(found)


def _fact(item: FactItem) -> TransitionFact:
    return TransitionFact(
        commitment_id=item.commitment_id,
        to_status=item.to_status,
        on=date.fromisoformat(item.on),
        amount_idr=as_int(item.amount_idr),
    )


def fact_months(tenant_id: str) -> set[tuple[str, str]]:
    """Every (month, scope) in which a tenant has a counted transition (for a rebuild from scratch)."""
    found = set()
    for item in FactItem.query(tenant_id, FactItem.sk.startswith("fact#"), attributes_to_get=["sk"]):
        _, scope, on = item.sk.split("#")[:3]
        found.add((on[:7], scope))
    return found


class TransitionFactRepository:
    """The facts of one tenant (the port over `transition_facts` and `fact_months`)."""

    def __init__(self, *, tenant_id: str) -> None:
        if not tenant_id:
            raise ValueError("transition facts need a tenant")
        self.tenant_id = tenant_id

    def between(self, scope: str, start: date, end: date) -> list[TransitionFact]:
        return transition_facts(self.tenant_id, scope, start, end)

    def months(self) -> set[tuple[str, str]]:
        return fact_months(self.tenant_id)

    def every_fact(self) -> dict[str, list[TransitionFact]]:
        return every_fact(self.tenant_id)
