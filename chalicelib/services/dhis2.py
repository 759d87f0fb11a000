"""The DHIS2 mapping (a file in the export bucket) and the DHIS2 form of a period's national export."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from chalicelib import aws_clients
from chalicelib.clock import utcnow
from chalicelib.config import get_settings
from chalicelib.domain.dhis2 import Dhis2Export, Dhis2Mapping, ElementRef, data_value_set
from chalicelib.domain.periods import Period
from chalicelib.domain.principal import Principal, Role
from chalicelib.errors import NotFoundError, error_code
from chalicelib.services import export

MAPPING_KEY = "config/dhis2-mapping.json"
NATIONAL_READERS = (Role.NATIONAL_VIEWER, Role.PLATFORM_ADMIN)


def _missing(exc: Exception) -> bool:
    return error_code(exc) in ("NoSuchKey", "404", "NotFound")


def save_mapping(*, principal: Principal, mapping: Dhis2Mapping, now: dt.datetime | None = None) -> dict[str, Any]:
    """Replace the DHIS2 mapping (platform admin); returns the stored document."""
    principal.require(Role.PLATFORM_ADMIN)
    doc = {
        "data_elements": {
            name: {"data_element": ref.data_element, "category_option_combo": ref.category_option_combo}
            for name, ref in sorted(mapping.data_elements.items())
        },
        "org_units": dict(sorted(mapping.org_units.items())),
        "attribute_option_combo": mapping.attribute_option_combo,
        "data_set": mapping.data_set,
        "uploaded_at": (now or utcnow()).isoformat(),
        "uploaded_by": principal.key_id,
    }
    aws_clients.s3().put_object(
        Bucket=get_settings().bucket_name,
        Key=MAPPING_KEY,
        Body=json.dumps(doc).encode("utf-8"),
        ContentType="application/json",
    )
    return doc


def mapping_document(*, principal: Principal) -> dict[str, Any]:
    """The mapping in force as stored; NotFoundError before one is uploaded."""
    principal.require(*NATIONAL_READERS)
    try:
        obj = aws_clients.s3().get_object(Bucket=get_settings().bucket_name, Key=MAPPING_KEY)
    except Exception as exc:
        if _missing(exc):
            raise NotFoundError("no DHIS2 mapping yet; upload one with PUT /v1/admin/dhis2-mapping") from exc
        raise
    doc: dict[str, Any] = json.loads(obj["Body"].read())
    return doc


def as_mapping(doc: dict[str, Any]) -> Dhis2Mapping:
    """A stored mapping document as the domain object."""
    return Dhis2Mapping(
        data_elements={
            name: ElementRef(ref["data_element"], ref.get("category_option_combo"))
            for name, ref in doc["data_elements"].items()
        },
        org_units=doc["org_units"],
        attribute_option_combo=doc.get("attribute_option_combo"),
        data_set=doc.get("data_set"),
    )


def export_period(*, principal: Principal, period: Period) -> Dhis2Export:
    """The national export of `period` as a DHIS2 dataValueSets payload, through the mapping."""
    principal.require(*NATIONAL_READERS)
    mapping = as_mapping(mapping_document(principal=principal))
    body, _ = export.read_export(period, "json")
    return data_value_set(json.loads(body), mapping)
