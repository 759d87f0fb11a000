"""Submissions shaped as ODK Collect sends them: the instance XML of a report and its multipart POST."""

from __future__ import annotations

import base64
import uuid
from typing import Any
from xml.sax.saxutils import escape

BOUNDARY = "----CollectBoundary7MA4YWxkTrZu0gW"
# What Collect (its OkHttp client) sends with a submission.
COLLECT_HEADERS = {
    "x-openrosa-version": "1.0",
    "user-agent": "org.odk.collect.android/v2025.2.1 okhttp/4.12.0",
    "accept-encoding": "gzip,deflate",
    "date": "Thu, 03 Dec 2026 01:00:00 GMT",
}
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 + b"\xff\xd9"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def instance_xml(
    form: dict[str, str],
    values: dict[str, Any],
    *,
    instance_id: str | None = None,
    deprecated_id: str | None = None,
) -> bytes:
    """The XML of a filled form (`form` has its `form_id` and `version`)."""
    fields = "".join(f"<{k}>{escape(str(v))}</{k}>" for k, v in values.items())
    meta = f"<instanceID>uuid:{instance_id or uuid.uuid4()}</instanceID>"
    if deprecated_id:
        meta += f"<deprecatedID>uuid:{deprecated_id}</deprecatedID>"
    return (
        f'<?xml version="1.0" ?><data xmlns:jr="http://openrosa.org/javarosa" '
        f'xmlns:orx="http://openrosa.org/xforms" id="{form["form_id"]}" version="{form["version"]}">'
        f"{fields}<meta>{meta}</meta></data>"
    ).encode()


def multipart(xml: bytes, files: dict[str, bytes] | None = None, *, incomplete: bool = False) -> tuple[str, bytes]:
    """(content type, body) of a submission POST as Collect builds it."""
    parts = [
        (b'name="xml_submission_file"; filename="submission.xml"', b"text/xml", xml),
        *((f'name="{n}"; filename="{n}"'.encode(), b"image/jpeg", d) for n, d in (files or {}).items()),
    ]
    if incomplete:
        parts.append((b'name="*isIncomplete*"', b"text/plain", b"yes"))
    body = b""
    for disposition, kind, data in parts:
        body += (
            b"--"
            + BOUNDARY.encode()
            + b"\r\nContent-Disposition: form-data; "
            + disposition
            + b"\r\nContent-Type: "
            + kind
            + b"\r\n\r\n"
            + data
            + b"\r\n"
        )
    body += b"--" + BOUNDARY.encode() + b"--\r\n"
    return f"multipart/form-data; boundary={BOUNDARY}", body


def basic(key_id: str, secret: str) -> str:
    """An HTTP Basic Authorization value."""
    return "Basic " + base64.b64encode(f"{key_id}:{secret}".encode()).decode()
