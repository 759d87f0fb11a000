"""The seam between the commitment tracker and the rollup: stakeholder facts per scope and dates."""

from __future__ import annotations

import datetime as dt

from chalicelib.domain.indicators import TransitionFact
from chalicelib.repositories import advocacy


def transition_facts(tenant_id: str, scope: str, start: dt.date, end: dt.date) -> list[TransitionFact]:
    """Transitions to committed/fulfilled of a scope's commitments dated start..end (one range query)."""
    return advocacy.transition_facts(tenant_id=tenant_id, scope=scope, start=start, end=end)


def fact_months(tenant_id: str) -> set[tuple[str, str]]:
    """Every (month, scope) with a commitment fact: what a rebuild from scratch marks dirty."""
    return advocacy.fact_months(tenant_id)
