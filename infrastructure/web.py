"""The web app: a private S3 bucket behind CloudFront, with /v1/* routed to the REST API (one origin, no
CORS), and the security headers of web/security-headers.json (the local stack sends the same).

The files of web/dist are uploaded by `make deploy` (scripts/deploy_web.py, with the deployer's own
credentials) rather than by a deploy-time Lambda, so the stack holds no role beyond the functions'.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from aws_cdk import Acknowledgment, CfnOutput, Duration, Fn, RemovalPolicy, Stack, Validations
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_s3 as s3
from constructs import Construct

WEB_DIR = Path(__file__).resolve().parent.parent / "web"
DIST = WEB_DIR / "dist"

EDGE_FINDINGS = {
    "AwsSolutions-CFR1": "A national service for Indonesia's regencies whose national team also works abroad; "
    "geo restriction would refuse legitimate users. Every read of data needs a key.",
    "AwsSolutions-CFR2": "The API keeps its own per-stage throttling and authorizer; a WAF web ACL is a "
    "fixed monthly cost the program has not chosen yet (add one with web_acl_id when it does).",
    "AwsSolutions-CFR4": "The distribution uses CloudFront's default certificate until the program's own "
    "domain is delegated; a minimum TLS version can only be set with a certificate of one's own.",
}


def security_policy() -> dict[str, Any]:
    """web/security-headers.json."""
    return dict(json.loads((WEB_DIR / "security-headers.json").read_text()))


class WebApp(Construct):
    """The web bucket, the distribution in front of it and the API, and its response headers policy."""

    def __init__(
        self, scope: Construct, construct_id: str, *, rest_api_id: str, api_stage: str, logs_bucket: s3.IBucket
    ) -> None:
        super().__init__(scope, construct_id)
        policy = security_policy()
        self.bucket = self._private_bucket("Bucket", logs_bucket, "web/", s3.ObjectOwnership.BUCKET_OWNER_ENFORCED)
        # CloudFront's standard logs need ACLs, which the other buckets disable: a bucket of their own.
        self.edge_logs = self._private_bucket(
            "EdgeLogs",
            logs_bucket,
            "edge-logs/",
            s3.ObjectOwnership.OBJECT_WRITER,
            lifecycle_rules=[s3.LifecycleRule(expiration=Duration.days(365))],
        )
        headers = cloudfront.ResponseHeadersPolicy(
            self,
            "SecurityHeaders",
            security_headers_behavior=cloudfront.ResponseSecurityHeadersBehavior(
                content_security_policy=cloudfront.ResponseHeadersContentSecurityPolicy(
                    content_security_policy=policy["content_security_policy"], override=True
                ),
                content_type_options=cloudfront.ResponseHeadersContentTypeOptions(override=True),
                frame_options=cloudfront.ResponseHeadersFrameOptions(
                    frame_option=cloudfront.HeadersFrameOption.DENY, override=True
                ),
                referrer_policy=cloudfront.ResponseHeadersReferrerPolicy(
                    referrer_policy=cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override=True
                ),
                strict_transport_security=cloudfront.ResponseHeadersStrictTransportSecurity(
                    access_control_max_age=Duration.seconds(policy["hsts_seconds"]),
                    include_subdomains=True,
                    override=True,
                ),
            ),
        )
        api_domain = f"{rest_api_id}.execute-api.{Stack.of(self).region}.{Stack.of(self).url_suffix}"
        self.distribution = cloudfront.Distribution(
            self,
            "Distribution",
            comment="TPBIS web app and API",
            default_root_object="index.html",
            http_version=cloudfront.HttpVersion.HTTP2_AND_3,
            price_class=cloudfront.PriceClass.PRICE_CLASS_200,  # includes the edge locations in Indonesia
            enable_logging=True,
            log_bucket=self.edge_logs,
            log_file_prefix="cloudfront/",
            default_behavior=cloudfront.BehaviorOptions(
                origin=origins.S3BucketOrigin.with_origin_access_control(self.bucket),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
                response_headers_policy=headers,
                compress=True,
            ),
            additional_behaviors={
                "/v1/*": cloudfront.BehaviorOptions(
                    origin=origins.HttpOrigin(api_domain, origin_path=f"/{api_stage}"),
                    viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
                    allowed_methods=cloudfront.AllowedMethods.ALLOW_ALL,
                    cache_policy=cloudfront.CachePolicy.CACHING_DISABLED,
                    # API Gateway routes on its own Host name: forward everything else. With caching disabled,
                    # this managed policy forwards Authorization too (no cache key can then leak an answer).
                    origin_request_policy=cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
                    response_headers_policy=headers,
                ),
            },
        )
        for finding, reason in EDGE_FINDINGS.items():
            Validations.of(self.distribution).acknowledge(Acknowledgment(id=f"AwsSolutions::{finding}", reason=reason))
        # `make deploy` uploads web/dist there (scripts/deploy_web.py) after the stack is up.
        CfnOutput(Stack.of(self), "WebBucketName", value=self.bucket.bucket_name)
        CfnOutput(Stack.of(self), "WebDistributionId", value=self.distribution.distribution_id)
        CfnOutput(Stack.of(self), "WebUrl", value=Fn.join("", ["https://", self.distribution.distribution_domain_name]))

    def _private_bucket(
        self, construct_id: str, logs: s3.IBucket, prefix: str, ownership: s3.ObjectOwnership, **extra: Any
    ) -> s3.Bucket:
        """An encrypted, private, TLS-only, access-logged bucket, kept when the stack is deleted."""
        return s3.Bucket(
            self,
            construct_id,
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            object_ownership=ownership,
            server_access_logs_bucket=logs,
            server_access_logs_prefix=prefix,
            removal_policy=RemovalPolicy.RETAIN,
            **extra,
        )
