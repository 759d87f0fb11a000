"""The XForms are derived from the report models: names, kinds, required flags, limits, choices and the
rules between fields; labels in Indonesian and English; versions that follow the content."""

from __future__ import annotations

import re
import tempfile
import typing
from xml.etree import ElementTree

import pytest

from chalicelib.domain.reports import ReportType
from chalicelib.openrosa.forms import FORM_NAME, served_form, xlsform, xlsx
from chalicelib.openrosa.labels import CHOICES, FIELDS, FORM_TITLES
from chalicelib.openrosa.questions import MODELS, PHOTO_FIELDS, PHOTO_TYPES, form_id, questions, type_of_form
from chalicelib.schemas.report_types import MAX_COUNT

XF = "{http://www.w3.org/2002/xforms}"
VILLAGES = ["33.15.01.2001", "33.15.01.2002"]


def _binds(xml: bytes) -> dict[str, dict[str, str]]:
    root = ElementTree.fromstring(xml)
    return {b.attrib["nodeset"].split("/")[-1]: b.attrib for b in root.iter(f"{XF}bind")}


def _instance_fields(xml: bytes) -> list[str]:
    root = ElementTree.fromstring(xml)
    data = next(root.iter(f"{XF}{FORM_NAME}"))
    return [child.tag.removeprefix(XF) for child in data]


def test_every_field_and_every_choice_of_every_report_type_has_indonesian_and_english_labels() -> None:
    for kind, model in MODELS.items():
        assert FORM_TITLES[kind.value].id and FORM_TITLES[kind.value].en
        for name, info in model.model_fields.items():
            if name == "type":
                continue
            assert FIELDS[name].id and FIELDS[name].en, name
            for arg in typing.get_args(info.annotation) or (info.annotation,):
                if typing.get_origin(arg) is typing.Literal:
                    for value in typing.get_args(arg):
                        assert (name, value) in CHOICES, (name, value)


@pytest.mark.parametrize("kind", list(ReportType))
def test_each_form_names_its_type_and_carries_exactly_the_json_field_names(kind: ReportType) -> None:
    form = served_form(kind, VILLAGES)
    assert form.form_id == f"tpbis_{kind.value}" and type_of_form(form.form_id) is kind
    expected = [n for n in MODELS[kind].model_fields if n != "type"]
    if kind in PHOTO_TYPES:
        expected += list(PHOTO_FIELDS)
    assert _instance_fields(form.xml) == [*expected, "meta"]


@pytest.mark.parametrize("kind", list(ReportType))
def test_required_flags_and_count_limits_come_from_the_model(kind: ReportType) -> None:
    binds = _binds(served_form(kind, VILLAGES).xml)
    for name, info in MODELS[kind].model_fields.items():
        if name in ("type", "recorded_at"):
            continue
        assert (binds[name].get("required") == "true()") is info.is_required(), name
        if binds[name].get("type") == "int":
            assert f". >= 0 and . <= {MAX_COUNT}" in binds[name]["constraint"], name


@pytest.mark.parametrize("kind", [ReportType.VISITS, ReportType.ACTIVITY])
def test_a_group_cannot_exceed_its_total_in_the_form_as_in_the_model(kind: ReportType) -> None:
    model = MODELS[kind]
    binds = _binds(served_form(kind, VILLAGES).xml)
    assert model.partitions
    for partition in model.partitions:
        for group in partition.parts:
            assert f"<=  /data/{partition.total} " in binds[group]["constraint"], group


def test_dates_are_bounded_and_a_partnership_cannot_end_before_it_begins() -> None:
    binds = _binds(served_form(ReportType.PARTNERSHIP, VILLAGES).xml)
    assert "date('2010-01-01')" in binds["date"]["constraint"]
    assert "today()" in binds["date"]["constraint"]
    assert ". >=  /data/date " in binds["ends_on"]["constraint"]
    assert binds["recorded_at"]["{http://openrosa.org/javarosa}preload"] == "timestamp"


def test_the_village_is_a_choice_among_the_keys_villages_with_their_real_names() -> None:
    sheets = xlsform(ReportType.VISITS, VILLAGES)
    villages = [c for c in sheets["choices"] if c["list_name"] == "village_code"]
    assert [(c["name"], c["label::Indonesian (id)"]) for c in villages] == [
        ("33.15.01.2001", "Karanglangu"),
        ("33.15.01.2002", "Panimbo"),
    ]


def test_a_key_with_one_village_is_not_asked_for_it() -> None:
    row = next(r for r in xlsform(ReportType.ICT, VILLAGES[:1])["survey"] if r["name"] == "village_code")
    assert row == {"type": "calculate", "name": "village_code", "calculation": "'33.15.01.2001'"}


def test_labels_are_in_indonesian_by_default_and_in_english() -> None:
    xml = served_form(ReportType.VISITS, VILLAGES).xml.decode()
    assert '<translation lang="Indonesian (id)" default="true()">' in xml
    assert '<translation lang="English (en)">' in xml
    assert "Jumlah pengunjung" in xml and "Visitors" in xml


def test_the_version_changes_with_the_content_and_keeps_its_meaning_part_when_only_villages_change() -> None:
    one = served_form(ReportType.VISITS, VILLAGES[:1])
    two = served_form(ReportType.VISITS, VILLAGES)
    again = served_form(ReportType.VISITS, list(reversed(VILLAGES)))
    assert one.version != two.version and two.version == again.version and two.xml == again.xml
    assert one.version.split("-")[0] == two.version.split("-")[0]
    assert f'version="{two.version}"' in two.xml.decode()
    assert re.fullmatch(r"[0-9a-f]{32}", two.md5)


def test_forms_of_different_types_mean_different_things() -> None:
    meanings = {served_form(kind, VILLAGES).version.split("-")[0] for kind in ReportType}
    assert len(meanings) == len(ReportType)


@pytest.mark.parametrize("kind", list(ReportType))
def test_the_xlsform_workbook_converts_back_with_pyxform_to_the_served_xform(kind: ReportType) -> None:
    from pyxform.xls2xform import convert

    with tempfile.NamedTemporaryFile(suffix=".xlsx") as workbook:
        workbook.write(xlsx(kind, VILLAGES))
        workbook.flush()
        converted = convert(xlsform=workbook.name, form_name=FORM_NAME).xform
    assert converted.encode() == served_form(kind, VILLAGES).xml


def test_questions_have_a_kind_for_every_json_type() -> None:
    kinds = {q.name: q.kind for q in questions(ReportType.MEDIA)}
    assert kinds == {
        "village_code": "select_one",
        "date": "date",
        "recorded_at": "end",
        "outlet": "text",
        "medium": "select_one",
        "url": "text",
        "headline": "text",
        "photo_1": "image",
        "photo_2": "image",
        "photo_3": "image",
    }
    assert form_id(ReportType.MEDIA) == "tpbis_media" and type_of_form("tpbis_payroll") is None
