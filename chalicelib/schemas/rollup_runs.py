"""A fanned-out rollup run as the API shows it: planned, its tenants' progress, its national step."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from chalicelib.schemas.common import PublicModel


class RollupTenantProgress(PublicModel):
    """One tenant of a run."""

    tenant_id: str
    state: Literal["pending", "done", "failed"] = Field(
        description="`failed`: counted failed when its last attempt started (it moves to `done` if that "
        "attempt succeeds); once it has failed, its message is in the dead-letter queue, its changes kept for "
        "the next run"
    )


class RollupRunPublic(PublicModel):
    """A run: planned with the tenants that had changes, rolled up by the queue's workers."""

    run_id: str
    kind: Literal["run", "rebuild", "change"] = Field(
        description="`run`: the schedule's or run-now; `rebuild`: every tenant from scratch; `change`: a plan "
        "a change asked for (fresh on change)"
    )
    started_at: dt.datetime
    finished_at: dt.datetime | None = Field(description="when its national step and export ran; null before")
    national_done: bool
    tenants_total: int
    tenants_done: int
    tenants_failed: int
    villages: int = Field(description="villages recomputed by the tenants done so far")
    tenants: list[RollupTenantProgress]
