"""The OpenRosa routes in the deployed API: binary multipart bodies reach the function intact, and the
routes that authenticate themselves (key in the path, HTTP Basic) are not behind the bearer authorizer."""

from __future__ import annotations

from typing import Any

from tests.infrastructure.conftest import Synthesized


def _definition(synthesized: Synthesized) -> dict[str, Any]:
    (api,) = synthesized.resources("AWS::Serverless::Api").values()
    return dict(api["Properties"]["DefinitionBody"])


def test_api_gateway_passes_multipart_submissions_and_workbooks_as_binary(synthesized: Synthesized) -> None:
    media = _definition(synthesized)["x-amazon-apigateway-binary-media-types"]
    assert "multipart/form-data" in media
    assert "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" in media


def test_every_openrosa_route_is_deployed_and_authenticates_itself(synthesized: Synthesized) -> None:
    paths = _definition(synthesized)["paths"]
    for prefix in ("/v1/key/{secret}/openrosa", "/v1/openrosa"):
        assert {"get"} <= set(paths[prefix + "/formList"])
        assert {"get"} <= set(paths[prefix + "/forms/{form_id}"])
        assert {"head", "post"} <= set(paths[prefix + "/submission"])
        for operations in (paths[prefix + s] for s in ("/formList", "/forms/{form_id}", "/submission")):
            for method, operation in operations.items():
                if method != "options":
                    assert not operation.get("security"), (prefix, method)
    for route in ("/v1/key/{secret}/kobo/{report_type}", "/v1/kobo/{report_type}"):
        assert not paths[route]["post"].get("security")
    assert paths["/v1/forms/{name}"]["get"]["security"], "the XLSForm download is behind the authorizer"
