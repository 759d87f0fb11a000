"""The seam between the commitment tracker and the rollup: stakeholder facts per scope and dates."""

from __future__ import annotations

import datetime as dt

from chalicelib.domain.indicators import TransitionFact


def transition_facts(tenant_id: str, scope: str, start: dt.date, end: dt.date) -> list[TransitionFact]:
    """Transitions to committed/fulfilled of a scope's commitments dated start..end."""
    return []


def fact_months(tenant_id: str) -> set[tuple[str, str]]:
    """Every (month, scope) with a commitment fact: what a rebuild from scratch marks dirty."""
    return set()
