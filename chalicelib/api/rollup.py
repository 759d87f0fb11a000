"""What the rollup could not count (for the district admin, its regency's; the platform admin, all), and
the platform admin's fanned-out runs: start one, follow its progress."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice.app import Blueprint

from chalicelib.api.http import Reply, Routes
from chalicelib.domain.principal import Principal, Role
from chalicelib.errors import NotFoundError
from chalicelib.lazy import lazy_import

rollup_bp = Blueprint(__name__)
routes, admin = Routes(rollup_bp, "indicators"), Routes(rollup_bp, "admin")
if TYPE_CHECKING:
    from chalicelib.schemas import rollup as rollup_schema
    from chalicelib.schemas import rollup_runs as rollup_runs_schema
    from chalicelib.services import rollup_problems as service
    from chalicelib.services import rollup_runs
else:
    rollup_schema = lazy_import("chalicelib.schemas.rollup")
    rollup_runs_schema = lazy_import("chalicelib.schemas.rollup_runs")
    service = lazy_import("chalicelib.services.rollup_problems")
    rollup_runs = lazy_import("chalicelib.services.rollup_runs")


@routes.get(
    "/v1/rollup/problems", "Reports the rollup could not count", roles=(Role.DISTRICT_ADMIN, Role.PLATFORM_ADMIN)
)
def rollup_problems(
    *, principal: Principal, query: rollup_schema.RollupProblemQuery
) -> rollup_schema.RollupProblemPage:
    """The problems the caller may see, paged.

    Each report the rollup left out of the figures (or village it could not compute), with the failure,
    when it was first and last met, and how many runs met it. The rest of the regency is counted
    meanwhile. An item goes once the report is corrected or voided and the next run reads it. A district
    admin sees its regency's; the platform admin every tenant's, or `tenant_id`'s.
    """
    items, cursor = service.list_problems(
        principal=principal, tenant_id=query.tenant_id, limit=query.limit, cursor=query.cursor
    )
    return rollup_schema.RollupProblemPage(
        items=[rollup_schema.RollupProblemPublic.model_validate(service.as_public(p)) for p in items],
        next_cursor=cursor,
    )


def _public(run: rollup_runs.RollupRun) -> rollup_runs_schema.RollupRunPublic:
    def state(tenant: str) -> str:
        return "done" if tenant in run.done else "failed" if tenant in run.failed else "pending"

    return rollup_runs_schema.RollupRunPublic.model_validate(
        {
            "run_id": run.run_id,
            "kind": run.kind,
            "started_at": run.started_at,
            "finished_at": run.national_at,
            "national_done": run.national_at is not None,
            "tenants_total": len(run.tenants),
            "tenants_done": len(run.done & run.tenants),
            "tenants_failed": len(run.failed - run.done),
            "villages": run.villages,
            "tenants": [{"tenant_id": t, "state": state(t)} for t in sorted(run.tenants)],
        }
    )


@admin.post(
    "/v1/admin/jobs/rollup",
    "Start a rollup run",
    lambda: rollup_runs_schema.RollupRunPublic,
    status=202,
    roles=(Role.PLATFORM_ADMIN,),
)
def start_rollup_run(*, principal: Principal) -> Reply:
    """Plan a run; its progress lives at its Location.

    Plans a run as the schedule does: one queue message per tenant with changes, rolled up by the
    queue's workers (at most TPBIS_ROLLUP_CONCURRENCY at once), then the provinces, the nation and the
    export once. Answers at once with the run; `Location` is where its progress is.
    """
    run = rollup_runs.plan()
    return Reply(202, _public(run), {"Location": f"/v1/admin/jobs/rollup/runs/{run.run_id}"})


@admin.get("/v1/admin/jobs/rollup/runs/{run_id}", "A rollup run's progress", roles=(Role.PLATFORM_ADMIN,))
def rollup_run_progress(*, principal: Principal, run_id: str) -> rollup_runs_schema.RollupRunPublic:
    """A run as far as it got.

    Tenants done and failed of all, each tenant's state, when it started and whether its national step
    ran. 404 for an unknown run (runs are kept for as long as the changes table keeps them).
    """
    run = rollup_runs.progress(run_id)
    if run is None:
        raise NotFoundError("no such rollup run")
    return _public(run)
