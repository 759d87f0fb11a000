"""Outliers, as DHIS2's min-max rules: an unusual but plausible report is accepted, counted and put on the
district's review list, which the district admin works through (issue 17, item 6)."""

from __future__ import annotations

from tests.factories import GROBOGAN, GROBOGAN_VILLAGES, TenantKeys, Tenants, register_village, report
from tests.http_client import ApiClient


def _office(tenants: Tenants, api: ApiClient) -> TenantKeys:
    grobogan = tenants.create(GROBOGAN)
    register_village(api, grobogan.admin, GROBOGAN_VILLAGES[0])
    return grobogan


def test_a_report_above_the_default_rule_is_accepted_and_marked_needs_review(tenants: Tenants, api: ApiClient) -> None:
    office = _office(tenants, api)
    usual, unusual = report(visitors=40), report(visitors=5_000, women=None, children=None)
    answer = api.post("/v1/reports", json={"reports": [usual, unusual]}, key=office.operator).json
    assert answer["accepted"] == 2
    stored = api.get(f"/v1/reports/{unusual['submission_id']}", key=office.admin).json["report"]
    assert stored["needs_review"] is True
    assert stored["review_flags"] == [{"field": "visitors", "value": 5000, "side": "above", "limit": 1000}]
    assert stored["review_reasons"] == ["visitors 5000 is above this regency's review maximum 1000"]
    assert api.get(f"/v1/reports/{usual['submission_id']}", key=office.admin).json["report"]["needs_review"] is False
    listed = api.get("/v1/reviews", key=office.admin).json
    assert [r["submission_id"] for r in listed["items"]] == [unusual["submission_id"]]


def test_the_district_marks_a_report_reviewed_and_it_leaves_the_list(tenants: Tenants, api: ApiClient) -> None:
    office = _office(tenants, api)
    unusual = report(visitors=5_000, women=None, children=None)
    api.post("/v1/reports", json=unusual, key=office.admin)
    path = f"/v1/reports/{unusual['submission_id']}/review"
    assert api.post(path, key=office.operator).status == 403
    assert api.post(path, key=office.viewer).status == 403
    reviewed = api.post(path, key=office.admin)
    assert reviewed.status == 200
    assert reviewed.json["report"]["needs_review"] is False and reviewed.json["report"]["version"] == 2
    assert reviewed.json["history"][-1]["action"] == "reviewed"
    again = api.post(path, key=office.admin)
    assert again.status == 200 and again.json["report"]["version"] == 2  # nothing left to do
    assert api.get("/v1/reviews", key=office.admin).json["items"] == []


def test_the_tenant_sets_its_own_bounds_and_they_decide_from_then_on(tenants: Tenants, api: ApiClient) -> None:
    office = _office(tenants, api)
    key = office.admin
    rules = {
        "rules": [
            {"type": "visits", "field": "visitors", "max": 8_000},
            {"type": "ict", "field": "trainees", "min": 1, "max": 50},
        ]
    }
    put = api.put("/v1/review-rules", json=rules, key=key)
    assert put.status == 200, put.text
    in_force = {(r["type"], r["field"]): r for r in put.json["rules"]}
    assert in_force[("visits", "visitors")]["max"] == 8_000 and in_force[("visits", "visitors")]["source"] == "tenant"
    assert in_force[("activity", "participants")]["source"] == "default"
    assert api.get("/v1/review-rules", key=office.viewer).json == put.json
    assert api.put("/v1/review-rules", json=rules, key=office.operator).status == 403
    busy = report(visitors=5_000, women=None, children=None)
    low = report("ict", trainees=0)
    api.post("/v1/reports", json={"reports": [busy, low]}, key=key)
    listed = [r["submission_id"] for r in api.get("/v1/reviews", key=key).json["items"]]
    assert listed == [low["submission_id"]]


def test_a_correction_within_the_rules_takes_a_report_off_the_list(tenants: Tenants, api: ApiClient) -> None:
    office = _office(tenants, api)
    key = office.admin
    unusual = report(visitors=5_000, women=None, children=None)
    api.post("/v1/reports", json=unusual, key=key)
    content = {k: v for k, v in unusual.items() if k != "submission_id"}
    fixed = api.put(
        f"/v1/reports/{unusual['submission_id']}", json={**content, "visitors": 50, "expected_version": 1}, key=key
    )
    assert fixed.status == 200 and fixed.json["report"]["needs_review"] is False
    assert api.get("/v1/reviews", key=key).json["items"] == []


def test_a_voided_report_leaves_the_list(tenants: Tenants, api: ApiClient) -> None:
    office = _office(tenants, api)
    key = office.admin
    unusual = report(visitors=5_000, women=None, children=None)
    api.post("/v1/reports", json=unusual, key=key)
    api.delete(f"/v1/reports/{unusual['submission_id']}", key=key)
    assert api.get("/v1/reviews", key=key).json["items"] == []


def test_bad_rules_are_refused(tenants: Tenants, api: ApiClient) -> None:
    office = _office(tenants, api)
    key = office.admin
    for rules, problem in (
        ([{"type": "visits", "field": "title", "max": 5}], ("rules.0.field", "one_of")),
        ([{"type": "visits", "field": "visitors", "min": 10, "max": 5}], ("rules.0.max", "at_least")),
        ([{"type": "visits", "field": "visitors", "max": 100_000}], ("rules.0.max", "at_most")),
        (
            [{"type": "visits", "field": "visitors", "max": 5}, {"type": "visits", "field": "visitors", "max": 6}],
            ("rules.1", None),
        ),
    ):
        refused = api.put("/v1/review-rules", json={"rules": rules}, key=key)
        assert refused.status == 422, rules
        assert [(d["field"], d.get("code")) for d in refused.json["error"]["details"]] == [problem], rules
    below = api.put(
        "/v1/review-rules", json={"rules": [{"type": "ict", "field": "trainees", "min": 9, "max": 3}]}, key=key
    )
    assert below.json["error"]["details"][0]["params"] == {"limit": 9}
    assert all(r["source"] == "default" for r in api.get("/v1/review-rules", key=key).json["rules"]), "none stored"


def test_another_tenants_review_list_and_rules_are_not_visible(tenants: Tenants, api: ApiClient) -> None:
    office = _office(tenants, api)
    pati = tenants.create("33.18")
    api.post("/v1/reports", json=report(visitors=5_000, women=None, children=None), key=office.admin)
    api.put("/v1/review-rules", json={"rules": [{"type": "visits", "field": "visitors", "max": 7}]}, key=office.admin)
    assert api.get("/v1/reviews", key=pati.admin).json["items"] == []
    rules = api.get("/v1/review-rules", key=pati.admin).json["rules"]
    assert all(r["source"] == "default" for r in rules)
