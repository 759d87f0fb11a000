"""The OpenRosa server in the API (moto): who may use it, in which tenant, for which villages; what a
refused submission stores (nothing); the Collect setup on new operator keys."""

from __future__ import annotations

import base64
import json
import re
import uuid
import zlib
from collections.abc import Callable
from typing import Any

import pytest

from tests.factories import (
    GROBOGAN,
    GROBOGAN_VILLAGES,
    PATI,
    PATI_VILLAGE,
    TenantKeys,
    Tenants,
    register_village,
    report,
)
from tests.http_client import ApiClient, ApiResponse
from tests.openrosa_client import COLLECT_HEADERS, JPEG, basic, instance_xml, multipart

V1, V2 = GROBOGAN_VILLAGES


def _versions(api: ApiClient, base: str, headers: dict[str, str] | None = None) -> dict[str, str]:
    listed = api.get(base + "/formList", headers={**COLLECT_HEADERS, **(headers or {})})
    assert listed.status == 200, listed.text
    return dict(re.findall(r"<formID>(.*?)</formID>.*?<version>(.*?)</version>", listed.text))


def _submit(
    api: ApiClient, base: str, xml: bytes, files: dict[str, bytes] | None = None, **headers: str
) -> ApiResponse:
    content_type, body = multipart(xml, files)
    return api.post(
        base + "/submission", body=body, headers={**COLLECT_HEADERS, **headers, "content-type": content_type}
    )


def _ict(api: ApiClient, base: str, village: str, sid: str | None = None, **values: object) -> bytes:
    form = {"form_id": "tpbis_ict", "version": _versions(api, base)["tpbis_ict"]}
    return instance_xml(
        form,
        {"village_code": village, "date": "2026-11-03", "computer_sessions": 4, "internet_users": 3, **values},
        instance_id=sid or str(uuid.uuid4()),
    )


def _count(api: ApiClient, key: str) -> int:
    return len(api.get("/v1/reports?include_void=true", key=key).json["items"])


def test_every_answer_is_openrosa_xml_with_its_headers(api: ApiClient, office: TenantKeys) -> None:
    base = f"/v1/key/{office.operator}/openrosa"
    for response in (
        api.get(base + "/formList"),
        api.get(base + "/forms/tpbis_visits"),
        api.get(base + "/forms/tpbis_payroll"),
        api.request("HEAD", base + "/submission"),
        _submit(api, base, b"<not-xml"),
    ):
        assert response.headers["x-openrosa-version"] == "1.0"
        assert response.headers["content-type"] == "text/xml; charset=utf-8"
    assert api.get(base + "/forms/tpbis_payroll").status == 404


def test_the_form_list_links_each_form_with_its_md5(api: ApiClient, office: TenantKeys) -> None:
    import hashlib

    base = f"/v1/key/{office.operator}/openrosa"
    listed = api.get(base + "/formList", headers={"host": "tpbis.example.id", "x-forwarded-proto": "https"}).text
    entries = re.findall(r"<formID>(.*?)</formID>.*?<hash>md5:(.*?)</hash><downloadUrl>(.*?)</downloadUrl>", listed)
    assert [e[0] for e in entries] == [
        "tpbis_visits",
        "tpbis_activity",
        "tpbis_media",
        "tpbis_partnership",
        "tpbis_ict",
    ]
    for form_id, md5, url in entries:
        assert url == f"https://tpbis.example.id{base}/forms/{form_id}"
        served = api.get(base + f"/forms/{form_id}").text.encode()
        assert hashlib.md5(served).hexdigest() == md5
    assert "manifestUrl" not in listed


def test_a_district_admin_key_gets_every_registered_village_as_a_choice(api: ApiClient, office: TenantKeys) -> None:
    auth = {"authorization": basic(office.key_ids["admin"], office.admin)}
    form = api.get("/v1/openrosa/forms/tpbis_visits", headers=auth)
    assert form.status == 200
    assert f"<name>{V1}</name>" in form.text and f"<name>{V2}</name>" in form.text


@pytest.mark.parametrize("role", ["viewer"])
def test_a_key_that_may_not_report_is_refused_everywhere(api: ApiClient, office: TenantKeys, role: str) -> None:
    base = f"/v1/key/{office.viewer}/openrosa"
    assert api.get(base + "/formList").status == 403
    assert api.request("HEAD", base + "/submission").status == 403
    refused = _submit(api, base, b"<data/>")
    assert refused.status == 403 and "mintalah kunci operator" in refused.text, refused.text


def test_a_wrong_or_revoked_key_in_the_path_is_refused_without_a_challenge(api: ApiClient, office: TenantKeys) -> None:
    wrong = api.get(f"/v1/key/{office.operator[:-3]}abc/openrosa/formList")
    assert wrong.status == 403 and "www-authenticate" not in wrong.headers
    assert api.delete(f"/v1/keys/{office.key_ids['operator']}", key=office.admin).status == 204
    assert api.get(f"/v1/key/{office.operator}/openrosa/formList").status == 403


def test_basic_without_or_with_wrong_credentials_gets_the_challenge(api: ApiClient, office: TenantKeys) -> None:
    key_id = office.key_ids["operator"]
    for headers in (
        {},
        {"authorization": "Bearer " + office.operator},
        {"authorization": basic(key_id, "tpbis_0000000000000000_" + "x" * 43)},
        {"authorization": basic(office.key_ids["viewer"], office.operator)},
        {"authorization": "Basic !!!not-base64"},
    ):
        response = api.get("/v1/openrosa/formList", headers=headers)
        assert response.status == 401, headers
        assert response.headers["www-authenticate"].startswith('Basic realm="TPBIS OpenRosa"')
    assert api.get("/v1/openrosa/formList", headers={"authorization": basic(key_id, office.operator)}).status == 200


def test_a_suspended_office_is_refused(api: ApiClient, office: TenantKeys, admin_key: str) -> None:
    assert api.post(f"/v1/admin/tenants/{GROBOGAN}/suspend", key=admin_key).status == 200
    assert api.get(f"/v1/key/{office.operator}/openrosa/formList").status == 403


def test_a_village_not_on_the_key_is_refused_and_nothing_is_stored(api: ApiClient, office: TenantKeys) -> None:
    base = f"/v1/key/{office.operator}/openrosa"
    response = _submit(api, base, _ict(api, base, V2))
    assert response.status == 403 and "tidak boleh melapor" in response.text
    assert _count(api, office.admin) == 0


def test_an_unregistered_village_is_refused_with_what_to_do(api: ApiClient, tenants: Tenants) -> None:
    pati = tenants.create(PATI)
    base = f"/v1/key/{pati.operator}/openrosa"
    response = _submit(api, base, _ict(api, base, PATI_VILLAGE))
    assert response.status == 422 and "Desa belum didaftarkan" in response.text
    assert _count(api, pati.admin) == 0


def test_a_photo_that_is_not_an_image_or_not_named_by_the_report_stores_nothing(
    api: ApiClient, office: TenantKeys
) -> None:
    base = f"/v1/key/{office.operator}/openrosa"
    form = {"form_id": "tpbis_media", "version": _versions(api, base)["tpbis_media"]}
    values = {"village_code": V1, "date": "2026-11-03", "outlet": "Radio", "medium": "radio", "photo_1": "a.jpg"}
    fake = _submit(api, base, instance_xml(form, values), {"a.jpg": b"MZ\x90\x00 not a photo"})
    assert fake.status == 422 and "a.jpg" in fake.text
    stray = _submit(api, base, instance_xml(form, values), {"a.jpg": JPEG, "other.jpg": JPEG})
    assert stray.status == 422 and "other.jpg" in stray.text
    assert _count(api, office.admin) == 0


def _media(api: ApiClient, base: str, sid: str, **values: object) -> bytes:
    form = {"form_id": "tpbis_media", "version": _versions(api, base)["tpbis_media"]}
    fields = {"village_code": V1, "date": "2026-11-03", "outlet": "Radio", "medium": "radio", **values}
    return instance_xml(form, fields, instance_id=sid)


def _attachments(api: ApiClient, key: str, sid: str) -> dict[str, int]:
    return {a["name"]: a["size"] for a in api.get(f"/v1/reports/{sid}", key=key).json["attachments"]}


def test_a_photo_sent_again_under_its_name_with_other_bytes_does_not_replace_the_stored_one(
    api: ApiClient, office: TenantKeys
) -> None:
    base, sid = f"/v1/key/{office.operator}/openrosa", str(uuid.uuid4())
    xml = _media(api, base, sid, photo_1="a.jpg", photo_2="b.jpg")
    assert _submit(api, base, xml, {"a.jpg": JPEG}).status == 201
    again = _submit(api, base, xml, {"a.jpg": JPEG + b"\x00" * 1000, "b.jpg": JPEG + b"\x01" * 10})
    assert again.status == 201 and "sudah diterima sebelumnya" in again.text
    assert _attachments(api, office.admin, sid) == {"a.jpg": len(JPEG), "b.jpg": len(JPEG) + 10}, (
        "the stored photo stays, the missing one is added"
    )


def test_an_edit_made_with_another_form_is_refused_and_the_report_keeps_its_type(
    api: ApiClient, office: TenantKeys
) -> None:
    base, sid = f"/v1/key/{office.operator}/openrosa", str(uuid.uuid4())
    assert _submit(api, base, _ict(api, base, V1, sid=sid)).status == 201
    visits = {"form_id": "tpbis_visits", "version": _versions(api, base)["tpbis_visits"]}
    edit = instance_xml(visits, {"village_code": V1, "date": "2026-11-03", "visitors": 40}, deprecated_id=sid)
    refused = _submit(api, base, edit)
    assert refused.status == 422 and "Jenis laporan tidak dapat diubah" in refused.text, refused.text
    assert "lain: Jenis laporan (type) /" in refused.text, "the field is named in Indonesian too"
    stored = api.get(f"/v1/reports/{sid}", key=office.admin).json["report"]
    assert (stored["type"], stored["version"], stored["internet_users"]) == ("ict", 1, 3)


def test_an_instance_id_stands_for_one_thing_an_edit_s_or_a_report_s(api: ApiClient, office: TenantKeys) -> None:
    base = f"/v1/key/{office.operator}/openrosa"
    first, edit_id, other = (str(uuid.uuid4()) for _ in range(3))
    assert _submit(api, base, _ict(api, base, V1, sid=first)).status == 201
    assert _submit(api, base, _ict(api, base, V1, sid=other, internet_users=1)).status == 201
    form = {"form_id": "tpbis_ict", "version": _versions(api, base)["tpbis_ict"]}
    edited = {"village_code": V1, "date": "2026-11-03", "computer_sessions": 4, "internet_users": 2}
    assert _submit(api, base, instance_xml(form, edited, instance_id=edit_id, deprecated_id=first)).status == 201

    # The edit's instance sent again without its deprecatedID is the same edit, not a new report...
    again = _submit(api, base, instance_xml(form, edited, instance_id=edit_id))
    assert again.status == 201 and "sudah diterima sebelumnya" in again.text
    # ...and other content under its id is refused.
    taken = _submit(api, base, instance_xml(form, {**edited, "internet_users": 3}, instance_id=edit_id))
    assert taken.status == 409 and "meta/instanceID" in taken.text
    # An edit whose instanceID is another report's is refused, and changes neither.
    clash = instance_xml(form, {**edited, "internet_users": 4}, instance_id=other, deprecated_id=edit_id)
    assert _submit(api, base, clash).status == 409
    assert _count(api, office.admin) == 2
    for sid, (version, users) in {first: (2, 2), other: (1, 1)}.items():
        stored = api.get(f"/v1/reports/{sid}", key=office.admin).json["report"]
        assert (stored["version"], stored["internet_users"]) == (version, users), sid


def _ict_edit(api: ApiClient, base: str, of: str, users: int) -> bytes:
    form = {"form_id": "tpbis_ict", "version": _versions(api, base)["tpbis_ict"]}
    values = {"village_code": V1, "date": "2026-11-03", "computer_sessions": 4, "internet_users": users}
    return instance_xml(form, values, deprecated_id=of)


def _meanwhile(monkeypatch: pytest.MonkeyPatch, lands: Callable[[], None]) -> None:
    """`lands` runs once, after an edit has read the report and before it writes."""
    from chalicelib.services import reports as report_service

    prepare = report_service.prepare_correction

    def then_something_lands(**kwargs: Any) -> Any:
        monkeypatch.setattr(report_service, "prepare_correction", prepare)
        prepared = prepare(**kwargs)
        lands()
        return prepared

    monkeypatch.setattr(report_service, "prepare_correction", then_something_lands)


def test_an_edit_that_loses_to_a_correction_made_meanwhile_stores_nothing(
    api: ApiClient, office: TenantKeys, monkeypatch: pytest.MonkeyPatch
) -> None:
    base, sid = f"/v1/key/{office.operator}/openrosa", str(uuid.uuid4())
    assert _submit(api, base, _ict(api, base, V1, sid=sid)).status == 201
    content = {k: v for k, v in report("ict", submission_id=sid).items() if k != "submission_id"}

    def a_correction() -> None:
        put = api.put(
            f"/v1/reports/{sid}", key=office.admin, json={**content, "internet_users": 7, "expected_version": 1}
        )
        assert put.status == 200, put.text

    _meanwhile(monkeypatch, a_correction)
    edit = _ict_edit(api, base, sid, 2)
    refused = _submit(api, base, edit)
    assert refused.status == 409 and "kirim ulang" in refused.text, refused.text
    stored = api.get(f"/v1/reports/{sid}", key=office.admin).json["report"]
    assert (stored["version"], stored["internet_users"]) == (2, 7), "the correction made meanwhile stands"
    assert _submit(api, base, edit).status == 201, "sent again, the edit applies to the current version"
    assert api.get(f"/v1/reports/{sid}", key=office.admin).json["report"]["internet_users"] == 2


def test_of_two_edits_of_one_instance_racing_the_one_that_loses_writes_nothing(
    api: ApiClient, office: TenantKeys, monkeypatch: pytest.MonkeyPatch
) -> None:
    base, sid = f"/v1/key/{office.operator}/openrosa", str(uuid.uuid4())
    assert _submit(api, base, _ict(api, base, V1, sid=sid)).status == 201

    def another_edit() -> None:
        assert _submit(api, base, _ict_edit(api, base, sid, 9)).status == 201

    _meanwhile(monkeypatch, another_edit)
    refused = _submit(api, base, _ict_edit(api, base, sid, 2))
    assert refused.status == 409 and "ubah versi yang terakhir dikirim" in refused.text, refused.text
    detail = api.get(f"/v1/reports/{sid}", key=office.admin).json
    assert (detail["report"]["version"], detail["report"]["internet_users"]) == (2, 9), "the first edit stands"
    assert [h["action"] for h in detail["history"]] == ["created", "corrected"]


def test_a_submission_that_is_not_multipart_is_refused_in_xml(api: ApiClient, office: TenantKeys) -> None:
    response = api.post(f"/v1/key/{office.operator}/openrosa/submission", json={"visitors": 3}, headers=COLLECT_HEADERS)
    assert response.status == 415 and "<OpenRosaResponse" in response.text


def test_tenants_are_isolated_the_same_instance_id_in_another_tenant_is_another_report(
    api: ApiClient, tenants: Tenants, office: TenantKeys
) -> None:
    pati = tenants.create(PATI)
    register_village(api, pati.admin, PATI_VILLAGE)
    sid = str(uuid.uuid4())
    grobogan_base, pati_base = f"/v1/key/{office.operator}/openrosa", f"/v1/key/{pati.operator}/openrosa"
    assert _submit(api, grobogan_base, _ict(api, grobogan_base, V1, sid=sid)).status == 201
    assert _submit(api, pati_base, _ict(api, pati_base, PATI_VILLAGE, sid=sid, internet_users=1)).status == 201
    assert api.get(f"/v1/reports/{sid}", key=office.admin).json["report"]["internet_users"] == 3
    assert api.get(f"/v1/reports/{sid}", key=pati.admin).json["report"]["internet_users"] == 1
    # Pati cannot edit Grobogan's report by naming its instance.
    form = {"form_id": "tpbis_ict", "version": _versions(api, pati_base)["tpbis_ict"]}
    edit = instance_xml(
        form,
        {"village_code": PATI_VILLAGE, "date": "2026-11-03", "computer_sessions": 9, "internet_users": 9},
        deprecated_id=str(uuid.uuid4()),
    )
    refused = _submit(api, pati_base, edit)
    assert refused.status == 404 and "isi dan kirim formulir baru" in refused.text
    assert api.get(f"/v1/reports/{sid}", key=office.admin).json["report"]["version"] == 1


def test_an_operator_key_comes_with_its_collect_setup_and_other_keys_without(
    api: ApiClient, office: TenantKeys
) -> None:
    made = api.post(
        "/v1/keys",
        key=office.admin,
        json={"role": "operator", "label": "Perpusdes Karanglangu", "villages": [V1]},
        headers={"host": "api.tpbis.example.id", "x-forwarded-proto": "https"},
    ).json
    collect = made["collect"]
    assert collect["server_url"] == f"https://api.tpbis.example.id/v1/key/{made['secret']}/openrosa"
    settings = json.loads(zlib.decompress(base64.b64decode(collect["settings_qr"])))
    assert settings == collect["settings"]
    assert settings["general"] == {
        "server_url": collect["server_url"],
        "form_update_mode": "match_exactly",
        "periodic_form_updates_check": "every_one_hour",
        "autosend": "wifi_and_cellular",
        "delete_send": False,
    }
    assert "password" not in json.dumps(settings) and "username" not in json.dumps(settings)
    assert settings["project"]["name"] == "Perpustakaan Desa"  # the registered library's name
    assert collect["qr_svg"].startswith("<svg") and collect["qr_svg"].rstrip().endswith("</svg>")
    viewer = api.post("/v1/keys", key=office.admin, json={"role": "viewer", "label": "v"}).json
    assert viewer["collect"] is None
    several = api.post(
        "/v1/keys", key=office.admin, json={"role": "operator", "label": "both", "villages": [V1, V2]}
    ).json
    assert several["collect"]["settings"]["project"]["name"] == f"Dinas Perpustakaan {GROBOGAN}"
    # The setup is shown once: the key listing has no secret and no setup.
    listed = api.get("/v1/keys", key=office.admin).text
    assert made["secret"] not in listed and "settings_qr" not in listed


def test_the_xlsform_workbook_is_for_district_admins(api: ApiClient, office: TenantKeys) -> None:
    accept = {"accept": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
    workbook = api.get("/v1/forms/visits.xlsx", key=office.admin, headers=accept)
    assert workbook.status == 200
    assert workbook.headers["content-type"] == accept["accept"]
    assert api.get("/v1/forms/visits.xlsx", key=office.operator, headers=accept).status == 403
    assert api.get("/v1/forms/payroll.xlsx", key=office.admin, headers=accept).status == 404
    assert api.get("/v1/forms/visits.xlsx", key=office.admin, headers={"accept": "*/*"}).status == 200
    for other in ({}, {"accept": "application/json"}):
        refused = api.get("/v1/forms/visits.xlsx", key=office.admin, headers=other)
        assert refused.status == 406, refused.text
        assert (
            refused.json["error"]["code"] == "not_acceptable" and accept["accept"] in refused.json["error"]["message"]
        )


def _kobo(values: dict[str, object], sid: str) -> dict[str, object]:
    """A KoboToolbox REST Service body: answers by path, every value as text, Kobo's own fields."""
    return {
        "_id": 4711,
        "formhub/uuid": "5e2b6c1d0a6f4f0c9d1b1c2a3e4f5a6b",
        "start": "2026-11-03T08:00:00.000+07:00",
        "end": "2026-11-03T08:05:00.000+07:00",
        "__version__": "vX8f2kq9",
        "_xform_id_string": "aBcDeFgHiJkLmNoP",
        "_uuid": sid,
        "meta/instanceID": f"uuid:{sid}",
        "_attachments": [],
        "_submission_time": "2026-11-03T01:05:09",
        **{k: str(v) for k, v in values.items()},
    }


def test_a_kobo_webhook_submission_is_stored_once_through_the_same_path(api: ApiClient, office: TenantKeys) -> None:
    sid = str(uuid.uuid4())
    values = {"village_code": V1, "date": "2026-11-03", "computer_sessions": 5, "internet_users": 4}
    route = f"/v1/key/{office.operator}/kobo/ict"
    first = api.post(route, json=_kobo(values, sid))
    assert (first.status, first.json) == (201, {"submission_id": sid, "status": "accepted"})
    assert api.post(route, json=_kobo(values, sid)).json["status"] == "duplicate"
    assert api.post(route, json=_kobo({**values, "internet_users": 1}, sid)).status == 409
    report = api.get(f"/v1/reports/{sid}", key=office.admin).json["report"]
    assert (report["computer_sessions"], report["internet_users"]) == (5, 4)
    auth = {"authorization": basic(office.key_ids["operator"], office.operator)}
    other = str(uuid.uuid4())
    assert api.post("/v1/kobo/ict", json=_kobo(values, other), headers=auth).status == 201
    assert api.post("/v1/kobo/ict", json=_kobo(values, str(uuid.uuid4()))).status == 401


def test_a_kobo_submission_that_breaks_a_rule_or_has_no_id_is_refused_and_stores_nothing(
    api: ApiClient, office: TenantKeys
) -> None:
    route = f"/v1/key/{office.operator}/kobo/visits"
    bad = _kobo({"village_code": V1, "date": "2026-11-03", "visitors": 3, "women": 5}, str(uuid.uuid4()))
    refused = api.post(route, json=bad)
    assert refused.status == 422 and refused.json["error"]["code"] == "validation_error"
    no_id = {k: v for k, v in bad.items() if k not in ("_uuid", "meta/instanceID")}
    missing = api.post(route, json=no_id)
    assert (missing.status, missing.json["error"]["code"]) == (422, "missing_instance_id"), missing.text
    boolean = api.post(route, json={**bad, "visitors": True, "women": "1"})
    assert boolean.status == 422
    assert [(d["field"], d["code"]) for d in boolean.json["error"]["details"]] == [("visitors", "whole_number")], "sent"
    not_an_object = api.post(route, json=[bad])
    assert (not_an_object.status, not_an_object.json["error"]["code"]) == (422, "validation_error")
    assert api.post(f"/v1/key/{office.operator}/kobo/payroll", json=bad).status == 404
    assert api.post(f"/v1/key/{office.viewer}/kobo/visits", json=bad).status == 403
    revoked = api.delete(f"/v1/keys/{office.key_ids['operator']}", key=office.admin)
    assert revoked.status == 204
    assert api.post(route, json=bad).status == 403
    assert _count(api, office.admin) == 0


def test_a_district_admin_key_of_an_office_without_villages_is_told_to_register_them(
    api: ApiClient, tenants: Tenants
) -> None:
    pati = tenants.create(PATI)
    auth = {"authorization": basic(pati.key_ids["admin"], pati.admin)}
    response = api.get("/v1/openrosa/formList", headers=auth)
    assert response.status == 409 and "daftarkan desa" in response.text
    accept = {"accept": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
    workbook = api.get("/v1/forms/ict.xlsx", key=pati.admin, headers=accept)
    assert workbook.status == 409 and workbook.error_code == "no_villages"


def test_the_form_list_can_be_asked_for_one_form_as_enketo_does(api: ApiClient, office: TenantKeys) -> None:
    listed = api.get(f"/v1/key/{office.operator}/openrosa/formList?formID=tpbis_media").text
    assert re.findall(r"<formID>(.*?)</formID>", listed) == ["tpbis_media"]


def test_a_submission_dated_in_an_approved_month_is_refused_in_bahasa_indonesia(
    api: ApiClient, office: TenantKeys
) -> None:
    assert api.post("/v1/periods/2026-11/approve", key=office.admin, json={}).status == 200
    base = f"/v1/key/{office.operator}/openrosa"
    response = _submit(api, base, _ict(api, base, GROBOGAN_VILLAGES[0]))
    assert response.status == 409
    assert "sudah disahkan" in response.text and "membuka kembali" in response.text
    assert "2026-11" in response.text  # the English half names the month
    assert _count(api, office.admin) == 0
