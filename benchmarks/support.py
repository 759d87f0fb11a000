"""Shared benchmark plumbing: an in-process moto account; the DynamoDB call counter is the tests' own."""

from __future__ import annotations

from tests.support.dynamo_counter import DynamoCounter, counting_dynamodb
from tests.support.environment import use_moto_environment

__all__ = ["DynamoCounter", "counting_dynamodb", "quiet_aws_environment"]


def quiet_aws_environment() -> None:
    """The benchmarks' moto account: the tests' environment, with their own names and quiet logs."""
    use_moto_environment(credentials="bench", stage="bench", POWERTOOLS_LOG_LEVEL="WARNING")
