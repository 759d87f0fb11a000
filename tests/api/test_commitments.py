"""Stakeholder commitments over the API: the workflow, its refusals, reading, roles and tenants."""

from __future__ import annotations

from typing import Any

from tests.advocacy import commitment_payload, new_commitment, new_stakeholder, stakeholder_payload, transition
from tests.factories import GROBOGAN, GROBOGAN_VILLAGES, PATI, PATI_VILLAGE, Tenants, every_page
from tests.http_client import ApiClient

VILLAGE, OTHER_VILLAGE = GROBOGAN_VILLAGES


def test_a_commitment_goes_from_proposed_to_committed_to_fulfilled_with_its_history(
    tenants: Tenants, api: ApiClient
) -> None:
    grobogan = tenants.create(GROBOGAN)
    created = new_commitment(api, grobogan, village_code=VILLAGE)
    assert (created["status"], created["version"], created["overdue"]) == ("proposed", 1, False)
    cid = created["commitment_id"]

    committed = transition(api, grobogan.admin, cid, "committed", 1, note="Disepakati di musdes")
    assert committed.status == 201, committed.text
    assert committed.json["commitment"]["version"] == 2
    fulfilled = transition(
        api,
        grobogan.admin,
        cid,
        "fulfilled",
        2,
        realized_amount_idr=20_000_000,
        evidence_url="https://example.id/apbdes-2026.pdf",
    )
    assert fulfilled.status == 201, fulfilled.text

    detail = api.get(f"/v1/commitments/{cid}", key=grobogan.viewer).json
    assert (detail["status"], detail["version"], detail["realized_amount_idr"]) == ("fulfilled", 3, 20_000_000)
    steps = [(t["from_status"], t["to_status"], t["version"]) for t in detail["transitions"]]
    assert steps == [("proposed", "committed", 2), ("committed", "fulfilled", 3)]
    assert detail["transitions"][0]["note"] == "Disepakati di musdes"
    assert detail["transitions"][1]["evidence_url"] == "https://example.id/apbdes-2026.pdf"
    assert all(t["by"] == grobogan.key_ids["admin"] for t in detail["transitions"])


def test_an_illegal_transition_answers_422_naming_the_allowed_ones(tenants: Tenants, api: ApiClient) -> None:
    grobogan = tenants.create(GROBOGAN)
    cid = new_commitment(api, grobogan)["commitment_id"]
    refused = transition(api, grobogan.admin, cid, "fulfilled", 1, realized_amount_idr=1)
    assert refused.status == 422
    assert refused.error_code == "invalid_transition"
    assert "committed, withdrawn" in refused.json["error"]["message"]
    assert transition(api, grobogan.admin, cid, "withdrawn", 1).status == 201
    final = transition(api, grobogan.admin, cid, "committed", 2)
    assert final.status == 422 and "final" in final.json["error"]["message"]
    assert api.get(f"/v1/commitments/{cid}", key=grobogan.admin).json["version"] == 2


def test_a_stale_expected_version_answers_409_and_changes_nothing(tenants: Tenants, api: ApiClient) -> None:
    grobogan = tenants.create(GROBOGAN)
    cid = new_commitment(api, grobogan)["commitment_id"]
    assert transition(api, grobogan.admin, cid, "committed", 1).status == 201
    stale = transition(api, grobogan.admin, cid, "withdrawn", 1)
    assert stale.status == 409
    assert stale.error_code == "version_conflict"
    detail = api.get(f"/v1/commitments/{cid}", key=grobogan.admin).json
    assert (detail["status"], detail["version"], len(detail["transitions"])) == ("committed", 2, 1)


def test_budget_amounts_are_required_where_the_rules_say(tenants: Tenants, api: ApiClient) -> None:
    grobogan = tenants.create(GROBOGAN)
    sid = new_stakeholder(api, grobogan)["stakeholder_id"]
    no_amount = api.post("/v1/commitments", key=grobogan.admin, json=commitment_payload(sid, amount_idr=None))
    assert no_amount.status == 422
    assert [(d["field"], d["code"]) for d in no_amount.json["error"]["details"]] == [("amount_idr", "required")]
    policy = new_commitment(api, grobogan, sid, kind="policy", amount_idr=None)
    assert policy["amount_idr"] is None
    budget = new_commitment(api, grobogan, sid)
    assert transition(api, grobogan.admin, budget["commitment_id"], "committed", 1).status == 201
    no_realized = transition(api, grobogan.admin, budget["commitment_id"], "fulfilled", 2)
    assert no_realized.status == 422
    assert [(d["field"], d["code"]) for d in no_realized.json["error"]["details"]] == [
        ("realized_amount_idr", "required")
    ]


def test_a_past_due_date_is_allowed_to_record_history(tenants: Tenants, api: ApiClient) -> None:
    grobogan = tenants.create(GROBOGAN)
    assert new_commitment(api, grobogan, due_date="2019-06-30")["due_date"] == "2019-06-30"


def test_villages_must_be_real_villages_of_the_regency(tenants: Tenants, api: ApiClient) -> None:
    grobogan = tenants.create(GROBOGAN)
    for code in (PATI_VILLAGE, "33.15.01.9999"):
        refused = api.post("/v1/stakeholders", key=grobogan.admin, json=stakeholder_payload(village_code=code))
        assert refused.status == 422, code
        assert [d["field"] for d in refused.json["error"]["details"]] == ["village_code"]
    sid = new_stakeholder(api, grobogan)["stakeholder_id"]
    refused = api.post("/v1/commitments", key=grobogan.admin, json=commitment_payload(sid, village_code=PATI_VILLAGE))
    assert refused.status == 422
    malformed = api.post("/v1/commitments", key=grobogan.admin, json=commitment_payload(sid, village_code="33.15"))
    assert malformed.status == 422


def test_a_commitment_takes_its_stakeholders_village_unless_one_is_sent(tenants: Tenants, api: ApiClient) -> None:
    grobogan = tenants.create(GROBOGAN)
    sid = new_stakeholder(api, grobogan, village_code=VILLAGE)["stakeholder_id"]
    assert new_commitment(api, grobogan, sid)["village_code"] == VILLAGE
    assert new_commitment(api, grobogan, sid, village_code=OTHER_VILLAGE)["village_code"] == OTHER_VILLAGE
    assert new_commitment(api, grobogan, sid, village_code=None)["village_code"] is None


def test_an_unknown_or_foreign_stakeholder_cannot_receive_a_commitment(tenants: Tenants, api: ApiClient) -> None:
    grobogan, pati = tenants.create(GROBOGAN), tenants.create(PATI)
    foreign = new_stakeholder(api, pati)["stakeholder_id"]
    for sid in (foreign, "0000000000000000", "not-an-id"):
        refused = api.post("/v1/commitments", key=grobogan.admin, json=commitment_payload(sid))
        assert refused.status == 422
        assert refused.json["error"]["details"] == [{"field": "stakeholder_id", "message": "no such stakeholder"}]
        assert foreign not in refused.text


def test_operators_and_viewers_write_nothing(tenants: Tenants, api: ApiClient) -> None:
    grobogan = tenants.create(GROBOGAN)
    created = new_commitment(api, grobogan, village_code=VILLAGE)
    cid, sid = created["commitment_id"], created["stakeholder_id"]
    writes: list[tuple[str, str, Any]] = [
        ("POST", "/v1/stakeholders", stakeholder_payload(village_code=VILLAGE)),
        ("PATCH", f"/v1/stakeholders/{sid}", {"name": "x"}),
        ("POST", "/v1/commitments", commitment_payload(sid, village_code=VILLAGE)),
        ("POST", f"/v1/commitments/{cid}/transitions", {"to": "committed", "expected_version": 1}),
        ("POST", f"/v1/commitments/{cid}/actions", {"date": "2026-01-05", "kind": "visit", "note": "x"}),
    ]
    for key in (grobogan.operator, grobogan.viewer):
        for method, path, body in writes:
            response = api.request(method, path, key=key, json=body)
            assert response.status == 403, (method, path, response.text)
    assert api.get(f"/v1/commitments/{cid}", key=grobogan.admin).json["version"] == 1


def test_an_operator_reads_only_its_villages_commitments(tenants: Tenants, api: ApiClient) -> None:
    grobogan = tenants.create(GROBOGAN, operator_villages=(VILLAGE,))
    head = new_stakeholder(api, grobogan, village_code=VILLAGE)
    other_head = new_stakeholder(api, grobogan, village_code=OTHER_VILLAGE)
    regent = new_stakeholder(api, grobogan, name="Bupati", kind="regent", position="Bupati")
    mine = new_commitment(api, grobogan, head["stakeholder_id"])
    theirs = new_commitment(api, grobogan, other_head["stakeholder_id"])
    regency = new_commitment(api, grobogan, regent["stakeholder_id"])
    assert api.get(f"/v1/commitments/{mine['commitment_id']}", key=grobogan.operator).status == 200
    for hidden in (theirs, regency):
        assert api.get(f"/v1/commitments/{hidden['commitment_id']}", key=grobogan.operator).status == 404
    listed = api.get("/v1/commitments", key=grobogan.operator).json["items"]
    assert [c["commitment_id"] for c in listed] == [mine["commitment_id"]]
    stakeholders = api.get("/v1/stakeholders", key=grobogan.operator).json["items"]
    assert [s["stakeholder_id"] for s in stakeholders] == [head["stakeholder_id"]]
    assert api.get(f"/v1/stakeholders/{regent['stakeholder_id']}", key=grobogan.operator).status == 404
    assert len(api.get("/v1/commitments", key=grobogan.viewer).json["items"]) == 3


def test_another_tenants_ids_answer_404_like_missing_ones(tenants: Tenants, api: ApiClient) -> None:
    grobogan, pati = tenants.create(GROBOGAN), tenants.create(PATI)
    foreign = new_commitment(api, pati)
    cid, sid = foreign["commitment_id"], foreign["stakeholder_id"]
    missing = "0123456789abcdef"
    transitions: list[tuple[str, dict[str, Any] | None]] = [
        ("/v1/commitments/{}", None),
        ("/v1/stakeholders/{}", None),
        ("/v1/commitments/{}/transitions", {"to": "committed", "expected_version": 1}),
    ]
    for path, body in transitions:
        real = path.format(cid if "commitments" in path else sid)
        method = "POST" if body else "GET"
        payload: dict[str, Any] = {"json": body} if body else {}
        got = api.request(method, real, key=grobogan.admin, **payload)
        absent = api.request(method, path.format(missing), key=grobogan.admin, **payload)
        assert got.status == absent.status == 404
        assert got.text == absent.text
    assert api.get(f"/v1/commitments/{cid}", key=pati.admin).json["version"] == 1


def test_national_keys_have_no_commitments(tenants: Tenants, api: ApiClient) -> None:
    national = tenants.national_viewer()
    for key in (national, tenants.admin_key):
        assert api.get("/v1/commitments", key=key).status == 403
        assert api.get("/v1/stakeholders", key=key).status == 403


def test_commitments_are_listed_by_due_date_filtered_and_paged(tenants: Tenants, api: ApiClient) -> None:
    grobogan = tenants.create(GROBOGAN)
    head = new_stakeholder(api, grobogan, village_code=VILLAGE)["stakeholder_id"]
    regent = new_stakeholder(api, grobogan, kind="regent", name="Bupati")["stakeholder_id"]
    dues = ["2027-03-01", "2026-12-01", "2027-01-15"]
    made = [new_commitment(api, grobogan, head, due_date=d) for d in dues]
    new_commitment(api, grobogan, regent, kind="policy", amount_idr=None, due_date="2026-11-30")
    assert transition(api, grobogan.admin, made[0]["commitment_id"], "committed", 1).status == 201

    everything = api.get("/v1/commitments", key=grobogan.viewer).json["items"]
    assert [c["due_date"] for c in everything] == ["2026-11-30", "2026-12-01", "2027-01-15", "2027-03-01"]
    committed = api.get("/v1/commitments?status=committed", key=grobogan.viewer).json["items"]
    assert [c["commitment_id"] for c in committed] == [made[0]["commitment_id"]]
    of_head = api.get(f"/v1/commitments?stakeholder_id={head}", key=grobogan.viewer).json["items"]
    assert [c["due_date"] for c in of_head] == ["2026-12-01", "2027-01-15", "2027-03-01"]
    in_village = api.get(f"/v1/commitments?village_code={VILLAGE}&status=proposed", key=grobogan.viewer).json
    assert len(in_village["items"]) == 2
    assert api.get("/v1/commitments?overdue=true", key=grobogan.viewer).json["items"] == []

    pages = [[c["due_date"] for c in page] for page in every_page(api, "/v1/commitments?limit=3", grobogan.viewer)]
    assert [d for page in pages for d in page] == [c["due_date"] for c in everything]
    assert pages[0] == ["2026-11-30", "2026-12-01", "2027-01-15"]


def test_a_cursor_from_another_listing_is_refused(tenants: Tenants, api: ApiClient) -> None:
    grobogan = tenants.create(GROBOGAN)
    for _ in range(2):
        new_commitment(api, grobogan)
    cursor = api.get("/v1/stakeholders?limit=1", key=grobogan.admin).json["next_cursor"]
    refused = api.get(f"/v1/commitments?cursor={cursor}", key=grobogan.admin)
    assert refused.status == 400 and refused.error_code == "invalid_cursor"


def test_a_stakeholder_is_updated_and_shows_its_commitments(tenants: Tenants, api: ApiClient) -> None:
    grobogan = tenants.create(GROBOGAN)
    stakeholder = new_stakeholder(api, grobogan, contact="0812-0000-0000")
    sid = stakeholder["stakeholder_id"]
    new_commitment(api, grobogan, sid, due_date="2027-01-01")
    new_commitment(api, grobogan, sid, due_date="2026-12-01", kind="facility", amount_idr=None)
    updated = api.patch(
        f"/v1/stakeholders/{sid}", key=grobogan.admin, json={"organization": "Desa Tarub", "contact": None}
    )
    assert updated.status == 200, updated.text
    assert (updated.json["organization"], updated.json["contact"], updated.json["version"]) == ("Desa Tarub", None, 2)
    assert updated.json["name"] == stakeholder["name"]
    cleared_name = api.patch(f"/v1/stakeholders/{sid}", key=grobogan.admin, json={"name": None})
    assert cleared_name.status == 422
    foreign_village = api.patch(f"/v1/stakeholders/{sid}", key=grobogan.admin, json={"village_code": PATI_VILLAGE})
    assert foreign_village.status == 422
    detail = api.get(f"/v1/stakeholders/{sid}", key=grobogan.viewer).json
    assert [c["due_date"] for c in detail["commitments"]] == ["2026-12-01", "2027-01-01"]
    by_kind = api.get("/v1/stakeholders?kind=village_head", key=grobogan.viewer).json["items"]
    assert [s["stakeholder_id"] for s in by_kind] == [sid]
    assert api.get("/v1/stakeholders?kind=regent", key=grobogan.viewer).json["items"] == []


def test_advocacy_actions_are_logged_and_read_in_date_order(tenants: Tenants, api: ApiClient) -> None:
    grobogan = tenants.create(GROBOGAN)
    cid = new_commitment(api, grobogan)["commitment_id"]
    for day, kind in (("2026-03-10", "visit"), ("2026-02-01", "letter")):
        logged = api.post(
            f"/v1/commitments/{cid}/actions",
            key=grobogan.admin,
            json={"date": day, "kind": kind, "note": "Audiensi", "next_step": "Surat", "next_step_due": "2026-04-01"},
        )
        assert logged.status == 201, logged.text
    detail = api.get(f"/v1/commitments/{cid}", key=grobogan.viewer).json
    assert [(a["date"], a["kind"]) for a in detail["actions"]] == [("2026-02-01", "letter"), ("2026-03-10", "visit")]
    assert detail["version"] == 1  # actions are not workflow steps
    future = api.post(
        f"/v1/commitments/{cid}/actions", key=grobogan.admin, json={"date": "2099-01-01", "kind": "visit", "note": "x"}
    )
    assert future.status == 422
    assert [(d["field"], d["code"]) for d in future.json["error"]["details"]] == [("date", "in_future")]
    step_first = {
        "date": "2026-03-10",
        "kind": "visit",
        "note": "x",
        "next_step": "Surat",
        "next_step_due": "2026-03-01",
    }
    early = api.post(f"/v1/commitments/{cid}/actions", key=grobogan.admin, json=step_first)
    assert early.status == 422
    problems = [(d["field"], d["code"], d.get("params")) for d in early.json["error"]["details"]]
    assert problems == [("next_step_due", "before", {"other": "date"})]
    assert len(api.get(f"/v1/commitments/{cid}", key=grobogan.viewer).json["actions"]) == 2, "nothing logged"


def test_counted_transitions_mark_the_change_feed_of_their_scope(tenants: Tenants, api: ApiClient) -> None:
    from chalicelib.repositories import changes

    grobogan = tenants.create(GROBOGAN)
    in_village = new_commitment(api, grobogan, village_code=VILLAGE)["commitment_id"]
    regency = new_commitment(api, grobogan, kind="policy", amount_idr=None)["commitment_id"]
    assert changes.pending() == []  # proposals are not counted
    transition(api, grobogan.admin, in_village, "committed", 1)
    transition(api, grobogan.admin, regency, "committed", 1)
    scopes = {scope for marker in changes.pending() for scope in marker.scopes}
    assert scopes == {VILLAGE, changes.REGENCY_SCOPE}


def test_an_idempotency_key_makes_a_retried_create_return_the_first_result(tenants: Tenants, api: ApiClient) -> None:
    grobogan, pati = tenants.create(GROBOGAN), tenants.create(PATI)
    headers = {"Idempotency-Key": "phone-42-create-1"}
    first = api.post("/v1/stakeholders", key=grobogan.admin, json=stakeholder_payload(), headers=headers)
    again = api.post("/v1/stakeholders", key=grobogan.admin, json=stakeholder_payload(), headers=headers)
    assert first.status == again.status == 201
    assert first.json == again.json
    assert len(api.get("/v1/stakeholders", key=grobogan.admin).json["items"]) == 1
    other_body = api.post("/v1/stakeholders", key=grobogan.admin, json=stakeholder_payload(name="X"), headers=headers)
    assert other_body.status == 422
    other_tenant = api.post("/v1/stakeholders", key=pati.admin, json=stakeholder_payload(), headers=headers)
    assert other_tenant.status == 201 and other_tenant.json["stakeholder_id"] != first.json["stakeholder_id"]

    sid = first.json["stakeholder_id"]
    made = [
        api.post("/v1/commitments", key=grobogan.admin, json=commitment_payload(sid), headers={"Idempotency-Key": "c1"})
        for _ in range(2)
    ]
    assert made[0].json["commitment_id"] == made[1].json["commitment_id"]
    assert len(api.get("/v1/commitments", key=grobogan.admin).json["items"]) == 1
    refused = api.post(
        "/v1/commitments",
        key=grobogan.admin,
        json=commitment_payload(sid, amount_idr=None),
        headers={"Idempotency-Key": "c2"},
    )
    assert refused.status == 422  # a refused request stores nothing: the same key may be used again
    assert (
        api.post(
            "/v1/commitments", key=grobogan.admin, json=commitment_payload(sid), headers={"Idempotency-Key": "c2"}
        ).status
        == 201
    )
