"""The one Logger and Metrics of the service (Powertools), with secret redaction.

Tracer is left out on purpose: importing it pulls in aws_xray_sdk (~245 ms of cold start
measured on this stack) for no benefit while tracing is off.
"""

from __future__ import annotations

import logging
import re

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

SERVICE = "tpbis"

logger = Logger(service=SERVICE)
metrics = Metrics(namespace="TPBIS", service=SERVICE)

__all__ = ["MetricUnit", "logger", "metrics", "redact"]

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
