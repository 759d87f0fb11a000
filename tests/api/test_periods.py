"""Approved periods: approving a month locks its reports until it is reopened, with a history."""

from __future__ import annotations

from tests.factories import GROBOGAN, GROBOGAN_VILLAGES, PATI, Tenants, register_village, report
from tests.http_client import ApiClient

MONTH = "2026-10"


def _stored_reports(api: ApiClient, secret: str) -> list[dict[str, object]]:
    return list(api.get("/v1/reports?include_void=true", key=secret).json["items"])


def test_an_approved_month_refuses_new_reports_corrections_and_voids_until_reopened(
    tenants: Tenants, api: ApiClient
) -> None:
    grobogan = tenants.create(GROBOGAN)
    register_village(api, grobogan.admin, GROBOGAN_VILLAGES[0])
    stored = report(date="2026-10-05")
    assert api.post("/v1/reports", key=grobogan.operator, json=stored).status == 201

    approved = api.post(f"/v1/periods/{MONTH}/approve", key=grobogan.admin)
    assert approved.status == 200, approved.text
    assert approved.json["state"] == "approved"

    new = api.post("/v1/reports", key=grobogan.operator, json=report(date="2026-10-20"))
    assert new.status == 409 and new.error_code == "period_locked"
    assert "2026-10" in new.json["error"]["message"]
    content = {k: v for k, v in stored.items() if k != "submission_id"}
    corrected = dict(content, visitors=99, expected_version=1)
    correction = api.put(f"/v1/reports/{stored['submission_id']}", key=grobogan.operator, json=corrected)
    assert correction.status == 409 and correction.error_code == "period_locked"
    moved_out = dict(content, date="2026-11-01", expected_version=1)
    assert api.put(f"/v1/reports/{stored['submission_id']}", key=grobogan.admin, json=moved_out).status == 409
    void = api.delete(f"/v1/reports/{stored['submission_id']}", key=grobogan.operator)
    assert void.status == 409 and void.error_code == "period_locked"
    items = _stored_reports(api, grobogan.admin)
    assert [(i["submission_id"], i["version"], i["status"]) for i in items] == [(stored["submission_id"], 1, "active")]

    reopened = api.post(f"/v1/periods/{MONTH}/reopen", key=grobogan.admin, json={"reason": "koreksi kunjungan"})
    assert reopened.status == 200 and reopened.json["state"] == "provisional"
    assert api.put(f"/v1/reports/{stored['submission_id']}", key=grobogan.operator, json=corrected).status == 200
    assert api.post("/v1/reports", key=grobogan.operator, json=report(date="2026-10-20")).status == 201


def test_a_batch_rejects_only_the_reports_of_an_approved_month(tenants: Tenants, api: ApiClient) -> None:
    grobogan = tenants.create(GROBOGAN)
    register_village(api, grobogan.admin, GROBOGAN_VILLAGES[0])
    assert api.post(f"/v1/periods/{MONTH}/approve", key=grobogan.admin).status == 200
    batch = {"reports": [report(date="2026-10-03"), report(date="2026-11-03")]}
    answer = api.post("/v1/reports", key=grobogan.operator, json=batch)
    assert answer.status == 200
    assert [r["status"] for r in answer.json["results"]] == ["rejected", "accepted"]
    assert answer.json["results"][0]["errors"][0]["code"] == "period_locked"
    assert [i["date"] for i in _stored_reports(api, grobogan.admin)] == ["2026-11-03"]


def test_every_approval_and_reopening_is_recorded_with_who_when_and_why(tenants: Tenants, api: ApiClient) -> None:
    grobogan = tenants.create(GROBOGAN)
    assert api.post(f"/v1/periods/{MONTH}/approve", key=grobogan.admin).status == 200
    again = api.post(f"/v1/periods/{MONTH}/approve", key=grobogan.admin)
    assert again.status == 409 and again.error_code == "already_approved"
    assert api.post(f"/v1/periods/{MONTH}/reopen", key=grobogan.admin, json={"reason": "salah hitung"}).status == 200
    assert api.post(f"/v1/periods/{MONTH}/approve", key=grobogan.admin).status == 200
    history = api.get(f"/v1/periods/{MONTH}/history", key=grobogan.viewer)
    assert history.status == 200
    events = history.json["items"]
    assert [e["action"] for e in events] == ["approved", "reopened", "approved"]
    assert [e["reason"] for e in events] == [None, "salah hitung", None]
    assert {e["by"] for e in events} == {grobogan.key_ids["admin"]}
    assert events[0]["at"] <= events[1]["at"] <= events[2]["at"]


def test_the_listing_shows_each_month_with_its_state_and_deadline(tenants: Tenants, api: ApiClient) -> None:
    grobogan = tenants.create(GROBOGAN)
    assert api.post("/v1/periods/2026-09/approve", key=grobogan.admin).status == 200
    listed = api.get("/v1/periods?from=2026-08&to=2026-10", key=grobogan.viewer)
    assert listed.status == 200, listed.text
    assert [(m["month"], m["state"], m["locked"]) for m in listed.json["items"]] == [
        ("2026-10", "provisional", False),
        ("2026-09", "approved", True),
        ("2026-08", "provisional", False),
    ]
    # Grobogan is in WIB (UTC+7): the 10th of the next month ends at 16:59:59 UTC.
    assert listed.json["items"][1]["on_time_deadline"].startswith("2026-10-10T23:59:59")
    assert len(api.get("/v1/periods", key=grobogan.viewer).json["items"]) == 12
    for bad in ("from=2026-11&to=2026-10", "from=2020-01&to=2026-10", "from=2026-13", "to=oct"):
        assert api.get(f"/v1/periods?{bad}", key=grobogan.viewer).status == 422, bad


def test_only_a_district_admin_approves_and_a_month_must_be_over(tenants: Tenants, api: ApiClient) -> None:
    grobogan = tenants.create(GROBOGAN)
    for secret in (grobogan.operator, grobogan.viewer):
        assert api.post(f"/v1/periods/{MONTH}/approve", key=secret).status == 403
    assert api.post("/v1/periods/2026-12/approve", key=grobogan.admin).status == 422
    assert api.post("/v1/periods/2026-13/approve", key=grobogan.admin).status == 422
    far = api.post("/v1/periods/3000-01/approve", key=grobogan.admin)
    assert far.status == 422
    assert far.json["error"]["details"][0]["message"] == "use YYYY-MM with a year from 2000 to 2999, e.g. 2026-11"
    assert api.post("/v1/periods/2026-Q3/approve", key=grobogan.admin).status == 422
    assert api.post(f"/v1/periods/{MONTH}/reopen", key=grobogan.admin, json={"reason": "x y z"}).status == 409
    assert api.post(f"/v1/periods/{MONTH}/reopen", key=grobogan.admin, json={}).status == 422


def test_the_platform_admin_reopens_a_regency_month_and_another_tenant_is_untouched(
    tenants: Tenants, api: ApiClient
) -> None:
    grobogan = tenants.create(GROBOGAN)
    pati = tenants.create(PATI)
    assert api.post(f"/v1/periods/{MONTH}/approve", key=grobogan.admin).status == 200
    listed = api.get(f"/v1/periods?from={MONTH}&to={MONTH}", key=pati.admin).json["items"]
    assert listed[0]["state"] == "provisional"
    assert api.post(f"/v1/periods/{MONTH}/reopen", key=pati.admin, json={"reason": "coba"}).status == 409
    body = {"reason": "permintaan dinas"}
    reopened = api.post(f"/v1/admin/tenants/{GROBOGAN}/periods/{MONTH}/reopen", key=tenants.admin_key, json=body)
    assert reopened.status == 200 and reopened.json["state"] == "provisional"
    assert api.post(f"/v1/admin/tenants/{GROBOGAN}/periods/{MONTH}/reopen", key=grobogan.admin, json=body).status == 403


def test_the_automatic_lock_closes_a_month_some_days_after_its_end(tenants: Tenants, api: ApiClient) -> None:
    grobogan = tenants.create(GROBOGAN)
    register_village(api, grobogan.admin, GROBOGAN_VILLAGES[0])
    assert api.get("/v1/settings/reporting", key=grobogan.viewer).json == {"deadline_day": 10, "auto_lock_days": None}
    assert api.post("/v1/reports", key=grobogan.operator, json=report(date="2026-10-02")).status == 201
    assert api.put("/v1/settings/reporting", key=grobogan.operator, json={"auto_lock_days": 15}).status == 403
    for bad in ({"deadline_day": 29}, {"auto_lock_days": -1}, {"deadline_day": "10"}, {"other": 1}):
        assert api.put("/v1/settings/reporting", key=grobogan.admin, json=bad).status == 422, bad
    assert api.put("/v1/settings/reporting", key=grobogan.admin, json={"auto_lock_days": 15}).status == 200
    # 2026-10 ended more than 15 days ago; 2026-11 did not.
    refused = api.post("/v1/reports", key=grobogan.operator, json=report(date="2026-10-03"))
    assert refused.status == 409 and refused.error_code == "period_locked"
    assert api.post("/v1/reports", key=grobogan.operator, json=report(date="2026-11-20")).status == 201
    month = api.get("/v1/periods?from=2026-10&to=2026-10", key=grobogan.viewer).json["items"][0]
    assert (month["state"], month["locked"], month["auto_locked"]) == ("provisional", True, True)
    body = {"reason": "laporan terlambat"}
    assert api.post("/v1/periods/2026-10/reopen", key=grobogan.admin, json=body).status == 200
    assert api.post("/v1/reports", key=grobogan.operator, json=report(date="2026-10-03")).status == 201


def test_the_national_reads_and_export_mark_approved_regencies_and_the_share_approved(
    tenants: Tenants, api: ApiClient, settle_now: None
) -> None:
    grobogan = tenants.create(GROBOGAN)
    pati = tenants.create(PATI)
    register_village(api, grobogan.admin, GROBOGAN_VILLAGES[0])
    register_village(api, pati.admin, pati.operator_villages[0])
    assert api.post("/v1/periods/2026-10/approve", key=grobogan.admin).status == 200
    assert api.post("/v1/periods/2026-11/approve", key=grobogan.admin).status == 200
    assert api.post("/v1/admin/jobs/rollup/run", key=tenants.admin_key).status == 200
    viewer = tenants.national_viewer()

    def approval(period: str, level: str) -> dict[str, dict[str, object]]:
        read = api.get(f"/v1/national/indicators?period={period}&level={level}", key=viewer)
        assert read.status == 200, read.text
        return {i["scope"]["code"]: i["approval"] for i in read.json["items"]}

    regencies = approval("2026-11", "regency")
    assert regencies[GROBOGAN]["figures"] == "approved"
    assert regencies[PATI]["figures"] == "provisional"
    assert approval("2026-11", "province")["33"] == {
        "figures": "provisional",
        "regencies_approved": 1,
        "regencies": 2,
        "approved_pct": 50.0,
    }
    assert approval("2026-11", "national")["ID"]["approved_pct"] == 50.0
    # A quarter is approved only when all its months are: December is not.
    assert approval("2026-Q4", "regency")[GROBOGAN]["figures"] == "provisional"
    exported = api.get("/v1/national/export?period=2026-11", key=viewer).json["items"]
    assert {i["scope"]["code"]: i["approval"]["figures"] for i in exported if i["scope"]["level"] == "regency"} == {
        GROBOGAN: "approved",
        PATI: "provisional",
    }
    assert "figures" in api.get("/v1/national/export?period=2026-11&format=csv", key=viewer).text.splitlines()[0]
