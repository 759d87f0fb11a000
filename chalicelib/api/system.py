"""Health and the OpenAPI document."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice.app import Blueprint, Response

from chalicelib.api.http import Routes
from chalicelib.domain.principal import Principal
from chalicelib.lazy import lazy_import

if TYPE_CHECKING:
    from chalicelib.schemas import common as common_schema
    from chalicelib.schemas import keys as keys_schema
else:
    common_schema = lazy_import("chalicelib.schemas.common")
    keys_schema = lazy_import("chalicelib.schemas.keys")

system_bp = Blueprint(__name__)
routes = Routes(system_bp, "system")


@routes.get("/v1/health", "Liveness check", public=True)
def health() -> common_schema.HealthResponse:
    """The service answers."""
    return common_schema.HealthResponse(status="ok")


@routes.get("/v1/me", "The caller's key")
def me(*, principal: Principal) -> keys_schema.CallerPublic:
    """The role, tenant and villages of the key this request carries (never its secret)."""
    return keys_schema.CallerPublic(
        key_id=principal.key_id, role=principal.role, tenant_id=principal.tenant_id, villages=sorted(principal.villages)
    )


@system_bp.route("/v1/openapi.json", methods=["GET"])
def openapi_json() -> Response:
    """The OpenAPI 3.1 document of this API."""
    from chalicelib.api.openapi import openapi_document  # built on first request only

    document: dict[str, Any] = openapi_document()
    return Response(body=document, status_code=200, headers={"Content-Type": "application/json"})
