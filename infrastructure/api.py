"""The REST API's gateway-level settings, added to Chalice's `RestAPI` (an `AWS::Serverless::Api`)."""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnResource

from chalicelib.api.gateway_responses import GATEWAY_RESPONSES
from infrastructure.stages import StageOptions

SIGNUP_RESOURCE_PATH = "/~1v1~1signup"  # a stage's method settings write each "/" of the path as "~1"


def gateway_responses() -> dict[str, Any]:
    """`x-amazon-apigateway-gateway-responses`: what the gateway answers itself, in the service's error shape.

    They go into the OpenAPI definition rather than separate GatewayResponse resources so that a change
    is part of the definition SAM hashes into its deployment, and reaches the stage on the next deploy.
    """
    return {
        response_type: {
            "statusCode": str(answer.status),
            # The app allows any origin (CORSConfig); browsers need the header on these answers too.
            "responseParameters": {"gatewayresponse.header.Access-Control-Allow-Origin": "'*'"},
            "responseTemplates": {"application/json": answer.body()},
        }
        for response_type, answer in GATEWAY_RESPONSES.items()
    }


def configure_rest_api(rest_api: CfnResource, *, api_name: str, options: StageOptions) -> None:
    """Name the API (alarms address it by name), install gateway responses, throttle and trace the stage."""
    # The name is the ApiName dimension of API Gateway's metrics; title and Name agree so either wins.
    rest_api.add_property_override("Name", api_name)
    rest_api.add_property_override("DefinitionBody.info.title", api_name)
    rest_api.add_property_override("DefinitionBody.x-amazon-apigateway-gateway-responses", gateway_responses())
    rest_api.add_property_override("TracingEnabled", True)  # a request's trace starts at the gateway
    rest_api.add_property_override(
        "MethodSettings",
        [
            {
                "ResourcePath": "/*",
                "HttpMethod": "*",
                "ThrottlingRateLimit": options.throttle_rate,
                "ThrottlingBurstLimit": options.throttle_burst,
            },
            # Sign-up is public: all callers together get a small ceiling (API Gateway cannot limit
            # per client; the app limits each source address, here and in the local stack alike).
            {
                "ResourcePath": SIGNUP_RESOURCE_PATH,
                "HttpMethod": "POST",
                "ThrottlingRateLimit": options.signup_throttle_rate,
                "ThrottlingBurstLimit": options.signup_throttle_burst,
            },
        ],
    )
