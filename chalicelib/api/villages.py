"""Village libraries of the caller's tenant."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice.app import Blueprint

from chalicelib.api.http import Reply, Routes, endpoint, page_of
from chalicelib.domain.principal import Principal, Role
from chalicelib.lazy import lazy_import

villages_bp = Blueprint(__name__)
if TYPE_CHECKING:
    from chalicelib.schemas import villages as villages_schema
    from chalicelib.services import villages as service
else:
    villages_schema = lazy_import("chalicelib.schemas.villages")
    service = lazy_import("chalicelib.services.villages")
routes = Routes(villages_bp, "villages")
ADMIN = (Role.DISTRICT_ADMIN,)
ONE = "/v1/villages/{village_code}"


@endpoint(
    villages_bp,
    ONE,
    "PUT",
    summary="Register or update a village library",
    tag="villages",
    body=lambda: villages_schema.VillagePut,
    responses={200: lambda: villages_schema.VillagePublic, 201: lambda: villages_schema.VillagePublic},
    roles=ADMIN,
)
def put_village(*, principal: Principal, village_code: str, body: villages_schema.VillagePut) -> Reply:
    """201 when the village is new, 200 when its details were updated (district admin)."""
    village, created = service.register(principal=principal, village_code=village_code, data=body)
    return Reply(201 if created else 200, villages_schema.VillagePublic.of(village))


@routes.get("/v1/villages", "List village libraries")
def list_villages(*, principal: Principal, query: villages_schema.VillageListQuery) -> villages_schema.VillagePage:
    """The tenant's village libraries in code order (an operator's own only)."""
    listed = service.page(
        principal=principal, limit=query.limit, cursor=query.cursor, kecamatan_code=query.kecamatan_code
    )
    return page_of(villages_schema.VillagePage, villages_schema.VillagePublic.of, listed)


@routes.get(ONE, "A village library")
def get_village(*, principal: Principal, village_code: str) -> villages_schema.VillagePublic:
    """A registered village with its kecamatan and village names."""
    return villages_schema.VillagePublic.of(service.get(principal=principal, village_code=village_code))


@routes.delete(ONE, "Deactivate a village library", roles=ADMIN)
def deactivate_village(*, principal: Principal, village_code: str) -> villages_schema.VillagePublic:
    """The village, deactivated.

    As of the village's local today: it is expected to report in the current period, no longer from the next one on.
    Its reports and figures are kept. Deactivating twice changes nothing.
    """
    return villages_schema.VillagePublic.of(service.deactivate(principal=principal, village_code=village_code))


@routes.put(f"{ONE}/baseline", "Record a village's baseline", roles=ADMIN)
def put_baseline(
    *, principal: Principal, village_code: str, body: villages_schema.BaselinePut
) -> villages_schema.VillagePublic:
    """The village with its recorded baseline.

    Monthly values from a baseline survey (any subset of the flow indicators). They replace the mean of the first
    three full months for the indicators given.
    """
    village = service.record_baseline(
        principal=principal, village_code=village_code, monthly=body.values(), source=body.source
    )
    return villages_schema.VillagePublic.of(village)


@routes.delete(f"{ONE}/baseline", "Remove a village's recorded baseline", roles=ADMIN)
def delete_baseline(*, principal: Principal, village_code: str) -> villages_schema.VillagePublic:
    """The village without a recorded baseline: the mean of its first three full months counts again."""
    return villages_schema.VillagePublic.of(
        service.record_baseline(principal=principal, village_code=village_code, monthly=None, source=None)
    )
