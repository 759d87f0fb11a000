"""The OpenAPI 3.1 document, generated from the declared endpoints and their pydantic models."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from pydantic import BaseModel, TypeAdapter

from chalicelib.api.openrosa_spec import SECURITY_SCHEME as OPENROSA_BASIC
from chalicelib.api.openrosa_spec import kobo_paths, openrosa_paths
from chalicelib.api.routes import ENDPOINTS, Endpoint
from chalicelib.schemas.common import ErrorResponse

REF = "#/components/schemas/{model}"
_ERROR_STATUSES = {
    400: "The request cannot be read (malformed JSON, bad cursor).",
    401: "No valid API key.",
    403: "The key's role, tenant or villages do not allow this.",
    404: "No such resource for this caller.",
    409: "Conflicts with the current state.",
    413: "The body is larger than the limit.",
    415: "The body is not JSON.",
    422: "The input breaks a rule; `details` names each field.",
    503: "The data store is busy; retry after the Retry-After seconds.",
}


def _schema(target: Any, defs: dict[str, Any]) -> dict[str, Any]:
    schema = TypeAdapter(target).json_schema(ref_template=REF, mode="validation")
    defs.update(schema.pop("$defs", {}))
    return schema


def _response_schema(model: type[BaseModel], defs: dict[str, Any]) -> dict[str, Any]:
    schema = model.model_json_schema(ref_template=REF, mode="serialization")
    defs.update(schema.pop("$defs", {}))
    name = model.__name__
    defs[name] = schema
    return {"$ref": REF.format(model=name)}


def _query_parameters(model: type[BaseModel], defs: dict[str, Any]) -> list[dict[str, Any]]:
    schema = model.model_json_schema(ref_template=REF)
    defs.update(schema.pop("$defs", {}))
    required = set(schema.get("required", []))
    return [
        {"name": name, "in": "query", "required": name in required, "schema": prop}
        for name, prop in schema.get("properties", {}).items()
    ]


def _operation(endpoint: Endpoint, defs: dict[str, Any]) -> dict[str, Any]:
    op: dict[str, Any] = {
        "summary": endpoint.summary,
        "operationId": re.sub(r"[^A-Za-z0-9]+", "_", f"{endpoint.method}_{endpoint.path}").strip("_").lower(),
        "tags": [endpoint.tag],
        "responses": {},
    }
    description = endpoint.description
    if endpoint.roles:
        allowed = ", ".join(f"`{r.value}`" for r in endpoint.roles)
        description = f"{description}\n\nRoles: {allowed}.".strip()
    if description:
        op["description"] = description
    params = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string", "minLength": 1, "maxLength": 64}}
        for name in re.findall(r"{(\w+)}", endpoint.path)
    ]
    if endpoint.query is not None:
        params += _query_parameters(endpoint.query(), defs)
    if params:
        op["parameters"] = params
    if endpoint.body_doc is not None:
        op["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _schema(endpoint.body_doc(), defs)}},
        }
    for status, model in sorted(endpoint.response_models.items()):
        entry: dict[str, Any] = {
            "description": (model.__doc__ or "OK").strip().splitlines()[0] if model else "No content"
        }
        if model is not None:
            entry["content"] = {"application/json": {"schema": _response_schema(model, defs)}}
        op["responses"][str(status)] = entry
    error_ref = _response_schema(ErrorResponse, defs)
    statuses = [s for s in _ERROR_STATUSES if s not in endpoint.responses]
    if endpoint.public:
        statuses = [s for s in statuses if s not in (401, 403)]
    for status in statuses:
        op["responses"][str(status)] = {
            "description": _ERROR_STATUSES[status],
            "content": {"application/json": {"schema": error_ref}},
        }
    if not endpoint.public:
        op["security"] = [{"apiKey": []}]
    return op


@lru_cache(maxsize=1)
def openapi_document() -> dict[str, Any]:
    """The whole spec (built once per process)."""
    defs: dict[str, Any] = {}
    paths: dict[str, dict[str, Any]] = {}
    for endpoint in ENDPOINTS:
        paths.setdefault(endpoint.path, {})[endpoint.method.lower()] = _operation(endpoint, defs)
    paths.update(openrosa_paths())
    paths.update(kobo_paths())
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "TPBIS backend",
            "version": "1.0.0",
            "description": (
                "Library transformation based on social inclusion (TPBIS): regency offices, village "
                "reports, indicator rollups and stakeholder commitments. Every error has the shape "
                '{"error": {"code", "message", "details": [{"field", "message"}]}}.'
            ),
        },
        "servers": [{"url": "/"}],
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": dict(sorted(defs.items())),
            "securitySchemes": {
                "apiKey": {"type": "http", "scheme": "bearer", "description": "An API key secret."},
                "basic": OPENROSA_BASIC,
            },
        },
    }
