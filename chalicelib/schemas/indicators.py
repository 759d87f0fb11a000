"""Indicator responses: every indicator as {value, previous, change, change_pct, last_year, yoy_change_pct}."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import Field, create_model

from chalicelib.domain.indicators import BASELINE_INDICATORS, INDICATORS
from chalicelib.domain.periods import PERIOD_PATTERN
from chalicelib.schemas.common import PublicModel, QueryModel, described

described(PERIOD_PATTERN, "a period such as 2026-11 (a month), 2026-Q4 (a quarter) or 2026 (a year)", "period")


class IndicatorBlock(PublicModel):
    """One indicator of a scope and period, compared with the previous period and a year earlier.
    A percentage is null when its base is 0 or absent."""

    value: int | float | None
    previous: int | float | None
    change: int | float | None
    change_pct: float | None
    last_year: int | float | None
    yoy_change_pct: float | None


class BaselineBlock(IndicatorBlock):
    """A report indicator, also compared with the baseline of the villages that have one: `baseline`
    (their monthly baselines times the period's months; null when none has one), `baseline_villages`
    and `vs_baseline_pct` (their value against it; null when the base is 0 or none has one)."""

    baseline: float | None
    baseline_villages: int
    vs_baseline_pct: float | None


_FIELDS: dict[str, Any] = {
    name: (BaselineBlock if name in BASELINE_INDICATORS else IndicatorBlock, ...) for name in INDICATORS
}
Indicators = create_model("Indicators", __base__=PublicModel, **_FIELDS)
Indicators.__doc__ = (
    "The TPBIS indicators, the stakeholder figures, and completeness and timeliness of reporting "
    "(villages expected, reporting rate, on time, timeliness)."
)


class Scope(PublicModel):
    """The area an item is about."""

    level: str
    code: str
    name: str


class Approval(PublicModel):
    """Whether a national scope's figures for the period are final: `approved` when every regency in
    it approved every month of the period, else `provisional`."""

    figures: Literal["approved", "provisional"]
    regencies_approved: int
    regencies: int
    approved_pct: float | None


class IndicatorItemPublic(PublicModel):
    """One scope's indicators for a period."""

    scope: Scope
    period: str
    indicators: Indicators
    computed_at: dt.datetime | None = None
    approval: Approval | None = Field(default=None, description="national reads only")


class IndicatorList(PublicModel):
    """Indicators of every scope of a level."""

    items: list[IndicatorItemPublic]


class TenantIndicatorQuery(QueryModel):
    """A period (2026-11, 2026-Q4 or 2026) and a level of the caller's tenant."""

    period: str = Field(pattern=PERIOD_PATTERN, examples=["2026-11"])
    level: Literal["village", "kecamatan", "regency"] = "regency"


class NationalIndicatorQuery(QueryModel):
    """A period and a national level."""

    period: str = Field(pattern=PERIOD_PATTERN, examples=["2026-Q4"])
    level: Literal["national", "province", "regency"] = "national"
    cohort: str | None = Field(
        default=None,
        min_length=1,
        max_length=50,
        examples=["replikasi-2019"],
        description="only the villages of this cohort (scopes without one are left out)",
    )


class CohortCount(PublicModel):
    """A cohort of villages and how many registered villages it has."""

    cohort: str
    villages_registered: int


class CohortList(PublicModel):
    """The cohorts of the nation's villages (for `cohort=` of the national reads)."""

    items: list[CohortCount]


class ExportQuery(QueryModel):
    """A period, the export's format, and optionally a cohort."""

    period: str = Field(pattern=PERIOD_PATTERN)
    cohort: str | None = Field(
        default=None, min_length=1, max_length=50, description="only the villages of this cohort (computed on read)"
    )
    format: Literal["json", "csv", "dhis2"] = Field(
        default="json", description="dhis2: a DHIS2 dataValueSets payload through the uploaded mapping"
    )


class RollupRunSummary(PublicModel):
    """What a rollup run did."""

    tenants: int
    villages: int
    aggregates_written: int
    national_periods: list[str]
    exported: list[str]
    markers_cleared: int
    markers_kept: int
    tenants_deferred: int = Field(description="dirty tenants left for the next run: the time budget ran out")
    resume_from: str | None = Field(default=None, description="the first of them, where the next run starts")
    resume_village: str | None = Field(default=None, description="in it, the first village the budget left")
    tenants_failed: list[str] = Field(description="tenants whose rollup failed: their changes wait for the next run")
    reports_failed: int = Field(default=0, description="reports left out of the figures: GET /v1/rollup/problems")
    villages_failed: int = Field(default=0, description="villages that could not be computed: they wait, listed too")
    deferred_runs: int = Field(default=0, description="consecutive runs, this one included, that deferred tenants")


class RollupStatus(PublicModel):
    """When the rollup last finished, and how often it is scheduled (for "data as of" and staleness)."""

    last_run_at: dt.datetime | None = Field(description="the last run without error; null before the first")
    interval_seconds: int | None = Field(description="the schedule's interval; null when it is not a rate()")
