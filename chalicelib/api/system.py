"""Health and the OpenAPI document."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint, Response

from chalicelib.api.http import endpoint
from chalicelib.domain.principal import Principal
from chalicelib.schemas.common import HealthResponse
from chalicelib.schemas.keys import CallerPublic

system_bp = Blueprint(__name__)


@endpoint(system_bp, "/v1/health", summary="Liveness check", tag="system", public=True, responses={200: HealthResponse})
def health() -> HealthResponse:
    """The service answers."""
    return HealthResponse(status="ok")


@endpoint(system_bp, "/v1/me", summary="The caller's key", tag="system", responses={200: CallerPublic})
def me(*, principal: Principal) -> CallerPublic:
    """The role, tenant and villages of the key this request carries (never its secret)."""
    return CallerPublic(
        key_id=principal.key_id, role=principal.role, tenant_id=principal.tenant_id, villages=sorted(principal.villages)
    )


@system_bp.route("/v1/openapi.json", methods=["GET"])
def openapi_json() -> Response:
    """The OpenAPI 3.1 document of this API."""
    from chalicelib.api.openapi import openapi_document  # built on first request only

    document: dict[str, Any] = openapi_document()
    return Response(body=document, status_code=200, headers={"Content-Type": "application/json"})
