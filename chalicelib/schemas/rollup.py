"""The rollup's problem list: reports (or villages) it could not count, and why."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from chalicelib import areas
from chalicelib.schemas.common import PageQuery, PublicModel


class RollupProblemPublic(PublicModel):
    """A report the rollup left out (or a village it could not compute), and why."""

    tenant_id: str
    village_code: str
    submission_id: str | None = Field(description="the report left out; null when the village's computation failed")
    error: str = Field(description="the kind of failure (the exception's type)")
    message: str
    first_seen_at: dt.datetime
    last_seen_at: dt.datetime
    runs: int = Field(description="rollup runs that met it")


class RollupProblemPage(PublicModel):
    """One page of problems, by tenant, village and report."""

    items: list[RollupProblemPublic]
    next_cursor: str | None = None


class RollupProblemQuery(PageQuery):
    """The platform admin may name a tenant; a district admin sees its own."""

    tenant_id: str | None = Field(default=None, pattern=areas.REGENCY_CODE_PATTERN, examples=["33.15"])
