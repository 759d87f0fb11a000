"""What the rollup could not count: for the district admin (its regency) and the platform admin."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice.app import Blueprint

from chalicelib.api.http import endpoint
from chalicelib.domain.principal import Principal, Role
from chalicelib.lazy import lazy_import

rollup_bp = Blueprint(__name__)
if TYPE_CHECKING:
    from chalicelib.schemas import rollup as rollup_schema
    from chalicelib.services import rollup_problems as service
else:
    rollup_schema = lazy_import("chalicelib.schemas.rollup")
    service = lazy_import("chalicelib.services.rollup_problems")


@endpoint(
    rollup_bp,
    "/v1/rollup/problems",
    summary="Reports the rollup could not count",
    tag="indicators",
    query=lambda: rollup_schema.RollupProblemQuery,
    responses={200: lambda: rollup_schema.RollupProblemPage},
    roles=(Role.DISTRICT_ADMIN, Role.PLATFORM_ADMIN),
    description="Each report the rollup left out of the figures (or village it could not compute), with "
    "the failure, when it was first and last met, and how many runs met it. The rest of the regency is "
    "counted meanwhile. An item goes once the report is corrected or voided and the next run reads it. "
    "A district admin sees its regency's; the platform admin every tenant's, or `tenant_id`'s.",
)
def rollup_problems(
    *, principal: Principal, query: rollup_schema.RollupProblemQuery
) -> rollup_schema.RollupProblemPage:
    """The problems the caller may see, paged."""
    items, cursor = service.list_problems(
        principal=principal, tenant_id=query.tenant_id, limit=query.limit, cursor=query.cursor
    )
    return rollup_schema.RollupProblemPage(
        items=[rollup_schema.RollupProblemPublic.model_validate(service.as_public(p)) for p in items],
        next_cursor=cursor,
    )
