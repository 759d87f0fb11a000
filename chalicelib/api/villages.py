"""Village libraries of the caller's tenant."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice.app import Blueprint

from chalicelib.api.http import Reply, endpoint
from chalicelib.domain.principal import Principal, Role
from chalicelib.lazy import lazy_import
from chalicelib.schemas.villages import BaselinePut, VillageListQuery, VillagePage, VillagePublic, VillagePut

villages_bp = Blueprint(__name__)
if TYPE_CHECKING:
    from chalicelib.services import villages as service
else:
    service = lazy_import("chalicelib.services.villages")


@endpoint(
    villages_bp,
    "/v1/villages/{village_code}",
    "PUT",
    summary="Register or update a village library",
    tag="villages",
    body=VillagePut,
    responses={200: VillagePublic, 201: VillagePublic},
    roles=(Role.DISTRICT_ADMIN,),
)
def put_village(*, principal: Principal, village_code: str, body: VillagePut) -> Reply:
    """201 when the village is new, 200 when its details were updated (district admin)."""
    village, created = service.register(principal=principal, village_code=village_code, data=body)
    return Reply(201 if created else 200, VillagePublic.of(village))


@endpoint(
    villages_bp,
    "/v1/villages",
    summary="List village libraries",
    tag="villages",
    query=VillageListQuery,
    responses={200: VillagePage},
)
def list_villages(*, principal: Principal, query: VillageListQuery) -> VillagePage:
    """The tenant's village libraries in code order (an operator's own only)."""
    items, cursor = service.page(
        principal=principal, limit=query.limit, cursor=query.cursor, kecamatan_code=query.kecamatan_code
    )
    return VillagePage(items=[VillagePublic.of(v) for v in items], next_cursor=cursor)


@endpoint(
    villages_bp,
    "/v1/villages/{village_code}",
    summary="A village library",
    tag="villages",
    responses={200: VillagePublic},
)
def get_village(*, principal: Principal, village_code: str) -> VillagePublic:
    """A registered village with its kecamatan and village names."""
    return VillagePublic.of(service.get(principal=principal, village_code=village_code))


@endpoint(
    villages_bp,
    "/v1/villages/{village_code}",
    "DELETE",
    summary="Deactivate a village library",
    tag="villages",
    responses={200: VillagePublic},
    roles=(Role.DISTRICT_ADMIN,),
    description="As of the village's local today: it is expected to report in the current period, no longer "
    "from the next one on. Its reports and figures are kept. Deactivating twice changes nothing.",
)
def deactivate_village(*, principal: Principal, village_code: str) -> VillagePublic:
    """The village, deactivated."""
    return VillagePublic.of(service.deactivate(principal=principal, village_code=village_code))


@endpoint(
    villages_bp,
    "/v1/villages/{village_code}/baseline",
    "PUT",
    summary="Record a village's baseline",
    tag="villages",
    body=BaselinePut,
    responses={200: VillagePublic},
    roles=(Role.DISTRICT_ADMIN,),
    description="Monthly values from a baseline survey (any subset of the flow indicators). They replace the "
    "mean of the first three full months for the indicators given.",
)
def put_baseline(*, principal: Principal, village_code: str, body: BaselinePut) -> VillagePublic:
    """The village with its recorded baseline."""
    village = service.record_baseline(
        principal=principal, village_code=village_code, monthly=body.values(), source=body.source
    )
    return VillagePublic.of(village)


@endpoint(
    villages_bp,
    "/v1/villages/{village_code}/baseline",
    "DELETE",
    summary="Remove a village's recorded baseline",
    tag="villages",
    responses={200: VillagePublic},
    roles=(Role.DISTRICT_ADMIN,),
)
def delete_baseline(*, principal: Principal, village_code: str) -> VillagePublic:
    """The village without a recorded baseline: the mean of its first three full months counts again."""
    return VillagePublic.of(
        service.record_baseline(principal=principal, village_code=village_code, monthly=None, source=None)
    )
