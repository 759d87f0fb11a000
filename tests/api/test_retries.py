"""A retried advocacy action with an Idempotency-Key is stored once; the key with another body is refused."""

from __future__ import annotations

from tests.advocacy import new_commitment
from tests.factories import GROBOGAN, Tenants
from tests.http_client import ApiClient

ACTION = {"date": "2026-11-02", "kind": "meeting", "note": "Audiensi dengan kepala desa"}


def test_a_retried_action_returns_the_first_and_stores_one(tenants: Tenants, api: ApiClient) -> None:
    grobogan = tenants.create(GROBOGAN)
    commitment = new_commitment(api, grobogan)
    path = f"/v1/commitments/{commitment['commitment_id']}/actions"
    headers = {"idempotency-key": "phone-42-action-1"}
    answers = [api.post(path, key=grobogan.admin, json=ACTION, headers=headers) for _ in range(3)]
    assert [a.status for a in answers] == [201, 201, 201]
    assert len({a.json["action_id"] for a in answers}) == 1
    stored = api.get(f"/v1/commitments/{commitment['commitment_id']}", key=grobogan.admin).json["actions"]
    assert [a["action_id"] for a in stored] == [answers[0].json["action_id"]]


def test_the_same_key_with_another_action_is_refused(tenants: Tenants, api: ApiClient) -> None:
    grobogan = tenants.create(GROBOGAN)
    commitment = new_commitment(api, grobogan)
    path = f"/v1/commitments/{commitment['commitment_id']}/actions"
    headers = {"idempotency-key": "phone-42-action-2"}
    assert api.post(path, key=grobogan.admin, json=ACTION, headers=headers).status == 201
    other = api.post(path, key=grobogan.admin, json={**ACTION, "note": "Surat"}, headers=headers)
    assert other.status == 422
    assert [d["field"] for d in other.json["error"]["details"]] == ["Idempotency-Key"]


def test_without_a_key_each_post_is_a_new_action(tenants: Tenants, api: ApiClient) -> None:
    grobogan = tenants.create(GROBOGAN)
    commitment = new_commitment(api, grobogan)
    path = f"/v1/commitments/{commitment['commitment_id']}/actions"
    for _ in range(2):
        assert api.post(path, key=grobogan.admin, json=ACTION).status == 201
    assert len(api.get(f"/v1/commitments/{commitment['commitment_id']}", key=grobogan.admin).json["actions"]) == 2
