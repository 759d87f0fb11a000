"""Editing a commitment with expected_version, its history per field, and its history paged."""

from __future__ import annotations

from typing import Any

import pytest

from tests.advocacy import commitment_payload, new_commitment, transition
from tests.factories import GROBOGAN, PATI, Tenants, run_rollup_now
from tests.http_client import ApiClient


def test_an_edit_changes_the_fields_sent_and_records_each_with_its_old_and_new_value(
    tenants: Tenants, api: ApiClient
) -> None:
    grobogan = tenants.create(GROBOGAN)
    commitment = new_commitment(api, grobogan)
    cid = commitment["commitment_id"]
    body = {
        "expected_version": 1,
        "due_date": "2027-03-31",
        "amount_idr": 30_000_000,
        "next_step": "Audiensi dengan Kepala Desa",
        "next_step_due": "2026-12-10",
    }
    edited = api.patch(f"/v1/commitments/{cid}", key=grobogan.admin, json=body)
    assert edited.status == 200, edited.text
    assert (edited.json["version"], edited.json["due_date"], edited.json["amount_idr"]) == (2, "2027-03-31", 30_000_000)
    assert (edited.json["next_step"], edited.json["next_step_due"]) == ("Audiensi dengan Kepala Desa", "2026-12-10")
    assert edited.json["description"] == commitment["description"]
    edits = api.get(f"/v1/commitments/{cid}/edits", key=grobogan.viewer)
    assert edits.status == 200
    (entry,) = edits.json["items"]
    assert (entry["version"], entry["by"]) == (2, grobogan.key_ids["admin"])
    assert entry["changes"] == [
        {"field": "due_date", "old": "2026-12-31", "new": "2027-03-31"},
        {"field": "amount_idr", "old": 25_000_000, "new": 30_000_000},
        {"field": "next_step", "old": None, "new": "Audiensi dengan Kepala Desa"},
        {"field": "next_step_due", "old": None, "new": "2026-12-10"},
    ]
    # Clearing the next step clears its due date; a retry of the same edit changes nothing.
    cleared = api.patch(f"/v1/commitments/{cid}", key=grobogan.admin, json={"expected_version": 2, "next_step": None})
    assert (cleared.json["version"], cleared.json["next_step_due"]) == (3, None)
    retry = api.patch(f"/v1/commitments/{cid}", key=grobogan.admin, json={"expected_version": 2, "next_step": None})
    assert (retry.status, retry.json["version"]) == (200, 3)
    assert len(api.get(f"/v1/commitments/{cid}/edits", key=grobogan.admin).json["items"]) == 2


def test_a_stale_version_answers_409_and_changes_nothing(tenants: Tenants, api: ApiClient) -> None:
    grobogan = tenants.create(GROBOGAN)
    cid = new_commitment(api, grobogan)["commitment_id"]
    assert (
        api.patch(f"/v1/commitments/{cid}", key=grobogan.admin, json={"expected_version": 1, "description": "a"}).status
        == 200
    )
    stale = api.patch(f"/v1/commitments/{cid}", key=grobogan.admin, json={"expected_version": 1, "description": "b"})
    assert stale.status == 409 and stale.error_code == "version_conflict"
    current = api.get(f"/v1/commitments/{cid}", key=grobogan.admin).json
    assert (current["description"], current["version"]) == ("a", 2)


def test_edits_that_break_the_rules_are_refused(tenants: Tenants, api: ApiClient) -> None:
    grobogan = tenants.create(GROBOGAN)
    cid = new_commitment(api, grobogan)["commitment_id"]
    for body in (
        {"expected_version": 1, "description": None},
        {"expected_version": 1, "due_date": None},
        {"expected_version": 1, "amount_idr": None},  # a budget commitment needs its amount
        {"expected_version": 1, "next_step_due": "2026-12-10"},  # a due date without a step
        {"expected_version": 1, "status": "fulfilled"},
        {"expected_version": 1, "due_date": "31-12-2026"},
        {"description": "no version"},
    ):
        response = api.patch(f"/v1/commitments/{cid}", key=grobogan.admin, json=body)
        assert response.status == 422, body
    assert transition(api, grobogan.admin, cid, "committed", 1).status == 201
    pledged = api.patch(f"/v1/commitments/{cid}", key=grobogan.admin, json={"expected_version": 2, "amount_idr": 1})
    assert pledged.status == 422
    assert transition(api, grobogan.admin, cid, "withdrawn", 2).status == 201
    final = api.patch(f"/v1/commitments/{cid}", key=grobogan.admin, json={"expected_version": 3, "description": "x"})
    assert final.status == 422 and final.error_code == "invalid_transition"
    assert api.get(f"/v1/commitments/{cid}/edits", key=grobogan.admin).json["items"] == []


def test_only_the_district_admin_edits_and_another_tenant_sees_nothing(tenants: Tenants, api: ApiClient) -> None:
    grobogan = tenants.create(GROBOGAN)
    pati = tenants.create(PATI)
    cid = new_commitment(api, grobogan)["commitment_id"]
    body = {"expected_version": 1, "description": "x"}
    for key in (grobogan.viewer, grobogan.operator):
        assert api.patch(f"/v1/commitments/{cid}", key=key, json=body).status == 403
    assert api.patch(f"/v1/commitments/{cid}", key=pati.admin, json=body).status == 404
    for kind in ("transitions", "actions", "edits"):
        assert api.get(f"/v1/commitments/{cid}/{kind}", key=pati.admin).status == 404


def test_transitions_and_actions_are_paged(tenants: Tenants, api: ApiClient) -> None:
    grobogan = tenants.create(GROBOGAN)
    cid = new_commitment(api, grobogan)["commitment_id"]
    assert transition(api, grobogan.admin, cid, "committed", 1).status == 201
    assert transition(api, grobogan.admin, cid, "in_progress", 2).status == 201
    for day in ("2026-11-02", "2026-11-09", "2026-11-16"):
        action = {"date": day, "kind": "meeting", "note": f"rapat {day}"}
        assert api.post(f"/v1/commitments/{cid}/actions", key=grobogan.admin, json=action).status == 201
    first = api.get(f"/v1/commitments/{cid}/actions?limit=2", key=grobogan.viewer).json
    assert [a["date"] for a in first["items"]] == ["2026-11-02", "2026-11-09"]
    rest = api.get(f"/v1/commitments/{cid}/actions?limit=2&cursor={first['next_cursor']}", key=grobogan.viewer).json
    assert [a["date"] for a in rest["items"]] == ["2026-11-16"]
    steps = api.get(f"/v1/commitments/{cid}/transitions?limit=1", key=grobogan.viewer).json
    assert [t["to_status"] for t in steps["items"]] == ["committed"]
    following = api.get(f"/v1/commitments/{cid}/transitions?cursor={steps['next_cursor']}", key=grobogan.viewer).json
    assert [t["to_status"] for t in following["items"]] == ["in_progress"]
    # A cursor of one listing is refused by another.
    crossed = api.get(f"/v1/commitments/{cid}/transitions?cursor={first['next_cursor']}", key=grobogan.viewer)
    assert crossed.status == 400


def test_due_before_lists_the_commitments_of_the_week_ahead(tenants: Tenants, api: ApiClient) -> None:
    grobogan = tenants.create(GROBOGAN)
    stakeholder = new_commitment(api, grobogan, due_date="2026-12-05")["stakeholder_id"]
    new_commitment(api, grobogan, stakeholder, due_date="2026-12-09")
    new_commitment(api, grobogan, stakeholder, due_date="2026-12-10")
    new_commitment(api, grobogan, stakeholder, due_date="2027-01-31")
    week = api.get("/v1/commitments?due_before=2026-12-10", key=grobogan.viewer)
    assert week.status == 200
    assert [c["due_date"] for c in week.json["items"]] == ["2026-12-05", "2026-12-09"]
    of_stakeholder = api.get(f"/v1/commitments?due_before=2026-12-06&stakeholder_id={stakeholder}", key=grobogan.viewer)
    assert [c["due_date"] for c in of_stakeholder.json["items"]] == ["2026-12-05"]
    assert api.get("/v1/commitments?due_before=soon", key=grobogan.viewer).status == 422


def test_a_transition_with_occurred_on_counts_on_that_date_and_not_in_the_future(
    tenants: Tenants, api: ApiClient, settle_now: None
) -> None:
    grobogan = tenants.create(GROBOGAN)
    cid = new_commitment(api, grobogan)["commitment_id"]
    future = transition(api, grobogan.admin, cid, "committed", 1, occurred_on="2099-01-01")
    assert future.status == 422
    assert [(d["field"], d["code"]) for d in future.json["error"]["details"]] == [("occurred_on", "in_future")]
    assert api.post("/v1/periods/2026-09/approve", key=grobogan.admin).status == 200
    locked = transition(api, grobogan.admin, cid, "committed", 1, occurred_on="2026-09-15")
    assert locked.status == 409 and locked.error_code == "period_locked"
    recorded = transition(api, grobogan.admin, cid, "committed", 1, occurred_on="2026-10-15")
    assert recorded.status == 201, recorded.text
    assert recorded.json["transition"]["on"] == "2026-10-15"
    assert api.get(f"/v1/commitments/{cid}", key=grobogan.admin).json["version"] == 2
    assert api.post("/v1/admin/jobs/rollup/run", key=tenants.admin_key).status == 200

    def made(period: str) -> int:
        read = api.get(f"/v1/indicators?period={period}&level=regency", key=grobogan.viewer).json["items"]
        return int(read[0]["indicators"]["commitments_made"]["value"])

    assert (made("2026-10"), made("2026-12")) == (1, 0)


@pytest.mark.parametrize(
    ("route", "field", "value", "says"),
    [
        ("transitions", "occurred_on", "1999-12-31", "must not be before 2010-01-01"),
        ("transitions", "occurred_on", "0001-01-01", "must not be before 2010-01-01"),
        ("transitions", "occurred_on", "9999-12-31", "must not be in the future"),
        ("actions", "date", "0001-01-01", "must not be before 2010-01-01"),
        ("actions", "date", "9999-12-31", "must not be in the future"),
        ("actions", "next_step_due", "9999-12-31", "must not be more than 10 years ahead"),
        ("create", "due_date", "0001-01-01", "must not be before 2010-01-01"),
        ("create", "due_date", "9999-12-31", "must not be more than 10 years ahead"),
        ("edit", "due_date", "0001-01-01", "must not be before 2010-01-01"),
        ("edit", "due_date", "9999-12-31", "must not be more than 10 years ahead"),
        ("edit", "next_step_due", "2009-12-31", "must not be before 2010-01-01"),
    ],
)
def test_commitment_dates_out_of_bounds_answer_422_naming_the_field(
    tenants: Tenants, api: ApiClient, route: str, field: str, value: str, says: str
) -> None:
    grobogan = tenants.create(GROBOGAN)
    commitment = new_commitment(api, grobogan)
    cid = commitment["commitment_id"]
    bodies: dict[str, tuple[str, str, dict[str, Any]]] = {
        "transitions": ("POST", f"/v1/commitments/{cid}/transitions", {"to": "committed", "expected_version": 1}),
        "actions": ("POST", f"/v1/commitments/{cid}/actions", {"date": "2026-11-02", "kind": "visit", "note": "x"}),
        "create": ("POST", "/v1/commitments", commitment_payload(commitment["stakeholder_id"])),
        "edit": ("PATCH", f"/v1/commitments/{cid}", {"expected_version": 1, "next_step": "Surat"}),
    }
    method, path, body = bodies[route]
    response = api.request(method, path, key=grobogan.admin, json={**body, field: value})
    assert (response.status, response.error_code) == (422, "validation_error"), response.text
    assert [(d["field"], says in d["message"]) for d in response.json["error"]["details"]] == [(field, True)]
    detail = api.get(f"/v1/commitments/{cid}", key=grobogan.admin).json
    assert (detail["version"], detail["transitions"], detail["actions"]) == (1, [], [])
    assert [c["commitment_id"] for c in api.get("/v1/commitments", key=grobogan.admin).json["items"]] == [cid]


def test_a_transition_dated_before_2010_leaves_the_rollup_working(
    tenants: Tenants, api: ApiClient, settle_now: None
) -> None:
    grobogan = tenants.create(GROBOGAN)
    cid = new_commitment(api, grobogan)["commitment_id"]
    assert transition(api, grobogan.admin, cid, "committed", 1, occurred_on="1999-12-31").status == 422
    assert transition(api, grobogan.admin, cid, "committed", 1, occurred_on="2026-10-15").status == 201
    summary = run_rollup_now(api, tenants.admin_key)
    assert (summary["tenants_failed"], "2026-10" in summary["national_periods"]) == ([], True)
    assert api.get("/v1/rollup/problems", key=grobogan.admin).json["items"] == []


def test_optional_text_too_long_is_counted_in_characters(tenants: Tenants, api: ApiClient) -> None:
    grobogan = tenants.create(GROBOGAN)
    cid = new_commitment(api, grobogan)["commitment_id"]
    body = {"expected_version": 1, "next_step": "x" * 2001}
    refused = api.patch(f"/v1/commitments/{cid}", key=grobogan.admin, json=body)
    assert refused.status == 422
    (detail,) = refused.json["error"]["details"]
    assert (detail["field"], detail["code"], detail["params"]) == ("next_step", "too_long", {"max": 2000})
    assert detail["message"] == "String should have at most 2000 characters", "characters, not items"
    noted = transition(api, grobogan.admin, cid, "committed", 1, note="n" * 2001)
    assert [(d["field"], d["code"]) for d in noted.json["error"]["details"]] == [("note", "too_long")]
