"""The DHIS2 mapping the national operator uploads."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from pydantic import Field, field_validator

from chalicelib import areas
from chalicelib.domain.dhis2 import UID_PATTERN, Dhis2Mapping, ElementRef
from chalicelib.domain.indicators import INDICATORS
from chalicelib.domain.rollup_plan import NATION
from chalicelib.schemas.common import PublicModel, RequestModel, described

described(UID_PATTERN, "a DHIS2 UID: a letter and ten letters or digits", "dhis2_uid")
_UID = Field(pattern=UID_PATTERN, examples=["fbfJHSPpUQD"])


class DataElementRef(RequestModel):
    """A DHIS2 data element, optionally with its category option combo."""

    data_element: str = _UID
    category_option_combo: str | None = Field(default=None, pattern=UID_PATTERN)


class Dhis2MappingPut(RequestModel):
    """Our indicators and area codes to the DHIS2 instance's identifiers."""

    data_elements: dict[str, DataElementRef] = Field(
        min_length=1,
        description="indicator name -> data element",
        examples=[{"visits": {"data_element": "fbfJHSPpUQD"}}],
    )
    org_units: dict[str, str] = Field(
        min_length=1,
        description='area code ("ID" for the nation, a province "33" or a regency "33.15") -> organisation unit uid',
        examples=[{"ID": "ImspTQPwCqd", "33": "O6uvpzGd5pu", "33.15": "DiszpKrYNg8"}],
    )
    attribute_option_combo: str | None = Field(default=None, pattern=UID_PATTERN)
    data_set: str | None = Field(default=None, pattern=UID_PATTERN)

    @field_validator("data_elements")
    @classmethod
    def _known_indicators(cls, value: dict[str, DataElementRef]) -> dict[str, DataElementRef]:
        unknown = sorted(set(value) - set(INDICATORS))
        if unknown:
            raise ValueError(f"not indicators: {', '.join(unknown)}")
        return value

    @field_validator("org_units")
    @classmethod
    def _known_areas(cls, value: dict[str, str]) -> dict[str, str]:
        bad = [
            code
            for code in value
            if code != NATION
            and not (areas.exists(code, areas.Level.PROVINCE) or areas.exists(code, areas.Level.REGENCY))
        ]
        if bad:
            raise ValueError(f"not a province or regency code (or ID): {', '.join(sorted(bad))}")
        wrong = sorted(code for code, uid in value.items() if not re.fullmatch(UID_PATTERN, uid))
        if wrong:
            raise ValueError(f"not DHIS2 uids (11 characters, a letter first) for: {', '.join(wrong)}")
        return value

    def to_domain(self) -> Dhis2Mapping:
        return Dhis2Mapping(
            data_elements={
                k: ElementRef(v.data_element, v.category_option_combo) for k, v in self.data_elements.items()
            },
            org_units=dict(self.org_units),
            attribute_option_combo=self.attribute_option_combo,
            data_set=self.data_set,
        )


class Dhis2MappingPublic(PublicModel):
    """The mapping in force, who uploaded it and when."""

    data_elements: dict[str, dict[str, Any]]
    org_units: dict[str, str]
    attribute_option_combo: str | None = None
    data_set: str | None = None
    uploaded_at: dt.datetime
    uploaded_by: str
