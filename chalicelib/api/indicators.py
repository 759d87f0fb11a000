"""Indicators for tenants and for the national dashboard, its export, and running the rollup now."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from chalice.app import Blueprint, Response

from chalicelib.api.http import Routes
from chalicelib.domain.periods import Period
from chalicelib.domain.principal import Principal, Role
from chalicelib.domain.schedules import interval_of
from chalicelib.errors import FieldProblem, InvalidInputError
from chalicelib.lazy import lazy_import

indicators_bp = Blueprint(__name__)
routes, national = Routes(indicators_bp, "indicators"), Routes(indicators_bp, "national")
admin = Routes(indicators_bp, "admin")
if TYPE_CHECKING:
    from chalicelib.schemas import indicators as indicators_schema
    from chalicelib.services import dhis2, export, rollup
    from chalicelib.services import indicators as service
else:
    indicators_schema = lazy_import("chalicelib.schemas.indicators")
    service = lazy_import("chalicelib.services.indicators")
    export = lazy_import("chalicelib.services.export")
    rollup = lazy_import("chalicelib.services.rollup")
    dhis2 = lazy_import("chalicelib.services.dhis2")
NATIONAL_READERS = (Role.NATIONAL_VIEWER, Role.PLATFORM_ADMIN)
# A run started over HTTP must answer within API Gateway's 29 s: it starts no village after this.
RUN_NOW_BUDGET_SECONDS = 5
# The API function's timeout (infrastructure/stack.py): a run-now killed with it frees the lease by then.
RUN_NOW_LEASE_SECONDS = 30


def _listed(items: list[Any]) -> indicators_schema.IndicatorList:
    return indicators_schema.IndicatorList.model_validate({"items": [service.as_public(i) for i in items]})


@routes.get(
    "/v1/indicators", "Indicators of the caller's tenant", roles=(Role.DISTRICT_ADMIN, Role.OPERATOR, Role.VIEWER)
)
def tenant_indicators(
    *, principal: Principal, query: indicators_schema.TenantIndicatorQuery
) -> indicators_schema.IndicatorList:
    """The tenant's indicators at a level, as of the last rollup.

    level=village lists registered villages (an operator: its own), level=kecamatan the kecamatan with registered
    villages, level=regency the tenant itself.
    """
    period = Period.parse(query.period)
    return _listed(service.tenant_indicators(principal=principal, period=period, level=query.level))


@national.get("/v1/national/indicators", "National indicators", roles=NATIONAL_READERS)
def national_indicators(
    *, principal: Principal, query: indicators_schema.NationalIndicatorQuery
) -> indicators_schema.IndicatorList:
    """The nation, every province or every regency, as of the last rollup."""
    period = Period.parse(query.period)
    return _listed(
        service.national_indicators(principal=principal, period=period, level=query.level, cohort=query.cohort)
    )


@national.get("/v1/national/cohorts", "The cohorts of villages", roles=NATIONAL_READERS)
def national_cohorts(*, principal: Principal) -> indicators_schema.CohortList:
    """The cohorts, for comparing the original villages with the replication ones.

    Every cohort a registered village belongs to, with its number of registered villages, as of the last rollup: the
    values `cohort=` of the national reads and the export takes.
    """
    listed = service.cohorts(principal=principal)
    return indicators_schema.CohortList.model_validate(
        {"items": [{"cohort": c, "villages_registered": n} for c, n in listed]}
    )


@national.get("/v1/national/export", "The national dashboard feed", None, roles=NATIONAL_READERS)
def national_export(*, principal: Principal, query: indicators_schema.ExportQuery) -> Response:
    """national/{period}/indicators.json or .csv from the export bucket, or its DHIS2 form.

    The file the last national rollup wrote for the period (for a period none wrote one for, the same computed on
    request): JSON, or CSV with one row per scope (national,
    provinces, regencies), or (`format=dhis2`) a DHIS2 dataValueSets payload through the mapping uploaded with PUT
    /v1/admin/dhis2-mapping (404 before one is; areas it does not map are left out, their number in
    `X-Unmapped-Areas`). With `cohort=`, the JSON or CSV of that cohort's villages, computed from the stored figures
    on request.
    """
    if query.format == "dhis2":
        if query.cohort:
            raise InvalidInputError(
                "a DHIS2 export covers every village",
                details=[FieldProblem("cohort", "not available with format=dhis2")],
            )
        converted = dhis2.export_period(principal=principal, period=Period.parse(query.period))
        headers: dict[str, str | list[str]] = {
            "Content-Type": "application/json",
            "X-Unmapped-Areas": str(len(converted.unmapped_areas)),
        }
        return Response(body=json.dumps(converted.payload), status_code=200, headers=headers)
    if query.cohort:
        body, content_type = export.computed_export(Period.parse(query.period), query.format, query.cohort)
    else:
        body, content_type = export.read_export(Period.parse(query.period), query.format)
    return Response(body=body.decode("utf-8"), status_code=200, headers={"Content-Type": content_type})


@national.get("/v1/national/status", "When the figures were last computed", roles=NATIONAL_READERS)
def rollup_status(*, principal: Principal) -> indicators_schema.RollupStatus:
    """The last rollup run and the schedule's interval: the dashboard's "data as of"."""
    from chalicelib.jobs.rollup import SCHEDULE

    return indicators_schema.RollupStatus(
        last_run_at=service.last_rollup_at(principal=principal), interval_seconds=interval_of(SCHEDULE)
    )


@admin.post(
    "/v1/admin/jobs/rollup/run",
    "Run the rollup now",
    roles=(Role.PLATFORM_ADMIN,),
    description="Runs the scheduled rollup synchronously (the same code) and returns its summary. It starts "
    f"no village after {RUN_NOW_BUDGET_SECONDS} s (API Gateway answers for at most 29 s): when "
    "`tenants_deferred` is not 0, call it again, or let the schedule finish the work. 409 `rollup_running` "
    "while another run (the schedule's) is under way.",
)
def run_rollup_now(*, principal: Principal) -> indicators_schema.RollupRunSummary:
    """Recompute whatever changed since the last run."""
    lease = rollup.lease_for(indicators_bp.lambda_context, timeout=RUN_NOW_LEASE_SECONDS)
    summary = rollup.run(budget_seconds=RUN_NOW_BUDGET_SECONDS, lease_seconds=lease)
    return indicators_schema.RollupRunSummary.model_validate(summary.as_dict())
