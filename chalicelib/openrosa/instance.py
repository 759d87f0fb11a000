"""A submitted XForm instance read back into the JSON report it stands for.

The XML is parsed with defusedxml (no entity expansion, no external entities, no DTD); element
names are the JSON field names, so the report is the same dict the JSON API takes, and it is
validated by the same models.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from chalicelib.domain.reports import Incoming, ReportType
from chalicelib.openrosa.messages import OpenRosaError
from chalicelib.openrosa.questions import form_id, meaning_hash, questions, type_of_form
from chalicelib.schemas.report_types import UUID_PATTERN
from chalicelib.schemas.reports import parse_submission

_UUID = re.compile(UUID_PATTERN)
_WHOLE = re.compile(r"^[+-]?\d{1,12}$")
MAX_ELEMENTS = 500


@dataclass(frozen=True)
class Instance:
    """What a submission's XML says."""

    report_type: ReportType
    version: str
    instance_id: str  # meta/instanceID without its "uuid:" prefix: the report's submission_id
    deprecated_id: str | None
    values: dict[str, str]
    photos: tuple[str, ...] = field(default_factory=tuple)  # file names the instance refers to


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def uuid_of(value: str | None, what: str) -> str | None:
    """A UUID instance id without its `uuid:` prefix, lower-cased; None when absent."""
    if value is None or not value.strip():
        return None
    text = value.strip().removeprefix("uuid:")
    if not _UUID.match(text):
        raise OpenRosaError(
            400,
            "invalid_instance_id",
            f"{what} bukan UUID (uuid:...)",
            f"{what} is not a UUID (uuid:...)",
        )
    return text.lower()


def _parse(xml: bytes) -> Any:
    try:
        return ElementTree.fromstring(xml, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise OpenRosaError(
            400,
            "forbidden_xml",
            "XML berisi DTD atau entitas yang tidak diizinkan; kirim ulang dari formulir",
            "The XML carries a DTD or entities, which are not allowed; send it from the form again",
        ) from exc
    except (ElementTree.ParseError, ValueError, UnicodeDecodeError) as exc:
        raise OpenRosaError(
            400, "malformed_xml", "Berkas XML kiriman rusak", "The submitted XML file cannot be read"
        ) from exc


def read_instance(xml: bytes) -> Instance:
    """The instance in a submission's XML; refuses what is not one of our forms."""
    root = _parse(xml)
    if sum(1 for _ in root.iter()) > MAX_ELEMENTS:
        raise OpenRosaError(400, "too_many_elements", "Kiriman terlalu besar", "The submission has too many elements")
    xform_id = root.get("id") or ""
    report_type = type_of_form(xform_id)
    if report_type is None:
        raise OpenRosaError(
            404,
            "unknown_form",
            f"Formulir '{xform_id[:64]}' tidak dikenal; unduh ulang formulir kosong",
            f"Unknown form '{xform_id[:64]}'; get the blank forms again",
        )
    version = root.get("version") or ""
    if version.split("-", 1)[0] != meaning_hash(report_type):
        raise OpenRosaError(
            409,
            "outdated_form_version",
            "Versi formulir ini sudah tidak berlaku; perbarui formulir kosong lalu isi lagi",
            "This form version is no longer accepted; update the blank forms and fill it in again",
        )
    values: dict[str, str] = {}
    meta: dict[str, str] = {}
    for child in root:
        name = _local(child.tag)
        if name == "meta":
            meta.update({_local(m.tag): (m.text or "") for m in child})
        elif len(child):
            values[name] = "\ufffd"  # a group where a value belongs: refused as a wrong type below
        else:
            values[name] = (child.text or "").strip()
    instance_id = uuid_of(meta.get("instanceID"), "meta/instanceID")
    if instance_id is None:
        raise OpenRosaError(
            400, "missing_instance_id", "Kiriman tanpa meta/instanceID", "The submission has no meta/instanceID"
        )
    photo_fields = {q.name for q in questions(report_type) if q.kind == "image"}
    photos = tuple(values.pop(name) for name in sorted(photo_fields & set(values)))
    return Instance(
        report_type=report_type,
        version=version,
        instance_id=instance_id,
        deprecated_id=uuid_of(meta.get("deprecatedID"), "meta/deprecatedID"),
        values=values,
        photos=tuple(p for p in photos if p),
    )


def report_of(instance: Instance) -> dict[str, Any]:
    """The JSON report an instance stands for (empty answers left out, whole numbers as numbers)."""
    kinds = {q.name: q.kind for q in questions(instance.report_type)}
    report: dict[str, Any] = {"submission_id": instance.instance_id, "type": instance.report_type.value}
    for name, text in instance.values.items():
        if text == "":
            continue
        report[name] = int(text) if kinds.get(name) == "integer" and _WHOLE.match(text) else text
    return report


def incoming_of(instance: Instance) -> Incoming:
    """The instance as one report of a post, validated like the JSON API's."""
    _, items = parse_submission(report_of(instance))
    return items[0]


__all__ = ["Instance", "form_id", "incoming_of", "read_instance", "report_of", "uuid_of"]
