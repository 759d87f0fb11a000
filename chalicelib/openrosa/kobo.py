"""A KoboToolbox REST Service submission (its JSON: one submission per POST) as an instance.

Kobo posts the answers flat, keyed by their path in the form (`meta/instanceID`, `group/field`),
every value as text, with its own fields prefixed by `_` (`_uuid`, `_id`, `_attachments`...). Kobo
renames the form's ID when it deploys it, so the report type comes from the webhook's URL.
"""

from __future__ import annotations

from typing import Any

from chalicelib.domain.reports import ReportType
from chalicelib.errors import FieldProblem, InvalidInputError
from chalicelib.openrosa.instance import Instance, uuid_of
from chalicelib.openrosa.questions import questions

# What Kobo adds to every submission besides the answers (metadata of the platform, not report fields).
KOBO_META = frozenset({"formhub/uuid", "__version__", "start", "end", "today", "deviceid", "username", "audit"})


def kobo_instance(payload: Any, report_type: ReportType) -> Instance:
    """The instance a Kobo submission carries; refuses what is not one."""
    if not isinstance(payload, dict):  # as the JSON API answers a body that is no object
        raise InvalidInputError("the body must be a JSON object", details=[FieldProblem("", "expected an object")])
    instance_id = uuid_of(_text(payload.get("meta/instanceID")) or _text(payload.get("_uuid")), "meta/instanceID")
    if instance_id is None:
        raise InvalidInputError(
            "the submission has no meta/instanceID",
            code="missing_instance_id",
            details=[FieldProblem("meta/instanceID", "required (or _uuid)")],
        )
    photos = {q.name for q in questions(report_type) if q.kind == "image"}
    values: dict[str, str] = {}
    for path, value in payload.items():
        if not isinstance(path, str) or path.startswith("_") or path.startswith("meta/") or path in KOBO_META:
            continue
        name = path.rsplit("/", 1)[-1]
        if name not in photos:  # Kobo keeps the photos; they are not fetched from it
            values[name] = _text(value) if _is_text(value) else "\ufffd"  # a list, object or true: not an answer
    return Instance(
        report_type=report_type,
        version="",
        instance_id=instance_id,
        deprecated_id=uuid_of(_text(payload.get("meta/deprecatedID")), "meta/deprecatedID"),
        values=values,
    )


def _is_text(value: Any) -> bool:
    """Whether Kobo sent the value as an answer's text (or a number): a boolean is not one."""
    return isinstance(value, str | int | float) and not isinstance(value, bool)


def _text(value: Any) -> str:
    return str(value).strip() if _is_text(value) else ""
