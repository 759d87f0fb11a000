"""Our figures as a DHIS2 `dataValueSets` payload, for the program's own DHIS2 instance.

The national operator uploads a mapping from our indicators to the instance's data elements (and
optionally category option combos) and from our area codes to its organisation units; the export
of a period becomes one data value per mapped (indicator, area) that has a value. Areas and
indicators without a mapping are left out (and counted), never guessed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from chalicelib.domain.periods import Period, PeriodKind

# DHIS2 identifiers: 11 characters, a letter then letters or digits.
UID_PATTERN = r"^[A-Za-z][A-Za-z0-9]{10}$"


def dhis2_period(period: Period) -> str:
    """DHIS2's notation of a period: `202611`, `2026Q4`, `2026`."""
    if period.kind is PeriodKind.MONTH:
        return f"{period.year:04d}{period.index:02d}"
    if period.kind is PeriodKind.QUARTER:
        return f"{period.year:04d}Q{period.index}"
    return f"{period.year:04d}"


@dataclass(frozen=True)
class ElementRef:
    """Where one of our indicators goes in DHIS2."""

    data_element: str
    category_option_combo: str | None = None


@dataclass(frozen=True)
class Dhis2Mapping:
    """Our indicators and area codes to a DHIS2 instance's identifiers."""

    data_elements: Mapping[str, ElementRef]
    org_units: Mapping[str, str]  # area code ("ID" for the nation, "33", "33.15") -> org unit uid
    attribute_option_combo: str | None = None
    data_set: str | None = None


@dataclass(frozen=True)
class Dhis2Export:
    """A payload and what was left out of it."""

    payload: dict[str, Any]
    unmapped_areas: list[str] = field(default_factory=list)


def _value(number: float | int) -> str:
    # DHIS2 stores every value as text; whole numbers without a decimal point.
    return str(int(number)) if float(number).is_integer() else str(number)


def data_value_set(doc: Mapping[str, Any], mapping: Dhis2Mapping) -> Dhis2Export:
    """The `dataValueSets` payload of an export document (`{period, items: [{scope, indicators}]}`)."""
    period = dhis2_period(Period.parse(str(doc["period"])))
    values: list[dict[str, str]] = []
    unmapped: list[str] = []
    for item in doc["items"]:
        code = item["scope"]["code"]
        org_unit = mapping.org_units.get(code)
        if org_unit is None:
            unmapped.append(code)
            continue
        for name, ref in sorted(mapping.data_elements.items()):
            block = item["indicators"].get(name)
            value = block.get("value") if isinstance(block, Mapping) else None
            if value is None:
                continue
            entry = {"dataElement": ref.data_element, "period": period, "orgUnit": org_unit, "value": _value(value)}
            if ref.category_option_combo:
                entry["categoryOptionCombo"] = ref.category_option_combo
            if mapping.attribute_option_combo:
                entry["attributeOptionCombo"] = mapping.attribute_option_combo
            values.append(entry)
    payload: dict[str, Any] = {"dataValues": values}
    if mapping.data_set:
        payload = {"dataSet": mapping.data_set, "period": period, **payload}
    return Dhis2Export(payload=payload, unmapped_areas=sorted(unmapped))


def conforms(payload: Mapping[str, Any], mapping: Dhis2Mapping) -> list[str]:
    """What in a payload the mapping does not account for (empty when it validates against it):
    every data element, category option combo, org unit and attribute option combo must be one of
    the mapping's, every period DHIS2 notation, every value a number in text."""
    elements = {r.data_element for r in mapping.data_elements.values()}
    combos = {r.category_option_combo for r in mapping.data_elements.values() if r.category_option_combo}
    units = set(mapping.org_units.values())
    problems = []
    for i, value in enumerate(payload.get("dataValues", [])):
        if value.get("dataElement") not in elements:
            problems.append(f"dataValues[{i}].dataElement {value.get('dataElement')!r} is not mapped")
        if value.get("orgUnit") not in units:
            problems.append(f"dataValues[{i}].orgUnit {value.get('orgUnit')!r} is not mapped")
        if "categoryOptionCombo" in value and value["categoryOptionCombo"] not in combos:
            problems.append(f"dataValues[{i}].categoryOptionCombo is not mapped")
        if value.get("attributeOptionCombo", mapping.attribute_option_combo) != mapping.attribute_option_combo:
            problems.append(f"dataValues[{i}].attributeOptionCombo is not mapped")
        text = str(value.get("period", ""))
        if not (text.isdigit() and len(text) in (4, 6)) and not (len(text) == 6 and text[4] == "Q"):
            problems.append(f"dataValues[{i}].period {text!r} is not DHIS2 notation")
        try:
            float(value.get("value", ""))
        except (TypeError, ValueError):
            problems.append(f"dataValues[{i}].value is not a number")
    return problems
