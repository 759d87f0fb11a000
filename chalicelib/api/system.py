"""Health and the OpenAPI document."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint, Response

from chalicelib.api.http import endpoint
from chalicelib.schemas.common import HealthResponse

system_bp = Blueprint(__name__)


@endpoint(system_bp, "/v1/health", summary="Liveness check", tag="system", public=True, responses={200: HealthResponse})
def health() -> HealthResponse:
    """The service answers."""
    return HealthResponse(status="ok")


@system_bp.route("/v1/openapi.json", methods=["GET"])
def openapi_json() -> Response:
    """The OpenAPI 3.1 document of this API."""
    from chalicelib.api.openapi import openapi_document  # built on first request only

    document: dict[str, Any] = openapi_document()
    return Response(body=document, status_code=200, headers={"Content-Type": "application/json"})
