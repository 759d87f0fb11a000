"""The process environment of an in-process moto account, for the tests and the benchmarks alike."""

from __future__ import annotations

import os

# Variables that would send boto3 to a real account or a leftover local endpoint.
_REAL_AWS = ("AWS_PROFILE", "AWS_SESSION_TOKEN")


def use_moto_environment(*, credentials: str, stage: str, **extra: str) -> None:
    """Throwaway credentials and region, no profile, session or endpoint: everything stays in moto.

    Call it before anything imports boto3, PynamoDB or the app."""
    for name in [n for n in os.environ if n.startswith("AWS_ENDPOINT_URL") or n in _REAL_AWS]:
        del os.environ[name]
    os.environ.update(
        AWS_DEFAULT_REGION="ap-southeast-3",
        AWS_ACCESS_KEY_ID=credentials,
        AWS_SECRET_ACCESS_KEY=credentials,
        TPBIS_STAGE=stage,
        POWERTOOLS_METRICS_DISABLED="true",
        **extra,
    )
