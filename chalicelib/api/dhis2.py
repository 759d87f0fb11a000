"""The DHIS2 mapping of the national operator."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice.app import Blueprint

from chalicelib.api.http import Routes
from chalicelib.domain.principal import Principal, Role
from chalicelib.lazy import lazy_import

dhis2_bp = Blueprint(__name__)
national = Routes(dhis2_bp, "national")
if TYPE_CHECKING:
    from chalicelib.schemas import dhis2 as dhis2_schema
    from chalicelib.services import dhis2 as service
else:
    dhis2_schema = lazy_import("chalicelib.schemas.dhis2")
    service = lazy_import("chalicelib.services.dhis2")


@national.put("/v1/admin/dhis2-mapping", "Upload the DHIS2 mapping", roles=(Role.PLATFORM_ADMIN,))
def put_dhis2_mapping(*, principal: Principal, body: dhis2_schema.Dhis2MappingPut) -> dhis2_schema.Dhis2MappingPublic:
    """The stored mapping.

    Which DHIS2 data element each indicator goes to and which organisation unit each area is; `GET
    /v1/national/export?format=dhis2` uses it. Replaces the previous mapping.
    """
    return dhis2_schema.Dhis2MappingPublic.model_validate(
        service.save_mapping(principal=principal, mapping=body.to_domain())
    )


@national.get(
    "/v1/admin/dhis2-mapping", "The DHIS2 mapping in force", roles=(Role.PLATFORM_ADMIN, Role.NATIONAL_VIEWER)
)
def get_dhis2_mapping(*, principal: Principal) -> dhis2_schema.Dhis2MappingPublic:
    """The mapping as uploaded, with who uploaded it and when."""
    return dhis2_schema.Dhis2MappingPublic.model_validate(service.mapping_document(principal=principal))
