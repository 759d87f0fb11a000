"""The web app in AWS: a private bucket behind CloudFront, /v1/* to the API, the same security headers as
the local stack (web/security-headers.json), hashed bundles cached for a year and pages revalidated."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.infrastructure.conftest import Synthesized

POLICY = json.loads((Path(__file__).resolve().parents[2] / "web" / "security-headers.json").read_text())
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"  # CloudFront's managed policies
ALL_VIEWER_EXCEPT_HOST = "b689b0a8-53d0-40ab-baf2-68738e2966ac"


def _one(synthesized: Synthesized, resource_type: str) -> dict[str, Any]:
    found = list(synthesized.resources(resource_type).values())
    assert len(found) == 1, found
    properties: dict[str, Any] = found[0]["Properties"]
    return properties


def test_the_distribution_serves_the_bucket_and_routes_v1_to_the_rest_api_stage(synthesized: Synthesized) -> None:
    config = _one(synthesized, "AWS::CloudFront::Distribution")["DistributionConfig"]
    origins = {o["Id"]: o for o in config["Origins"]}
    default = config["DefaultCacheBehavior"]
    assert config["DefaultRootObject"] == "index.html"
    assert default["ViewerProtocolPolicy"] == "redirect-to-https"
    assert "OriginAccessControlId" in origins[default["TargetOriginId"]]
    (api,) = config["CacheBehaviors"]
    assert api["PathPattern"] == "/v1/*" and api["ViewerProtocolPolicy"] == "https-only"
    assert api["CachePolicyId"] == CACHING_DISABLED and api["OriginRequestPolicyId"] == ALL_VIEWER_EXCEPT_HOST
    assert set(api["AllowedMethods"]) == {"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"}
    origin = origins[api["TargetOriginId"]]
    assert origin["OriginPath"] == "/api"
    assert json.dumps(origin["DomainName"]).count("RestAPI") == 1  # the Chalice REST API's id
    assert config["Logging"]["Bucket"]


def test_every_answer_gets_the_security_headers_of_the_local_stack_and_hsts(synthesized: Synthesized) -> None:
    headers = _one(synthesized, "AWS::CloudFront::ResponseHeadersPolicy")["ResponseHeadersPolicyConfig"]
    security = headers["SecurityHeadersConfig"]
    csp = security["ContentSecurityPolicy"]["ContentSecurityPolicy"]
    assert csp == POLICY["content_security_policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert security["FrameOptions"]["FrameOption"] == "DENY"
    assert security["ReferrerPolicy"]["ReferrerPolicy"] == POLICY["referrer_policy"]
    assert security["StrictTransportSecurity"]["AccessControlMaxAgeSec"] == POLICY["hsts_seconds"] >= 31536000
    assert security["ContentTypeOptions"]["Override"] is True
    config = _one(synthesized, "AWS::CloudFront::Distribution")["DistributionConfig"]
    for behavior in [config["DefaultCacheBehavior"], *config["CacheBehaviors"]]:
        assert "ResponseHeadersPolicyId" in behavior


def test_the_web_bucket_is_private_and_readable_by_the_distribution_only(synthesized: Synthesized) -> None:
    buckets = synthesized.resources("AWS::S3::Bucket")
    web_id = next(k for k in buckets if k.startswith("WebBucket"))
    public = buckets[web_id]["Properties"]["PublicAccessBlockConfiguration"]
    assert all(
        public[flag] for flag in ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets")
    )
    policy = next(
        p["Properties"]["PolicyDocument"]
        for p in synthesized.resources("AWS::S3::BucketPolicy").values()
        if p["Properties"]["Bucket"] == {"Ref": web_id}
    )
    allows = [s for s in policy["Statement"] if s["Effect"] == "Allow"]
    assert allows and all(s["Principal"] == {"Service": "cloudfront.amazonaws.com"} for s in allows)
    assert all("AWS:SourceArn" in s["Condition"]["StringEquals"] for s in allows)


def test_the_stack_names_the_bucket_and_distribution_the_web_upload_needs(synthesized: Synthesized) -> None:
    outputs = synthesized.template["Outputs"]
    assert {"WebBucketName", "WebDistributionId", "WebUrl"} <= set(outputs)
    assert not synthesized.resources("Custom::CDKBucketDeployment")  # no deploy-time Lambda or its role
