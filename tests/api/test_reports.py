"""Posting reports: typed, batched, deduplicated; corrections, voids and history."""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from typing import Any

import pytest

from tests.factories import (
    GROBOGAN,
    GROBOGAN_VILLAGES,
    TenantKeys,
    Tenants,
    every_page,
    report,
)
from tests.http_client import ApiClient

VILLAGE, OTHER_VILLAGE = GROBOGAN_VILLAGES


def _stored(api: ApiClient, key: str, **filters: str) -> list[dict[str, Any]]:
    query = "&".join(f"{k}={v}" for k, v in {"limit": "100", **filters}.items())
    return list(api.get(f"/v1/reports?{query}", key=key).json["items"])


@pytest.mark.parametrize("kind", ["visits", "activity", "media", "partnership", "ict"])
def test_each_report_type_is_accepted_and_read_back_flat(office: TenantKeys, api: ApiClient, kind: str) -> None:
    body = report(kind)
    response = api.post("/v1/reports", key=office.operator, json=body)
    assert response.status == 201
    assert response.json == {"submission_id": body["submission_id"], "status": "accepted", "version": 1, "errors": None}
    stored = api.get(f"/v1/reports/{body['submission_id']}", key=office.viewer).json["report"]
    for field, value in body.items():
        assert stored[field] == value, field
    assert stored["status"] == "active" and stored["version"] == 1
    assert stored["created_by"] == office.key_ids["operator"]


def test_a_retry_is_a_duplicate_and_is_stored_once(office: TenantKeys, api: ApiClient) -> None:
    body = report("visits")
    assert api.post("/v1/reports", key=office.operator, json=body).status == 201
    for _ in range(3):
        again = api.post("/v1/reports", key=office.operator, json=body)
        assert again.status == 200
        assert again.json["status"] == "duplicate"
    assert len(_stored(api, office.admin)) == 1


def test_reusing_an_id_for_other_content_is_a_conflict(office: TenantKeys, api: ApiClient) -> None:
    body = report("visits")
    api.post("/v1/reports", key=office.operator, json=body)
    response = api.post("/v1/reports", key=office.operator, json={**body, "visitors": 99})
    assert response.status == 409
    assert response.error_code == "conflict"
    assert api.get(f"/v1/reports/{body['submission_id']}", key=office.admin).json["report"]["visitors"] == 12


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"women": 13}, "women"),  # more women than visitors
        ({"visitors": -1}, "visitors"),
        ({"visitors": "12"}, "visitors"),
        ({"visitors": 1.5}, "visitors"),
        ({"date": "2009-12-31"}, "date"),
        ({"date": "2026-13-01"}, "date"),
        ({"type": "gossip"}, "type"),
        ({"submission_id": "not-a-uuid"}, "submission_id"),
        ({"village_code": "33.15.01"}, "village_code"),
        ({"name": "Budi"}, "name"),  # no fields for people
    ],
)
def test_invalid_reports_are_refused_with_the_field_named(
    office: TenantKeys, api: ApiClient, change: dict[str, Any], field: str
) -> None:
    response = api.post("/v1/reports", key=office.operator, json={**report("visits"), **change})
    assert response.status == 422
    assert field in [d["field"] for d in response.json["error"]["details"]]
    assert _stored(api, office.admin) == []


def test_group_counts_of_an_activity_cannot_exceed_its_participants(office: TenantKeys, api: ApiClient) -> None:
    response = api.post(
        "/v1/reports", key=office.operator, json=report("activity", participants=5, women=5, entrepreneurs=0, youth=6)
    )
    assert response.status == 422
    assert [d["field"] for d in response.json["error"]["details"]] == ["youth"]


def test_free_text_may_not_carry_a_personal_id_number(office: TenantKeys, api: ApiClient) -> None:
    response = api.post(
        "/v1/reports", key=office.operator, json=report("activity", title="Pelatihan untuk 3315 0123 4567 8901")
    )
    assert response.status == 422
    assert [d["field"] for d in response.json["error"]["details"]] == ["title"]


def test_a_partnership_cannot_end_before_it_starts(office: TenantKeys, api: ApiClient) -> None:
    response = api.post("/v1/reports", key=office.admin, json=report("partnership", ends_on="2026-10-01"))
    assert response.status == 422
    assert [d["field"] for d in response.json["error"]["details"]] == ["ends_on"]


def test_dates_up_to_one_day_ahead_of_local_today_are_accepted(office: TenantKeys, api: ApiClient) -> None:
    from chalicelib.clock import local_today

    today = local_today(GROBOGAN)
    tomorrow = today + dt.timedelta(days=1)
    assert api.post("/v1/reports", key=office.operator, json=report(date=tomorrow.isoformat())).status == 201
    too_far = (today + dt.timedelta(days=2)).isoformat()
    response = api.post("/v1/reports", key=office.operator, json=report(date=too_far))
    assert response.status == 422
    assert response.json["error"]["details"][0]["field"] == "date"


def test_an_unregistered_village_is_refused(tenants: Tenants, api: ApiClient) -> None:
    grobogan = tenants.create(GROBOGAN)
    response = api.post("/v1/reports", key=grobogan.admin, json=report("visits"))
    assert response.status == 422
    assert response.error_code == "village_not_registered"


def test_an_operator_reports_only_for_its_own_villages(office: TenantKeys, api: ApiClient) -> None:
    response = api.post("/v1/reports", key=office.operator, json=report("visits", village=OTHER_VILLAGE))
    assert response.status == 403
    assert api.post("/v1/reports", key=office.admin, json=report("visits", village=OTHER_VILLAGE)).status == 201
    assert api.post("/v1/reports", key=office.viewer, json=report("visits")).status == 403


def test_a_batch_gives_one_result_per_report_in_order(office: TenantKeys, api: ApiClient) -> None:
    stored = report("visits")
    api.post("/v1/reports", key=office.operator, json=stored)
    fresh = report("activity")
    batch: list[Any] = [
        fresh,
        stored,  # duplicate
        {**stored, "visitors": 50},  # conflict
        {**report("ict"), "computer_sessions": -3},  # invalid
        report("media", village=OTHER_VILLAGE),  # not this operator's village
        "not an object",
    ]
    response = api.post("/v1/reports", key=office.operator, json={"reports": batch})
    assert response.status == 200
    body = response.json
    assert [r["status"] for r in body["results"]] == [
        "accepted",
        "duplicate",
        "rejected",
        "rejected",
        "rejected",
        "rejected",
    ]
    assert [r["submission_id"] for r in body["results"][:5]] == [b["submission_id"] for b in batch[:5]]
    assert body["results"][2]["errors"][0]["code"] == "conflict"
    assert body["results"][3]["errors"][0]["details"][0]["field"] == "reports.3.computer_sessions"
    assert body["results"][4]["errors"][0]["code"] == "forbidden"
    assert (body["accepted"], body["duplicates"], body["rejected"]) == (1, 1, 4)
    assert sorted(r["submission_id"] for r in _stored(api, office.admin)) == sorted(
        [stored["submission_id"], fresh["submission_id"]]
    )


def test_the_same_id_twice_in_one_batch_is_stored_once(office: TenantKeys, api: ApiClient) -> None:
    body = report("visits")
    response = api.post("/v1/reports", key=office.operator, json={"reports": [body, body, {**body, "visitors": 1}]})
    assert [r["status"] for r in response.json["results"]] == ["accepted", "duplicate", "rejected"]
    assert len(_stored(api, office.admin)) == 1


def test_a_batch_holds_one_to_a_hundred_reports(office: TenantKeys, api: ApiClient) -> None:
    too_many = api.post("/v1/reports", key=office.operator, json={"reports": [report("visits") for _ in range(101)]})
    assert too_many.status == 422
    assert api.post("/v1/reports", key=office.operator, json={"reports": []}).status == 422
    full = api.post("/v1/reports", key=office.operator, json={"reports": [report("visits") for _ in range(100)]})
    assert full.status == 200 and full.json["accepted"] == 100
    assert api.post("/v1/reports", key=office.operator, json={"reports": [], "extra": 1}).status == 422


def test_a_correction_sent_again_is_answered_as_done_but_not_with_a_version_never_reached(
    office: TenantKeys, api: ApiClient
) -> None:
    body = report("visits")
    sid = body["submission_id"]
    assert api.post("/v1/reports", key=office.operator, json=body).status == 201
    content = {k: v for k, v in body.items() if k != "submission_id"}
    correction = {**content, "visitors": 15, "expected_version": 1}
    assert api.put(f"/v1/reports/{sid}", key=office.admin, json=correction).status == 200
    again = api.put(f"/v1/reports/{sid}", key=office.admin, json=correction)  # its answer was lost
    assert again.status == 200 and again.json["report"]["version"] == 2
    ahead = api.put(f"/v1/reports/{sid}", key=office.admin, json={**correction, "expected_version": 99})
    assert ahead.status == 409 and ahead.json["error"]["code"] == "version_conflict", ahead.text
    assert len(api.get(f"/v1/reports/{sid}", key=office.viewer).json["history"]) == 2


def test_a_correction_keeps_the_report_s_type(office: TenantKeys, api: ApiClient) -> None:
    body = report("visits")
    sid = body["submission_id"]
    assert api.post("/v1/reports", key=office.operator, json=body).status == 201
    other = {k: v for k, v in report("ict").items() if k != "submission_id"}
    refused = api.put(f"/v1/reports/{sid}", key=office.admin, json={**other, "expected_version": 1})
    assert refused.status == 422, refused.text
    error = refused.json["error"]
    assert error["code"] == "type_changed" and "visits" in error["message"]
    assert [d["field"] for d in error["details"]] == ["type"]
    stored = api.get(f"/v1/reports/{sid}", key=office.viewer).json
    assert (stored["report"]["type"], stored["report"]["version"], len(stored["history"])) == ("visits", 1, 1)


def test_a_correction_replaces_the_content_and_is_kept_in_the_history(office: TenantKeys, api: ApiClient) -> None:
    body = report("visits")
    sid = body["submission_id"]
    api.post("/v1/reports", key=office.operator, json=body)
    content = {k: v for k, v in body.items() if k != "submission_id"}
    corrected = api.put(
        f"/v1/reports/{sid}", key=office.admin, json={**content, "visitors": 15, "women": None, "expected_version": 1}
    )
    assert corrected.status == 200, corrected.text
    assert corrected.json["report"]["version"] == 2
    assert corrected.json["report"]["visitors"] == 15
    assert "women" not in corrected.json["report"]
    history = api.get(f"/v1/reports/{sid}", key=office.viewer).json["history"]
    assert [h["action"] for h in history] == ["created", "corrected"]
    assert history[1]["by"] == office.key_ids["admin"]
    assert history[1]["changes"] == [
        {"field": "visitors", "old": 12, "new": 15},
        {"field": "women", "old": 7, "new": None},
    ]


def test_a_stale_correction_is_refused(office: TenantKeys, api: ApiClient) -> None:
    body = report("visits")
    sid = body["submission_id"]
    api.post("/v1/reports", key=office.operator, json=body)
    content = {k: v for k, v in body.items() if k != "submission_id"}
    assert (
        api.put(f"/v1/reports/{sid}", key=office.admin, json={**content, "visitors": 20, "expected_version": 1}).status
        == 200
    )
    stale = api.put(f"/v1/reports/{sid}", key=office.admin, json={**content, "visitors": 30, "expected_version": 1})
    assert stale.status == 409
    assert stale.error_code == "version_conflict"
    retried = api.put(f"/v1/reports/{sid}", key=office.admin, json={**content, "visitors": 20, "expected_version": 1})
    assert retried.status == 200 and retried.json["report"]["version"] == 2  # a retry of the same correction
    missing_version = api.put(f"/v1/reports/{sid}", key=office.admin, json=content)
    assert missing_version.status == 422


def test_who_may_correct_a_report(office: TenantKeys, api: ApiClient) -> None:
    own, other = report("visits"), report("visits", village=OTHER_VILLAGE)
    api.post("/v1/reports", key=office.operator, json=own)
    api.post("/v1/reports", key=office.admin, json=other)

    def fix(sid: str, base: dict[str, Any], key: str, **change: Any) -> int:
        content = {k: v for k, v in base.items() if k != "submission_id"}
        return api.put(f"/v1/reports/{sid}", key=key, json={**content, **change, "expected_version": 1}).status

    assert fix(own["submission_id"], own, office.viewer, visitors=30) == 403
    assert fix(own["submission_id"], own, office.viewer, visitors=-1) == 403  # the role is checked first
    assert fix(other["submission_id"], other, office.operator, visitors=30) == 404  # not its village: unseen
    assert fix(own["submission_id"], own, office.operator, village_code=OTHER_VILLAGE) == 403
    assert fix(own["submission_id"], own, office.admin, village_code="33.18.01.2001") == 422
    assert fix(own["submission_id"], own, office.operator, visitors=30) == 200


def test_voiding_keeps_the_report_but_hides_it_from_listings(office: TenantKeys, api: ApiClient) -> None:
    body = report("visits")
    sid = body["submission_id"]
    api.post("/v1/reports", key=office.operator, json=body)
    voided = api.delete(f"/v1/reports/{sid}", key=office.admin)
    assert voided.status == 200
    assert voided.json["report"]["status"] == "void"
    assert [h["action"] for h in voided.json["history"]] == ["created", "voided"]
    assert api.delete(f"/v1/reports/{sid}", key=office.admin).json["report"]["version"] == 2  # no second entry
    assert _stored(api, office.admin) == []
    assert [r["submission_id"] for r in _stored(api, office.admin, include_void="true")] == [sid]
    content = {k: v for k, v in body.items() if k != "submission_id"}
    refused = api.put(f"/v1/reports/{sid}", key=office.admin, json={**content, "visitors": 30, "expected_version": 2})
    assert refused.status == 409
    unchanged = api.put(f"/v1/reports/{sid}", key=office.admin, json={**content, "expected_version": 2})
    assert (unchanged.status, unchanged.error_code) == (409, "report_void"), "not taken as done: it is void"
    assert api.post("/v1/reports", key=office.operator, json=body).json["status"] == "duplicate"
    assert api.delete(f"/v1/reports/{sid}", key=office.viewer).status == 403


def test_listing_filters_by_village_type_and_dates(office: TenantKeys, api: ApiClient) -> None:
    posted = [
        report("visits", date="2026-09-03"),
        report("media", date="2026-10-05"),
        report("visits", date="2026-11-01"),
        report("ict", village=OTHER_VILLAGE, date="2026-10-10"),
    ]
    api.post("/v1/reports", key=office.admin, json={"reports": posted})
    ids = [p["submission_id"] for p in posted]
    assert [r["submission_id"] for r in _stored(api, office.admin)] == [ids[2], ids[3], ids[1], ids[0]]
    assert [r["submission_id"] for r in _stored(api, office.admin, type="visits")] == [ids[2], ids[0]]
    in_october = _stored(api, office.admin, **{"from": "2026-10-01", "to": "2026-10-31"})
    assert [r["submission_id"] for r in in_october] == [ids[3], ids[1]]
    assert [r["submission_id"] for r in _stored(api, office.admin, village_code=OTHER_VILLAGE)] == [ids[3]]
    assert [r["submission_id"] for r in _stored(api, office.operator)] == [ids[2], ids[1], ids[0]]
    assert api.get(f"/v1/reports?village_code={OTHER_VILLAGE}", key=office.operator).status == 403
    backwards = api.get("/v1/reports?from=2026-11-01&to=2026-10-01", key=office.admin)
    assert backwards.status == 422
    problems = [(d["field"], d["code"], d["params"]) for d in backwards.json["error"]["details"]]
    assert problems == [("to", "before", {"other": "from"})]


def test_listing_pages_with_a_cursor(office: TenantKeys, api: ApiClient) -> None:
    posted = [report("visits", date=f"2026-10-{day:02d}") for day in range(1, 8)]
    api.post("/v1/reports", key=office.admin, json={"reports": posted})
    seen = [r["submission_id"] for page in every_page(api, "/v1/reports?limit=3", office.admin) for r in page]
    assert seen == [p["submission_id"] for p in reversed(posted)]


def test_a_report_of_another_village_is_unseen_by_an_operator(office: TenantKeys, api: ApiClient) -> None:
    other = report("visits", village=OTHER_VILLAGE)
    api.post("/v1/reports", key=office.admin, json=other)
    assert api.get(f"/v1/reports/{other['submission_id']}", key=office.operator).status == 404
    assert api.get(f"/v1/reports/{uuid.uuid4()}", key=office.admin).status == 404


def test_racing_posts_of_the_same_batch_store_each_report_once(office: TenantKeys, api: ApiClient) -> None:
    batch = {"reports": [report("visits", date=f"2026-11-{d:02d}") for d in range(1, 11)]}
    outcomes: list[list[str]] = []
    barrier = threading.Barrier(8)

    def post() -> None:
        barrier.wait()
        response = api.post("/v1/reports", key=office.operator, json=batch)
        outcomes.append([r["status"] for r in response.json["results"]])

    threads = [threading.Thread(target=post) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(outcomes) == 8
    for position in range(10):
        statuses = sorted(o[position] for o in outcomes)
        assert statuses == ["accepted"] + ["duplicate"] * 7, statuses
    assert len(_stored(api, office.admin)) == 10


def test_a_report_dated_after_the_villages_tomorrow_is_refused_with_a_code(office: TenantKeys, api: ApiClient) -> None:
    ahead = (dt.datetime.now(dt.UTC) + dt.timedelta(days=3)).date().isoformat()
    response = api.post("/v1/reports", key=office.operator, json=report("visits", date=ahead))
    assert response.status == 422
    assert [(d["field"], d["code"]) for d in response.json["error"]["details"]] == [("date", "in_future")]
    assert _stored(api, office.admin) == []


@pytest.mark.parametrize(
    "moment", ["0001-01-01T00:00:00+07:00", "9999-12-31T23:59:59-14:00", "1969-12-31T23:59:59Z", "2100-01-01T00:00:00Z"]
)
def test_a_recorded_at_no_device_clock_shows_sinks_only_its_own_report(
    office: TenantKeys, api: ApiClient, moment: str
) -> None:
    batch = [report("visits"), report("visits", recorded_at=moment), report("visits")]
    response = api.post("/v1/reports", key=office.operator, json={"reports": batch})
    assert response.status == 200, response.text
    assert [r["status"] for r in response.json["results"]] == ["accepted", "rejected", "accepted"]
    (problem,) = response.json["results"][1]["errors"][0]["details"]
    assert (problem["field"], problem["code"]) == ("reports.1.recorded_at", "datetime")
    stored = {r["submission_id"] for r in _stored(api, office.admin)}
    assert stored == {batch[0]["submission_id"], batch[2]["submission_id"]}


def test_a_recorded_at_from_a_clock_reset_to_1970_or_without_an_offset_is_kept(
    office: TenantKeys, api: ApiClient
) -> None:
    reset, naive = (
        report("visits", recorded_at="1970-01-01T00:00:00Z"),
        report("visits", recorded_at="2026-12-01T10:00:00"),
    )
    assert api.post("/v1/reports", key=office.operator, json={"reports": [reset, naive]}).json["accepted"] == 2
    shown = api.get(f"/v1/reports/{naive['submission_id']}", key=office.admin).json["report"]["recorded_at"]
    assert dt.datetime.fromisoformat(shown) == dt.datetime(2026, 12, 1, 10, tzinfo=dt.UTC), "read as UTC"
