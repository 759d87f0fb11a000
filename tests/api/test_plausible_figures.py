"""Plausible figures: hard limits no real report can pass, partitions of a total, and a realized budget
in proportion to its pledge (issue 17, item 6)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.advocacy import new_commitment, transition
from tests.factories import GROBOGAN, GROBOGAN_VILLAGES, Tenants, register_village, report
from tests.http_client import ApiClient


def _office(tenants: Tenants, api: ApiClient) -> str:
    grobogan = tenants.create(GROBOGAN)
    register_village(api, grobogan.admin, GROBOGAN_VILLAGES[0])
    return grobogan.admin


@pytest.mark.parametrize(
    ("kind", "field"),
    [
        ("visits", "visitors"),
        ("activity", "participants"),
        ("ict", "computer_sessions"),
        ("ict", "internet_users"),
        ("ict", "trainees"),
    ],
)
def test_a_count_of_100000_or_more_is_refused_naming_the_field_and_the_limit(
    tenants: Tenants, api: ApiClient, kind: str, field: str
) -> None:
    key = _office(tenants, api)
    for value in (100_000, 999_999):
        too_many: dict[str, Any] = {field: value}
        response = api.post("/v1/reports", json=report(kind, **too_many), key=key)
        assert response.status == 422, response.text
        (detail,) = response.json["error"]["details"]
        assert detail["field"] == field and "99999" in detail["message"]
    assert api.get("/v1/reports", key=key).json["items"] == []
    most: dict[str, Any] = {field: 99_999}
    accepted = api.post("/v1/reports", json=report(kind, **most), key=key)
    assert accepted.status == 201, accepted.text


def test_women_and_men_together_may_not_exceed_the_visitors(tenants: Tenants, api: ApiClient) -> None:
    key = _office(tenants, api)
    response = api.post("/v1/reports", json=report(visitors=20, women=15, men=10, children=None), key=key)
    assert response.status == 422
    (detail,) = response.json["error"]["details"]
    assert detail["field"] == "men"
    assert "women + men <= visitors" in detail["message"]
    assert api.post("/v1/reports", json=report(visitors=20, women=12, men=8), key=key).status == 201


def test_a_correction_is_held_to_the_same_rules(tenants: Tenants, api: ApiClient) -> None:
    key = _office(tenants, api)
    body = report(visitors=20, women=10)
    api.post("/v1/reports", json=body, key=key)
    content = {k: v for k, v in body.items() if k != "submission_id"}
    for change in ({"visitors": 100_000}, {"men": 11}):
        response = api.put(
            f"/v1/reports/{body['submission_id']}", json={**content, **change, "expected_version": 1}, key=key
        )
        assert response.status == 422, response.text


def test_the_partitions_are_declared_as_data_for_forms() -> None:
    from chalicelib.schemas.report_types import ActivityFields, VisitsFields

    assert [p.rule() for p in VisitsFields.partitions][:1] == ["women + men <= visitors"]
    assert all(p.total == "participants" for p in ActivityFields.partitions)
    assert VisitsFields.model_fields["visitors"].metadata[-1].le == 99_999


def test_a_realized_budget_absurdly_above_its_pledge_is_refused(tenants: Tenants, api: ApiClient) -> None:
    grobogan = tenants.create(GROBOGAN)
    commitment = new_commitment(api, grobogan, amount_idr=25_000_000)
    cid = commitment["commitment_id"]
    assert transition(api, grobogan.admin, cid, "committed", 1).status == 201
    absurd = transition(api, grobogan.admin, cid, "fulfilled", 2, realized_amount_idr=999_999_999_999_999)
    assert absurd.status == 422
    ten_times = transition(api, grobogan.admin, cid, "fulfilled", 2, realized_amount_idr=250_000_001)
    assert ten_times.status == 422
    (detail,) = ten_times.json["error"]["details"]
    assert detail["field"] == "realized_amount_idr" and "250000000" in detail["message"]
    assert (detail["code"], detail["params"]) == ("at_most", {"limit": 250_000_000}), "the console words it"
    assert api.get(f"/v1/commitments/{cid}", key=grobogan.admin).json["status"] == "committed"
    above = transition(api, grobogan.admin, cid, "fulfilled", 2, realized_amount_idr=30_000_000)
    assert above.status == 201  # above the pledge, within reason


def test_a_pledge_above_any_regency_budget_is_refused(tenants: Tenants, api: ApiClient) -> None:
    grobogan = tenants.create(GROBOGAN)
    from tests.advocacy import commitment_payload, new_stakeholder

    stakeholder = new_stakeholder(api, grobogan)
    body = commitment_payload(stakeholder["stakeholder_id"], amount_idr=999_999_999_999_999)
    response = api.post("/v1/commitments", key=grobogan.admin, json=body)
    assert response.status == 422
    assert [d["field"] for d in response.json["error"]["details"]] == ["amount_idr"]
