"""The served OpenAPI document is valid and describes every route the app has."""

from __future__ import annotations

from openapi_spec_validator import validate

from tests.http_client import ApiClient


def test_the_served_spec_is_a_valid_openapi_document(api: ApiClient) -> None:
    response = api.get("/v1/openapi.json")
    assert response.status == 200
    spec = response.json
    validate(spec)
    assert spec["openapi"].startswith("3.1")


def test_every_route_of_the_app_is_in_the_spec_and_nothing_else(api: ApiClient) -> None:
    from app import app

    spec = api.get("/v1/openapi.json").json
    documented = {(path, method.upper()) for path, ops in spec["paths"].items() for method in ops}
    routed = {(path, method) for path, methods in app.routes.items() for method in methods}
    routed.discard(("/v1/openapi.json", "GET"))
    assert documented == routed


def test_every_error_response_uses_the_error_schema_and_openrosa_routes_answer_xml(api: ApiClient) -> None:
    spec = api.get("/v1/openapi.json").json
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                if int(status) < 400:
                    continue
                if "/openrosa/" in path:  # what ODK Collect reads: an OpenRosaResponse (HEAD: no body)
                    assert set(response.get("content", {})) == (set() if method == "head" else {"text/xml"})
                    continue
                schema = response["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/ErrorResponse"}, (method, path, status)


def test_health_answers_ok(api: ApiClient) -> None:
    assert api.get("/v1/health").json == {"status": "ok"}
