"""The questions of each report form, derived from the report models (their JSON schema and their
declared rules between fields), so that a field is declared once, in chalicelib/schemas/report_types.py."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cache
from typing import Any

from chalicelib.domain.reports import EARLIEST_DATE, MAX_DAYS_AHEAD, ReportType
from chalicelib.openrosa.labels import FIELDS
from chalicelib.schemas.report_types import TYPES, ReportFields

FORM_PREFIX = "tpbis_"
MODELS = TYPES
# Report types that take photos; the photo questions are not report fields (attachments).
PHOTO_TYPES = frozenset({ReportType.ACTIVITY, ReportType.MEDIA})
PHOTO_FIELDS = ("photo_1", "photo_2", "photo_3")


@dataclass(frozen=True)
class Rule:
    """One XForm constraint and what the phone says when it is broken."""

    xpath: str
    message_id: str
    message_en: str


@dataclass(frozen=True)
class Question:
    """One question: its JSON name, XForm kind, and rules."""

    name: str
    kind: str  # integer | text | date | select_one | end | image
    required: bool
    rules: tuple[Rule, ...] = ()
    choices: tuple[str, ...] = ()

    @property
    def meaning(self) -> tuple[str, str, tuple[str, ...]]:
        """What a submitted value of this question means: its name, kind and choices."""
        return (self.name, self.kind, self.choices)


def form_id(report_type: ReportType) -> str:
    """The XForm ID of a report type (tpbis_visits...)."""
    return f"{FORM_PREFIX}{report_type.value}"


def type_of_form(xform_id: str) -> ReportType | None:
    """The report type a form ID names, if any."""
    name = xform_id.removeprefix(FORM_PREFIX) if xform_id.startswith(FORM_PREFIX) else ""
    return ReportType(name) if name in ReportType._value2member_map_ else None


def _unwrap(prop: dict[str, Any]) -> dict[str, Any]:
    """The non-null member of an optional property (`anyOf: [X, null]`)."""
    options = [p for p in prop.get("anyOf", [prop]) if p.get("type") != "null"]
    return {**options[0], **{k: v for k, v in prop.items() if k not in ("anyOf", "default")}}


def _count_rules(prop: dict[str, Any]) -> list[Rule]:
    low, high = prop.get("minimum", 0), prop.get("maximum")
    if high is None:
        return [Rule(f". >= {low}", f"Isi bilangan bulat mulai {low}", f"Enter a whole number from {low}")]
    return [
        Rule(
            f". >= {low} and . <= {high}",
            f"Isi bilangan bulat dari {low} sampai {high}",
            f"Enter a whole number from {low} to {high}",
        )
    ]


def _text_rules(prop: dict[str, Any]) -> list[Rule]:
    rules = []
    if prop.get("maxLength") is not None:
        n = prop["maxLength"]
        rules.append(Rule(f"string-length(.) <= {n}", f"Paling banyak {n} huruf", f"At most {n} characters"))
    if prop.get("pattern"):
        pattern = str(prop["pattern"]).replace("'", "")
        rules.append(Rule(f"regex(., '{pattern}')", "Bentuknya tidak sesuai", "Not in the expected form"))
    return rules


def _date_rules(name: str, model: type[ReportFields]) -> list[Rule]:
    rules = []
    if name == "date":
        rules.append(
            Rule(
                f"decimal-date-time(.) >= decimal-date-time(date('{EARLIEST_DATE.isoformat()}')) and "
                f"decimal-date-time(.) <= decimal-date-time(today()) + {MAX_DAYS_AHEAD}",
                f"Tanggal tidak boleh sebelum {EARLIEST_DATE:%d-%m-%Y} atau setelah besok",
                f"The date cannot be before {EARLIEST_DATE.isoformat()} or after tomorrow",
            )
        )
    earliest = model.NOT_BEFORE.get(name)
    if earliest:
        label = FIELDS[earliest]
        rules.append(
            Rule(
                f". >= ${{{earliest}}}",
                f"Tidak boleh sebelum {label.id.lower()}",
                f"Cannot be before the {label.en.lower()}",
            )
        )
    return rules


def _group_rule(name: str, model: type[ReportFields]) -> list[Rule]:
    """The model's partitions as constraints at each of their groups: the group plus the others of its
    partition (left empty: 0) cannot exceed the total."""
    rules = []
    for partition in model.partitions:
        if name not in partition.parts:
            continue
        others = [part for part in partition.parts if part != name]
        expression = " + ".join(["."] + [f"coalesce(${{{other}}}, 0)" for other in others])
        total = FIELDS[partition.total]
        if others:
            message_id = " + ".join(FIELDS[part].id.lower() for part in partition.parts)
            message_en = " + ".join(FIELDS[part].en.lower() for part in partition.parts)
            rules.append(
                Rule(
                    f"{expression} <= ${{{partition.total}}}",
                    f"Jumlah {message_id} tidak boleh lebih dari {total.id.lower()}",
                    f"{message_en.capitalize()} cannot be larger than {total.en.lower()}",
                )
            )
        else:
            rules.append(
                Rule(
                    f". <= ${{{partition.total}}}",
                    f"Tidak boleh lebih dari {total.id.lower()}",
                    f"Cannot be larger than {total.en.lower()}",
                )
            )
    return rules


@cache
def questions(report_type: ReportType) -> tuple[Question, ...]:
    """The questions of a report type's form, in the model's field order."""
    model = MODELS[report_type]
    schema = model.model_json_schema(mode="validation")
    required = set(schema.get("required", []))
    result = []
    for name, raw in schema["properties"].items():
        if name == "type":
            continue
        prop = _unwrap(raw)
        rules: list[Rule]
        choices: tuple[str, ...] = ()
        if "enum" in prop:
            kind, rules, choices = "select_one", [], tuple(prop["enum"])
        elif prop.get("type") == "integer":
            kind, rules = "integer", _count_rules(prop)
        elif prop.get("format") == "date":
            kind, rules = "date", _date_rules(name, model)
        elif prop.get("format") == "date-time":
            kind, rules = "end", []  # when the form was finished, recorded by the phone
        elif name == "village_code":
            kind, rules = "select_one", []
        else:
            kind, rules = "text", _text_rules(prop)
        result.append(Question(name, kind, name in required, tuple(rules + _group_rule(name, model)), choices))
    if report_type in PHOTO_TYPES:
        result += [Question(name, "image", False) for name in PHOTO_FIELDS]
    return tuple(result)


@cache
def meaning_hash(report_type: ReportType) -> str:
    """A hash of what a submission of this type means (names, kinds, choices): a form version with the
    same hash is still accepted after labels, limits or villages change."""
    meaning = [q.meaning for q in questions(report_type)]
    return hashlib.sha256(json.dumps(meaning).encode()).hexdigest()[:8]
