"""The REST API's gateway-level settings, added to Chalice's `RestAPI` (an `AWS::Serverless::Api`)."""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnResource
from chalice.app import ChaliceAuthorizer
from chalice.utils import to_cfn_resource_name

from chalicelib.api.gateway_responses import GATEWAY_RESPONSES
from infrastructure.stages import StageOptions


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
    """Name the API (alarms address it by name), install gateway responses, throttle the stage."""
    # The name is the ApiName dimension of API Gateway's metrics; title and Name agree so either wins.
    rest_api.add_property_override("Name", api_name)
    rest_api.add_property_override("DefinitionBody.info.title", api_name)
    rest_api.add_property_override("DefinitionBody.x-amazon-apigateway-gateway-responses", gateway_responses())
    rest_api.add_property_override(
        "MethodSettings",
        [
            {
                "ResourcePath": "/*",
                "HttpMethod": "*",
                "ThrottlingRateLimit": options.throttle_rate,
                "ThrottlingBurstLimit": options.throttle_burst,
            }
        ],
    )


def restore_builtin_authorizers(rest_api: CfnResource, chalice_app: Any) -> list[str]:
    """State each built-in authorizer's security definition as Chalice generates it; returns their names.

    Chalice 1.34 reserves the definition name `api_key` for `api_key_required=True`: a built-in
    authorizer named `api_key` has its definition overwritten by a usage-plan key requirement, and
    API Gateway would then refuse every protected route with 403 without ever calling the authorizer.
    Re-stating the definitions is harmless for other names and repairs that one.
    """
    names = []
    for authorizer in _builtin_authorizers(chalice_app):
        config = authorizer.config
        gateway_authorizer: dict[str, Any] = {
            "type": "token",
            "authorizerUri": {
                "Fn::Sub": "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31"
                f"/functions/${{{to_cfn_resource_name(authorizer.name)}.Arn}}/invocations"
            },
        }
        if config.execution_role is not None:
            gateway_authorizer["authorizerCredentials"] = config.execution_role
        if config.ttl_seconds is not None:
            gateway_authorizer["authorizerResultTtlInSeconds"] = config.ttl_seconds
        rest_api.add_property_override(
            f"DefinitionBody.securityDefinitions.{authorizer.name}",
            {
                "in": "header",
                "type": "apiKey",
                "name": config.header,
                "x-amazon-apigateway-authtype": "custom",
                "x-amazon-apigateway-authorizer": gateway_authorizer,
            },
        )
        names.append(authorizer.name)
    return names


def _builtin_authorizers(chalice_app: Any) -> list[ChaliceAuthorizer]:
    found: dict[str, ChaliceAuthorizer] = {}
    for methods in chalice_app.routes.values():
        for entry in methods.values():
            if isinstance(entry.authorizer, ChaliceAuthorizer):
                found[entry.authorizer.name] = entry.authorizer
    return [found[name] for name in sorted(found)]
