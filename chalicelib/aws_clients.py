"""boto3 clients, made on first use and reused (never at import time)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import boto3
from botocore.config import Config

from chalicelib.config import get_settings

# A fresh-on-change plan's claim is held while its message is sent (repositories/rollup_nudges.py): an
# unreachable SQS is given up within seconds, not boto3's minute a try, so that the claim goes back soon.
SQS_CONFIG = Config(connect_timeout=2, read_timeout=5, retries={"max_attempts": 3, "mode": "standard"})


@lru_cache(maxsize=1)
def s3() -> Any:
    """The S3 client."""
    return boto3.client("s3", region_name=get_settings().region)


@lru_cache(maxsize=1)
def events() -> Any:
    """The EventBridge client."""
    return boto3.client("events", region_name=get_settings().region)


@lru_cache(maxsize=1)
def ses() -> Any:
    """The SES client (reminder e-mails)."""
    return boto3.client("ses", region_name=get_settings().region)


@lru_cache(maxsize=1)
def sns() -> Any:
    """The SNS client (reminder e-mails through a topic)."""
    return boto3.client("sns", region_name=get_settings().region)


@lru_cache(maxsize=1)
def sqs() -> Any:
    """The SQS client (the rollup's queue)."""
    return boto3.client("sqs", region_name=get_settings().region, config=SQS_CONFIG)


def reset() -> None:
    """Forget the clients (tests switch AWS endpoints between cases)."""
    for client in (s3, events, ses, sns, sqs):
        client.cache_clear()
