"""DHIS2 notation and the dataValueSets payload, from an export document (no AWS)."""

from __future__ import annotations

import pytest

from chalicelib.domain.dhis2 import Dhis2Mapping, ElementRef, conforms, data_value_set, dhis2_period
from chalicelib.domain.periods import Period

MAPPING = Dhis2Mapping(
    data_elements={"visits": ElementRef("fbfJHSPpUQD"), "reporting_rate_pct": ElementRef("RepRateUID1")},
    org_units={"33.15": "DiszpKrYNg8"},
    data_set="DataSetUID1",
)


@pytest.mark.parametrize(
    ("ours", "theirs"), [("2026-11", "202611"), ("2026-01", "202601"), ("2026-Q4", "2026Q4"), ("2026", "2026")]
)
def test_periods_are_written_in_dhis2_notation(ours: str, theirs: str) -> None:
    assert dhis2_period(Period.parse(ours)) == theirs


def test_a_value_set_has_one_value_per_mapped_indicator_and_area_with_a_value() -> None:
    doc = {
        "period": "2026-11",
        "items": [
            {
                "scope": {"code": "33.15"},
                "indicators": {"visits": {"value": 40}, "reporting_rate_pct": {"value": 66.7}},
            },
            {"scope": {"code": "33.18"}, "indicators": {"visits": {"value": 5}}},
            {"scope": {"code": "33.15"}, "indicators": {"visits": {"value": None}}},
        ],
    }
    exported = data_value_set(doc, MAPPING)
    assert exported.payload == {
        "dataSet": "DataSetUID1",
        "period": "202611",
        "dataValues": [
            {"dataElement": "RepRateUID1", "period": "202611", "orgUnit": "DiszpKrYNg8", "value": "66.7"},
            {"dataElement": "fbfJHSPpUQD", "period": "202611", "orgUnit": "DiszpKrYNg8", "value": "40"},
        ],
    }
    assert exported.unmapped_areas == ["33.18"]
    assert conforms(exported.payload, MAPPING) == []


def test_a_payload_with_identifiers_outside_the_mapping_does_not_conform() -> None:
    payload = {
        "dataValues": [
            {"dataElement": "otherUID123", "period": "2026-11", "orgUnit": "DiszpKrYNg8", "value": "x"},
            {"dataElement": "fbfJHSPpUQD", "period": "202611", "orgUnit": "unknownUnit", "value": "1"},
        ]
    }
    problems = conforms(payload, MAPPING)
    assert len(problems) == 4
    assert any("dataValues[0].dataElement" in p for p in problems)
    assert any("dataValues[0].period" in p for p in problems)
    assert any("dataValues[0].value" in p for p in problems)
    assert any("dataValues[1].orgUnit" in p for p in problems)
