"""The XForm of each report type for one key (its villages are the choices), built with pyxform, and the
same form as an XLSForm workbook for offices that run their own KoboToolbox or ODK Central."""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from chalicelib import areas
from chalicelib.domain.reports import ReportType
from chalicelib.openrosa.labels import CHOICES, FIELDS, FORM_TITLES, Label
from chalicelib.openrosa.questions import Question, form_id, meaning_hash, questions

ID, EN = "Indonesian (id)", "English (en)"
FORM_NAME = "data"
SHEETS = ("survey", "choices", "settings")


@dataclass(frozen=True)
class ServedForm:
    """One form as served: its identity and the exact bytes (their md5 is in the form list)."""

    form_id: str
    title: str
    version: str
    xml: bytes

    @property
    def md5(self) -> str:
        """The md5 of the served bytes, as the form list gives it."""
        return hashlib.md5(self.xml, usedforsecurity=False).hexdigest()


def _labelled(row: dict[str, Any], label: Label) -> dict[str, Any]:
    row[f"label::{ID}"], row[f"label::{EN}"] = label.id, label.en
    if label.hint_id:
        row[f"hint::{ID}"], row[f"hint::{EN}"] = label.hint_id, label.hint_en
    return row


def _row(question: Question, villages: Sequence[str]) -> dict[str, Any]:
    name = question.name
    if name == "village_code" and len(villages) == 1:
        return {"type": "calculate", "name": name, "calculation": f"'{villages[0]}'"}
    if question.kind == "end":
        return {"type": "end", "name": name}
    kind = f"select_one {name}" if question.kind == "select_one" else question.kind
    row = _labelled({"type": kind, "name": name}, FIELDS.get(name, FIELDS["photo"]))
    if question.kind == "image":
        row["parameters"] = "max-pixels=1600"
    if question.required:
        row["required"] = "yes"
        row[f"required_message::{ID}"] = "Wajib diisi"
        row[f"required_message::{EN}"] = "Required"
    if question.rules:
        row["constraint"] = " and ".join(f"({r.xpath})" for r in question.rules)
        row[f"constraint_message::{ID}"] = "; ".join(r.message_id for r in question.rules)
        row[f"constraint_message::{EN}"] = "; ".join(r.message_en for r in question.rules)
    return row


def xlsform(report_type: ReportType, villages: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
    """The form as XLSForm sheets (survey, choices, settings), versioned by its content."""
    villages = sorted(villages)
    survey, choices = [], []
    for question in questions(report_type):
        survey.append(_row(question, villages))
        for value in question.choices:
            choices.append(_labelled({"list_name": question.name, "name": value}, CHOICES[(question.name, value)]))
        if question.name == "village_code" and len(villages) != 1:
            for code in villages:
                name = areas.name_of(code) or code
                choices.append({"list_name": "village_code", "name": code, f"label::{ID}": name, f"label::{EN}": name})
    title = FORM_TITLES[report_type.value]
    settings = {"form_id": form_id(report_type), "form_title": title.id, "default_language": ID}
    content = json.dumps([survey, choices, settings], sort_keys=True).encode()
    # The first part says what submissions mean (a version with the same first part is still accepted),
    # the second changes with anything else (labels, limits, villages), so that Collect updates the form.
    settings["version"] = f"{meaning_hash(report_type)}-{hashlib.sha256(content).hexdigest()[:8]}"
    return {"survey": survey, "choices": choices, "settings": [settings]}


def served_form(report_type: ReportType, villages: Sequence[str]) -> ServedForm:
    """The XForm of a report type for a key with these villages."""
    return _built(report_type, tuple(sorted(villages)))


@lru_cache(maxsize=512)
def _built(report_type: ReportType, villages: tuple[str, ...]) -> ServedForm:
    """Built once per warm function and set of villages (pyxform takes tens of milliseconds a form)."""
    from pyxform.xls2xform import convert  # costly import: only where forms are built

    sheets = xlsform(report_type, villages)
    settings = sheets["settings"][0]
    xml = convert(xlsform=sheets, form_name=FORM_NAME, validate=False).xform
    return ServedForm(settings["form_id"], settings["form_title"], settings["version"], xml.encode("utf-8"))


def xlsx(report_type: ReportType, villages: Sequence[str]) -> bytes:
    """The XLSForm as an .xlsx workbook."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for sheet_name, rows in xlsform(report_type, villages).items():
        sheet = book.create_sheet(sheet_name)
        columns = list(dict.fromkeys(column for row in rows for column in row))
        sheet.append(columns)
        for row in rows:
            sheet.append([row.get(column, "") for column in columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
