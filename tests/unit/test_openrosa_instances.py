"""A submission's XML and multipart body read back into the JSON report, and what is refused."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.domain.reports import ReportType
from chalicelib.openrosa.forms import served_form
from chalicelib.openrosa.instance import incoming_of, read_instance, report_of
from chalicelib.openrosa.messages import OpenRosaError
from chalicelib.openrosa.multipart import read_upload
from tests.openrosa_client import JPEG, instance_xml, multipart

VILLAGE = "33.15.01.2001"
# Entities are refused outright: one that expands to many (the "billion laughs"), one that reads a file.
ENTITY_EXPANSION = (
    b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "x"><!ENTITY b "&a;&a;">]><data id="tpbis_ict">&b;</data>'
)
EXTERNAL_ENTITY = (
    b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><data id="tpbis_ict">&x;</data>'
)


def _form(kind: ReportType) -> dict[str, str]:
    served = served_form(kind, [VILLAGE])
    return {"form_id": served.form_id, "version": served.version}


def _refusal(xml: bytes) -> OpenRosaError:
    with pytest.raises(OpenRosaError) as caught:
        read_instance(xml)
    return caught.value


def test_an_instance_reads_as_the_same_json_report() -> None:
    sid = str(uuid.uuid4())
    xml = instance_xml(
        _form(ReportType.VISITS),
        {"village_code": VILLAGE, "date": "2026-11-02", "recorded_at": "", "visitors": "42", "women": "25", "men": ""},
        instance_id=sid.upper(),
    )
    instance = read_instance(xml)
    assert instance.instance_id == sid and instance.deprecated_id is None
    assert report_of(instance) == {
        "submission_id": sid,
        "type": "visits",
        "village_code": VILLAGE,
        "date": "2026-11-02",
        "visitors": 42,
        "women": 25,
    }
    incoming = incoming_of(instance)
    assert incoming.content is not None and incoming.content.fields == {"visitors": 42, "women": 25}


def test_a_broken_rule_is_reported_on_its_field_by_the_json_validation() -> None:
    xml = instance_xml(
        _form(ReportType.VISITS), {"village_code": VILLAGE, "date": "2026-11-02", "visitors": 3, "women": 4}
    )
    incoming = incoming_of(read_instance(xml))
    assert incoming.content is None and incoming.error is not None
    assert [d.field for d in incoming.error.details] == ["women"]


def test_a_recorded_at_the_store_could_not_hold_is_refused_on_its_field() -> None:
    answers = {"village_code": VILLAGE, "date": "2026-11-02", "recorded_at": "0001-01-01T00:00:00+07:00", "visitors": 3}
    incoming = incoming_of(read_instance(instance_xml(_form(ReportType.VISITS), answers)))
    assert incoming.content is None and incoming.error is not None
    assert [(d.field, d.code) for d in incoming.error.details] == [("recorded_at", "datetime")]


def test_a_count_that_is_not_a_whole_number_is_refused_not_rounded() -> None:
    xml = instance_xml(
        _form(ReportType.ICT),
        {"village_code": VILLAGE, "date": "2026-11-02", "computer_sessions": "2.5", "internet_users": 1},
    )
    incoming = incoming_of(read_instance(xml))
    assert incoming.error is not None and [d.field for d in incoming.error.details] == ["computer_sessions"]


def test_an_unknown_field_is_refused() -> None:
    xml = instance_xml(
        _form(ReportType.ICT),
        {"village_code": VILLAGE, "date": "2026-11-02", "computer_sessions": 1, "internet_users": 1, "salary": 9},
    )
    incoming = incoming_of(read_instance(xml))
    assert incoming.error is not None and [d.field for d in incoming.error.details] == ["salary"]


def test_photos_are_named_by_the_instance_and_are_not_report_fields() -> None:
    xml = instance_xml(
        _form(ReportType.MEDIA),
        {
            "village_code": VILLAGE,
            "date": "2026-11-02",
            "outlet": "Radio",
            "medium": "radio",
            "photo_1": "a.jpg",
            "photo_2": "",
        },
    )
    instance = read_instance(xml)
    assert instance.photos == ("a.jpg",) and "photo_1" not in report_of(instance)


def test_a_deprecated_id_is_read_from_meta() -> None:
    old, new = str(uuid.uuid4()), str(uuid.uuid4())
    instance = read_instance(instance_xml(_form(ReportType.ICT), {}, instance_id=new, deprecated_id=old))
    assert (instance.instance_id, instance.deprecated_id) == (new, old)


@pytest.mark.parametrize(
    ("xml", "status", "code"),
    [
        (ENTITY_EXPANSION, 400, "forbidden_xml"),
        (EXTERNAL_ENTITY, 400, "forbidden_xml"),
        (b"<data id='tpbis_ict'><a></data>", 400, "malformed_xml"),
        (b"\xff\xfe\x00garbage", 400, "malformed_xml"),
        (b'<data id="tpbis_payroll"/>', 404, "unknown_form"),
        (b'<data id="tpbis_ict" version="00000000-1"/>', 409, "outdated_form_version"),
    ],
)
def test_hostile_malformed_unknown_or_outdated_xml_is_refused(xml: bytes, status: int, code: str) -> None:
    error = _refusal(xml)
    assert (error.status, error.code) == (status, code)
    assert error.message_id and error.message_en and " / " in error.text


def test_an_instance_without_an_instance_id_or_with_one_that_is_not_a_uuid_is_refused() -> None:
    form = _form(ReportType.ICT)
    no_id = instance_xml(form, {}).replace(b"instanceID", b"otherID")
    assert _refusal(no_id).code == "missing_instance_id"
    assert _refusal(instance_xml(form, {}, instance_id="1234")).code == "invalid_instance_id"


def test_an_older_version_with_the_same_meaning_is_still_accepted() -> None:
    form = _form(ReportType.ICT)
    meaning = form["version"].split("-")[0]
    assert read_instance(instance_xml({**form, "version": f"{meaning}-00000000"}, {})).report_type is ReportType.ICT


def test_a_multipart_submission_gives_its_xml_files_and_incomplete_mark() -> None:
    content_type, body = multipart(b"<data/>", {"a.jpg": JPEG}, incomplete=True)
    upload = read_upload(content_type, body)
    assert (upload.xml, upload.files, upload.incomplete) == (b"<data/>", {"a.jpg": JPEG}, True)
    assert read_upload(*multipart(b"<data/>")).incomplete is False


def test_a_submission_that_is_not_multipart_or_has_no_xml_part_is_refused() -> None:
    with pytest.raises(OpenRosaError) as caught:
        read_upload("application/json", b"{}")
    assert caught.value.status == 415
    content_type, body = multipart(b"<data/>")
    with pytest.raises(OpenRosaError) as caught:
        read_upload(content_type, body.replace(b"xml_submission_file", b"other_file"))
    assert caught.value.status == 400
    with pytest.raises(OpenRosaError) as caught:
        read_upload(content_type, body.replace(b"text/xml", b"text/plain"))
    assert caught.value.status == 400


@settings(max_examples=150, deadline=None)
@given(raw=st.binary(max_size=300))
def test_any_bytes_as_a_submission_are_read_or_refused_with_an_openrosa_answer(raw: bytes) -> None:
    try:
        instance = read_instance(raw)
    except OpenRosaError as error:
        assert 400 <= error.status < 500
    else:
        incoming_of(instance)


@settings(max_examples=150, deadline=None)
@given(
    values=st.dictionaries(
        st.sampled_from(["visitors", "women", "date", "village_code", "x"]),
        st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=20),
    )
)
def test_any_answers_in_a_well_formed_instance_become_a_report_or_its_field_errors(values: dict[str, str]) -> None:
    incoming = incoming_of(read_instance(instance_xml(_form(ReportType.VISITS), values)))
    assert (incoming.content is None) != (incoming.error is None)
