"""Photos of a report (from OpenRosa submissions): checked from their bytes, stored under the tenant's
prefix of the export bucket, listed with short-lived download URLs, counted nowhere."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from botocore.exceptions import ClientError

from chalicelib import aws_clients
from chalicelib.config import get_settings
from chalicelib.domain.reports import Report
from chalicelib.errors import FieldProblem, InvalidInputError, error_code

MAX_PHOTO_BYTES = 4_000_000
URL_SECONDS = 900
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
_SIGNATURES = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}


@dataclass(frozen=True)
class Attachment:
    """A stored photo: its file name, size and a download URL valid for URL_SECONDS."""

    name: str
    size: int
    url: str


def prefix(tenant_id: str, report_id: str) -> str:
    """Where a report's attachments lie in the bucket (under the tenant's own prefix)."""
    return f"tenants/{tenant_id}/attachments/{report_id}/"


def media_type(data: bytes) -> str | None:
    """JPEG or PNG, told from the bytes (never from the name or the declared type)."""
    return next((kind for magic, kind in _SIGNATURES.items() if data.startswith(magic)), None)


def check(files: Mapping[str, bytes], *, expected: set[str]) -> None:
    """Refuse a file the report does not name, a name that is not a plain file name, a file that is not
    a JPEG or PNG, or one over MAX_PHOTO_BYTES."""
    problems = []
    for name, data in files.items():
        if not _NAME.match(name) or name not in expected:
            problems.append(FieldProblem(name[:128], "not a photo named by this report"))
        elif media_type(data) is None:
            problems.append(FieldProblem(name, "not a JPEG or PNG image"))
        elif len(data) > MAX_PHOTO_BYTES:
            problems.append(FieldProblem(name, f"larger than {MAX_PHOTO_BYTES} bytes"))
    if problems:
        raise InvalidInputError("some attachments are not accepted", code="invalid_attachment", details=problems)


def _stored(tenant_id: str, report_id: str) -> dict[str, int]:
    bucket, start = get_settings().bucket_name, prefix(tenant_id, report_id)
    answer = aws_clients.s3().list_objects_v2(Bucket=bucket, Prefix=start, MaxKeys=100)
    return {item["Key"][len(start) :]: int(item["Size"]) for item in answer.get("Contents", [])}


def store_missing(*, tenant_id: str, report_id: str, files: Mapping[str, bytes]) -> list[str]:
    """Store the files not yet stored for this report (a split upload or a retry sends some again);
    the names stored now. A stored file is never replaced: a file of an earlier instance of the report,
    or one sent again with other bytes under its name, stays as it was first stored."""
    if not files:
        return []
    have = _stored(tenant_id, report_id)
    bucket, start = get_settings().bucket_name, prefix(tenant_id, report_id)
    added = []
    for name, data in sorted(files.items()):
        if name in have:
            continue
        try:
            aws_clients.s3().put_object(
                Bucket=bucket,
                Key=start + name,
                Body=data,
                ContentType=media_type(data) or "application/octet-stream",
                IfNoneMatch="*",  # a racing request that stored it first keeps it
            )
        except ClientError as exc:
            if error_code(exc) != "PreconditionFailed":
                raise
            continue
        added.append(name)
    return added


def listing(*, tenant_id: str, report_id: str) -> list[Attachment]:
    """A report's photos by file name, each with a short-lived download URL."""
    bucket, start = get_settings().bucket_name, prefix(tenant_id, report_id)
    client = aws_clients.s3()
    return [
        Attachment(
            name=name,
            size=size,
            url=client.generate_presigned_url(
                "get_object", Params={"Bucket": bucket, "Key": start + name}, ExpiresIn=URL_SECONDS
            ),
        )
        for name, size in sorted(_stored(tenant_id, report_id).items())
    ]


def of_report(report: Report) -> list[Attachment]:
    """The photos of a report (only the types whose forms take photos have any)."""
    from chalicelib.openrosa.questions import PHOTO_TYPES

    if report.content.type not in PHOTO_TYPES:
        return []
    return listing(tenant_id=report.tenant_id, report_id=report.submission_id)
