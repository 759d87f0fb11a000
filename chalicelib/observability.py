"""The one Logger, Metrics and Tracer of the service (Powertools), with secret redaction.

The Tracer is made on first use (`tracer()`), not at import: making it imports aws_xray_sdk
(150-250 ms measured on this stack), which a cold start should pay only when it handles
something. In AWS every function has active tracing (infrastructure/stack.py) and the Tracer
patches botocore, so each DynamoDB, S3 and EventBridge call is a subsegment of the request's or
the job's `span`. Outside Lambda (tests, `make run`) Powertools disables it, and spans cost nothing.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit

SERVICE = "tpbis"

logger = Logger(service=SERVICE)
metrics = Metrics(namespace="TPBIS", service=SERVICE)

__all__ = ["MetricUnit", "logger", "metrics", "redact", "span", "tracer"]


@functools.cache
def tracer() -> Tracer:
    """The service's Tracer (botocore patched: boto3's and PynamoDB's calls all go through it)."""
    return Tracer(service=SERVICE, patch_modules=["botocore"])


class _Untraced:
    """Stands in for a subsegment where the X-Ray SDK made none (tracing on, but no segment open)."""

    def __getattr__(self, name: str) -> Any:
        return lambda *args, **kwargs: None


@contextmanager
def span(name: str, **annotations: str) -> Iterator[Any]:
    """A subsegment `## name` with these annotations (searchable in X-Ray: tenant, job, status);
    yields it for more annotations, metadata and flags."""
    with tracer().provider.in_subsegment(f"## {name}") as subsegment:
        entity = subsegment if subsegment is not None else _Untraced()
        for key, value in annotations.items():
            entity.put_annotation(key, value)
        yield entity


# Secrets look like `tpbis_<key id>_<random>`; a bearer header may carry anything.
_SECRET = re.compile(r"tpbis_[A-Za-z0-9]+_[A-Za-z0-9_\-]+")
_BEARER = re.compile(r"(?i)(bearer\s+)[^\s\"',]+")


def redact(text: str) -> str:
    """Text with every API-key secret and bearer token replaced by a marker."""
    return _BEARER.sub(r"\1[redacted]", _SECRET.sub("[redacted]", text))


class _RedactingFilter(logging.Filter):
    """Defence in depth: no log line may carry a key secret, whatever a caller logs."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if record.args:
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        return True


logger.addFilter(_RedactingFilter())
