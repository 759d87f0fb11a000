"""ODK Collect, KoboCollect and Enketo over real HTTP, against `make run`'s stack: ODK's own XForms
engine fills and submits every form the server lists, from the server URL of a new operator key; then
requests shaped exactly as Collect sends them (HEAD then POST, a retry after a lost answer, a split
upload, an edit), HTTP Basic on /v1/openrosa, and hostile XML."""

from __future__ import annotations

import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from typing import Any
from xml.etree import ElementTree

import pytest

from tests.e2e.conftest import HttpStack, start_stack
from tests.e2e.odk_engine import run_engine
from tests.factories import signup_payload
from tests.openrosa_client import COLLECT_HEADERS, JPEG, PNG, basic, instance_xml, multipart

JEPARA = "33.20"
V1, V2 = "33.20.01.2001", "33.20.01.2002"
LIST_NS = "{http://openrosa.org/xforms/xformsList}"


def _send(
    method: str, url: str, body: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], str]:
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read().decode()


@pytest.fixture(scope="module")
def stack() -> Iterator[HttpStack]:
    """A stack of its own: these reports would otherwise add to the national figures that the other
    e2e modules check against their own totals."""
    running = start_stack()
    yield running
    assert running.stop() == 0


@pytest.fixture(scope="module")
def office(stack: HttpStack) -> dict[str, Any]:
    """Jepara's office with two registered villages and an operator key for the first."""
    assert stack.call("POST", "/v1/signup", signup_payload(JEPARA))[0] == 202
    status, body = stack.call("POST", f"/v1/admin/tenants/{JEPARA}/approve", key=stack.admin)
    assert status == 200, body
    admin = body["admin_key"]["secret"]
    for village in (V1, V2):
        library = {"library_name": "Perpusdes Kedungmalang"}
        assert stack.call("PUT", f"/v1/villages/{village}", library, key=admin)[0] == 201
    status, operator = stack.call(
        "POST", "/v1/keys", {"role": "operator", "label": "Perpusdes Kedungmalang", "villages": [V1]}, key=admin
    )
    assert status == 201, operator
    return {"admin": admin, "operator": operator}


def _forms(server_url: str) -> dict[str, str]:
    status, headers, text = _send("GET", server_url + "/formList", headers={"X-OpenRosa-Version": "1.0"})
    assert status == 200 and headers["x-openrosa-version"] == "1.0", text
    root = ElementTree.fromstring(text)
    return {x.findtext(f"{LIST_NS}formID") or "": x.findtext(f"{LIST_NS}version") or "" for x in root}


def _reports(stack: HttpStack, key: str) -> dict[str, dict[str, Any]]:
    status, body = stack.call("GET", "/v1/reports?include_void=true&limit=100", key=key)
    assert status == 200, body
    return {r["submission_id"]: r for r in body["items"]}


ENGINE_FORMS: dict[str, dict[str, Any]] = {
    "tpbis_visits": {
        "violate": {"date": "2026-11-02", "visitors": 5, "women": 9},
        "values": {"visitors": 42, "women": 25, "children": 12},
    },
    "tpbis_activity": {
        "violate": {
            "date": "2026-11-05",
            "title": "Pelatihan pemasaran daring",
            "category": "training",
            "participants": 20,
            "youth": 21,
        },
        "values": {"youth": 6, "women": 14, "entrepreneurs": 9},
    },
    "tpbis_media": {"values": {"date": "2026-11-07", "outlet": "Radio Jepara", "medium": "radio"}},
    "tpbis_partnership": {
        "violate": {
            "date": "2026-11-10",
            "partner_name": "Karang Taruna",
            "partner_kind": "community",
            "agreement": "mou",
            "ends_on": "2026-11-01",
        },
        "values": {"ends_on": "2027-11-09"},
    },
    "tpbis_ict": {"values": {"date": "2026-11-12", "computer_sessions": 30, "internet_users": 25, "trainees": 8}},
}


def test_odk_engine_fills_and_submits_every_form_from_the_server_url_of_a_new_operator_key(
    stack: HttpStack, office: dict[str, Any]
) -> None:
    collect = office["operator"]["collect"]
    server_url = collect["server_url"]
    assert server_url.startswith(stack.base + "/v1/key/")
    assert collect["settings"]["general"]["server_url"] == server_url
    assert collect["qr_svg"].startswith("<svg")

    result = run_engine(server_url, ENGINE_FORMS)

    assert set(result["forms"]) == set(ENGINE_FORMS)
    for form_id, form in result["forms"].items():
        assert form["hashMatches"], form_id
        assert form["payloadStatus"] == "ready", form
        assert form["head"] == {"status": 204, "acceptLength": "4300000"}
        assert form["submit"]["status"] == 201, form["submit"]
        assert form["submit"]["contentType"] == "text/xml; charset=utf-8"
        assert form["fields"]["village_code"] == "model-value", "one village on the key: the form does not ask"
    # The engine itself refused the group larger than its total, and the partnership ending before it began.
    assert [v["field"] for v in result["forms"]["tpbis_visits"]["violations"]] == ["women"]
    message = result["forms"]["tpbis_visits"]["violations"][0]["message"]
    assert "perempuan + laki-laki tidak boleh lebih dari jumlah pengunjung" in message  # women + men <= visitors
    assert [v["field"] for v in result["forms"]["tpbis_activity"]["violations"]] == ["youth"]
    assert [v["field"] for v in result["forms"]["tpbis_partnership"]["violations"]] == ["ends_on"]
    assert result["forms"]["tpbis_visits"]["payloadWhileViolated"] == "pending"

    operator = office["operator"]["secret"]
    reports = _reports(stack, operator)
    for form_id, form in result["forms"].items():
        stored = reports[form["instanceID"]]
        assert stored["type"] == form_id.removeprefix("tpbis_") and stored["village_code"] == V1
    visits = reports[result["forms"]["tpbis_visits"]["instanceID"]]
    assert (visits["visitors"], visits["women"], visits["children"], visits["date"]) == (42, 25, 12, "2026-11-02")
    assert visits["recorded_at"] is not None

    status, summary = stack.call("POST", "/v1/admin/jobs/rollup/run", key=stack.admin)
    assert status == 200, summary
    status, body = stack.call("GET", "/v1/indicators?period=2026-11&level=village", key=office["admin"])
    assert status == 200, body
    figures = {i["scope"]["code"]: i["indicators"] for i in body["items"]}[V1]
    assert figures["visits"]["value"] == 42
    assert figures["participants_youth"]["value"] == 6
    assert figures["media_mentions"]["value"] == 1
    assert figures["partnerships_new"]["value"] == 1
    assert figures["ict_sessions"]["value"] == 30


def _post(url: str, xml: bytes, files: dict[str, bytes] | None = None, *, incomplete: bool = False) -> tuple[int, str]:
    content_type, body = multipart(xml, files, incomplete=incomplete)
    status, headers, text = _send("POST", url + "/submission", body, {**COLLECT_HEADERS, "Content-Type": content_type})
    assert headers["content-type"] == "text/xml; charset=utf-8" and headers["x-openrosa-version"] == "1.0"
    return status, text


def test_collect_shaped_requests_retry_split_and_edit_exactly_once(stack: HttpStack, office: dict[str, Any]) -> None:
    url = office["operator"]["collect"]["server_url"]
    operator = office["operator"]["secret"]
    versions = _forms(url)
    activity = {"form_id": "tpbis_activity", "version": versions["tpbis_activity"]}
    before = len(_reports(stack, operator))

    status, headers, text = _send("HEAD", url + "/submission", headers=COLLECT_HEADERS)
    assert (status, text) == (204, "") and int(headers["x-openrosa-accept-content-length"]) <= 4_500_000
    assert headers["date"]

    # A split upload: the same XML twice, a photo each time, the first marked incomplete.
    sid = str(uuid.uuid4())
    values: dict[str, Any] = {"village_code": V1, "date": "2026-11-20", "title": "Kelas membaca", "category": "class"}
    values.update(participants=15, women=9)
    xml = instance_xml(activity, {**values, "photo_1": "a.jpg", "photo_2": "b.png"}, instance_id=sid)
    assert _post(url, xml, {"a.jpg": JPEG}, incomplete=True)[0] == 201
    status, text = _post(url, xml, {"b.png": PNG})
    assert status == 201 and "submit_success" in text
    # The answer was lost: Collect sends the whole thing again.
    assert _post(url, xml, {"a.jpg": JPEG, "b.png": PNG})[0] == 201
    reports = _reports(stack, operator)
    assert len(reports) == before + 1 and reports[sid]["participants"] == 15
    status, detail = stack.call("GET", f"/v1/reports/{sid}", key=operator)
    assert [a["name"] for a in detail["attachments"]] == ["a.jpg", "b.png"]
    photo = urllib.request.urlopen(detail["attachments"][0]["url"], timeout=10).read()
    assert photo == JPEG

    # The same instanceID with other content is a conflict.
    other = instance_xml(activity, {**values, "participants": 16}, instance_id=sid)
    assert _post(url, other)[0] == 409

    # An edit: a new instanceID naming the old one; the photos carry over.
    edit_id = str(uuid.uuid4())
    edited = instance_xml(
        activity, {**values, "participants": 18, "photo_1": "a.jpg"}, instance_id=edit_id, deprecated_id=sid
    )
    status, text = _post(url, edited)
    assert status == 201, text
    assert _post(url, edited)[0] == 201  # its retry
    status, detail = stack.call("GET", f"/v1/reports/{sid}", key=operator)
    assert detail["report"]["participants"] == 18 and detail["report"]["version"] == 2
    assert detail["history"][-1]["action"] == "corrected"
    assert {"field": "participants", "old": 15, "new": 18} in detail["history"][-1]["changes"]
    assert [a["name"] for a in detail["attachments"]] == ["a.jpg", "b.png"]
    assert len(_reports(stack, operator)) == before + 1
    # Editing the replaced instance again is refused: it is not the current one.
    stale = instance_xml(activity, {**values, "participants": 19}, instance_id=str(uuid.uuid4()), deprecated_id=sid)
    assert _post(url, stale)[0] == 409
    # No instanceID at all.
    no_id = instance_xml(activity, values).replace(b"<instanceID>", b"<x>").replace(b"</instanceID>", b"</x>")
    assert _post(url, no_id)[0] == 400


def test_basic_credentials_work_on_v1_openrosa_and_an_unauthenticated_head_gets_the_challenge(
    stack: HttpStack, office: dict[str, Any]
) -> None:
    base = stack.base + "/v1/openrosa"
    status, headers, _ = _send("HEAD", base + "/submission", headers=COLLECT_HEADERS)
    assert status == 401 and headers["www-authenticate"].startswith('Basic realm="')
    key = office["operator"]
    auth = {"Authorization": basic(key["key_id"], key["secret"])}
    wrong = {"Authorization": basic(key["key_id"], key["secret"][:-2] + "xx")}
    assert _send("HEAD", base + "/submission", headers={**COLLECT_HEADERS, **wrong})[0] == 401
    assert _send("HEAD", base + "/submission", headers={**COLLECT_HEADERS, **auth})[0] == 204
    status, _, text = _send("GET", base + "/formList", headers={**COLLECT_HEADERS, **auth})
    assert status == 200 and f"{base}/forms/tpbis_visits" in text
    versions = {x.findtext(f"{LIST_NS}formID"): x.findtext(f"{LIST_NS}version") for x in ElementTree.fromstring(text)}
    sid = str(uuid.uuid4())
    xml = instance_xml(
        {"form_id": "tpbis_ict", "version": versions["tpbis_ict"] or ""},
        {"village_code": V1, "date": "2026-11-21", "computer_sessions": 3, "internet_users": 2},
        instance_id=sid,
    )
    content_type, body = multipart(xml)
    sent = {**COLLECT_HEADERS, **auth, "Content-Type": content_type}
    status, _, text = _send("POST", base + "/submission", body, sent)
    assert status == 201, text
    assert sid in _reports(stack, key["secret"])
    # A wrong key in the path: 403, no challenge.
    status, headers, _ = _send("HEAD", stack.base + "/v1/key/tpbis_0000000000000000_nope/openrosa/submission")
    assert status == 403 and "www-authenticate" not in headers


HOSTILE = {
    "entity expansion": b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
    b'<data id="tpbis_visits"><visitors>&b;</visitors></data>',
    "external entity": b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b'<data id="tpbis_visits"><village_code>&x;</village_code></data>',
    "malformed": b"<data id='tpbis_visits'><visitors>3</data>",
    "unknown form": b'<data id="tpbis_payroll" version="1"><meta><instanceID>uuid:'
    + str(uuid.uuid4()).encode()
    + b"</instanceID></meta></data>",
}


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_hostile_or_unusable_xml_gets_a_4xx_that_says_what_to_fix_and_nothing_is_stored(
    stack: HttpStack, office: dict[str, Any], kind: str
) -> None:
    url = office["operator"]["collect"]["server_url"]
    before = _reports(stack, office["operator"]["secret"])
    status, text = _post(url, HOSTILE[kind])
    assert 400 <= status < 500 and "<OpenRosaResponse" in text and " / " in text
    assert _reports(stack, office["operator"]["secret"]) == before


def test_a_submission_whose_parts_fill_the_announced_limit_is_accepted(
    stack: HttpStack, office: dict[str, Any]
) -> None:
    url = office["operator"]["collect"]["server_url"]
    status, headers, _ = _send("HEAD", url + "/submission", headers=COLLECT_HEADERS)
    announced = int(headers["x-openrosa-accept-content-length"])
    activity = {"form_id": "tpbis_activity", "version": _forms(url)["tpbis_activity"]}
    sid = str(uuid.uuid4())
    values = {"village_code": V1, "date": "2026-11-21", "title": "Lomba baca", "category": "class", "participants": 8}
    xml = instance_xml(activity, {**values, "photo_1": "a.jpg", "photo_2": "b.jpg"}, instance_id=sid)
    half = (announced - len(xml)) // 2
    photos = {"a.jpg": JPEG.ljust(half, b"\x00"), "b.jpg": JPEG.ljust(announced - len(xml) - half, b"\x00")}
    assert len(xml) + sum(map(len, photos.values())) == announced  # what a phone splitting by its files counts
    status, text = _post(url, xml, photos)
    assert status == 201, text
    status, detail = stack.call("GET", f"/v1/reports/{sid}", key=office["operator"]["secret"])
    assert status == 200 and {a["name"]: a["size"] for a in detail["attachments"]} == {
        name: len(data) for name, data in photos.items()
    }


def test_a_body_over_the_announced_limit_is_refused_with_413(stack: HttpStack, office: dict[str, Any]) -> None:
    url = office["operator"]["collect"]["server_url"]
    status, text = _post(url, b"<data/>", {"big.jpg": JPEG + b"\x00" * 4_500_000})
    assert status == 413 and "4400000" in text
