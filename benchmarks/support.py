"""Shared benchmark plumbing: an in-process moto account; the DynamoDB call counter is the tests' own."""

from __future__ import annotations

import os

from tests.support.dynamo_counter import DynamoCounter, counting_dynamodb

__all__ = ["DynamoCounter", "counting_dynamodb", "quiet_aws_environment"]


def quiet_aws_environment() -> None:
    """Throwaway credentials and region, no leftover endpoints: everything stays in moto."""
    for name in [n for n in os.environ if n.startswith("AWS_ENDPOINT_URL")]:
        del os.environ[name]
    os.environ.update(
        AWS_DEFAULT_REGION="ap-southeast-3",
        AWS_ACCESS_KEY_ID="bench",
        AWS_SECRET_ACCESS_KEY="bench",
        TPBIS_STAGE="bench",
        POWERTOOLS_METRICS_DISABLED="true",
        POWERTOOLS_LOG_LEVEL="WARNING",
    )
