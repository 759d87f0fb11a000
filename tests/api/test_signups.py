"""Sign-up applications: none reserves a regency; the platform admin approves one or rejects any."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.factories import GROBOGAN, PATI, Tenants, every_page, signup_payload
from tests.http_client import ApiClient

CLOSED_REASON = "another application for this regency was approved"


def apply(api: ApiClient, regency: str = GROBOGAN, **overrides: Any) -> dict[str, Any]:
    """Submit an application (asserting it was accepted); its answer."""
    response = api.post("/v1/signup", json=signup_payload(regency, **overrides))
    assert response.status == 202, response.text
    return dict(response.json)


def test_an_application_is_accepted_with_an_id_to_follow_it_and_an_expiry(api: ApiClient, admin_key: str) -> None:
    answer = apply(api)
    assert answer["tenant_id"] == GROBOGAN and answer["status"] == "pending"
    assert len(answer["application_id"]) == 36
    followed = api.get(f"/v1/signup/{answer['application_id']}")
    assert followed.status == 200
    application = followed.json["application"]
    assert application["status"] == "pending" and application["regency_name"] == "Kabupaten Grobogan"
    assert application["expires_at"] == answer["expires_at"]
    assert "contact_email" not in application and "sri@example.id" not in followed.text
    listed = api.get("/v1/admin/signups?status=pending", key=admin_key).json["items"]
    assert [(a["application_id"], a["contact_email"], a["province_name"]) for a in listed] == [
        (answer["application_id"], "sri@example.id", "Jawa Tengah")
    ]
    assert api.get("/v1/admin/tenants", key=admin_key).json["items"] == []  # no tenant before approval


def test_a_second_application_for_a_pending_regency_is_accepted(api: ApiClient, admin_key: str) -> None:
    squatter = apply(api, office_name="Not the office", contact_email="squat@example.com")
    real = apply(api)
    waiting = api.get(f"/v1/admin/signups?tenant_id={GROBOGAN}", key=admin_key).json["items"]
    assert [a["application_id"] for a in waiting] == [squatter["application_id"], real["application_id"]]
    assert {a["status"] for a in waiting} == {"pending"}


def test_the_admin_rejects_an_application_with_a_reason_the_applicant_reads(api: ApiClient, admin_key: str) -> None:
    squatter = apply(api, office_name="Not the office")
    real = apply(api)
    rejected = api.post(
        f"/v1/admin/signups/{squatter['application_id']}/reject", key=admin_key, json={"reason": "not a library office"}
    )
    assert rejected.status == 200, rejected.text
    assert rejected.json["application"]["status"] == "rejected"
    seen = api.get(f"/v1/signup/{squatter['application_id']}").json["application"]
    assert seen["status"] == "rejected" and seen["reason"] == "not a library office" and seen["decided_at"]
    assert api.get(f"/v1/signup/{real['application_id']}").json["application"]["status"] == "pending"
    again = api.post(f"/v1/admin/signups/{squatter['application_id']}/reject", key=admin_key, json={"reason": "x"})
    assert again.status == 409
    approve_rejected = api.post(f"/v1/admin/signups/{squatter['application_id']}/approve", key=admin_key)
    assert approve_rejected.status == 409
    assert api.get("/v1/admin/tenants", key=admin_key).json["items"] == []


@pytest.mark.parametrize("reason", ["", "x" * 501, None])
def test_a_rejection_needs_a_reason_of_1_to_500_characters(api: ApiClient, admin_key: str, reason: Any) -> None:
    application = apply(api)
    body = {} if reason is None else {"reason": reason}
    response = api.post(f"/v1/admin/signups/{application['application_id']}/reject", key=admin_key, json=body)
    assert response.status == 422
    assert [d["field"] for d in response.json["error"]["details"]] == ["reason"]
    assert api.get(f"/v1/signup/{application['application_id']}").json["application"]["status"] == "pending"


def test_approving_one_application_closes_the_others_of_its_regency(api: ApiClient, admin_key: str) -> None:
    first, second, third = apply(api, office_name="A"), apply(api, office_name="B"), apply(api, office_name="C")
    other_regency = apply(api, PATI)
    approved = api.post(f"/v1/admin/signups/{second['application_id']}/approve", key=admin_key)
    assert approved.status == 200, approved.text
    assert approved.headers["cache-control"] == "no-store"
    assert approved.json["tenant"]["tenant_id"] == GROBOGAN and approved.json["tenant"]["office_name"] == "B"
    assert sorted(approved.json["closed"]) == sorted([first["application_id"], third["application_id"]])
    assert api.get("/v1/tenant", key=approved.json["admin_key"]["secret"]).status == 200
    for closed in (first, third):
        seen = api.get(f"/v1/signup/{closed['application_id']}").json["application"]
        assert (seen["status"], seen["reason"]) == ("closed", CLOSED_REASON)
        assert api.post(f"/v1/admin/signups/{closed['application_id']}/approve", key=admin_key).status == 409
    assert api.get(f"/v1/signup/{second['application_id']}").json["application"]["status"] == "approved"
    assert api.get(f"/v1/signup/{other_regency['application_id']}").json["application"]["status"] == "pending"
    again = api.post(f"/v1/admin/signups/{second['application_id']}/approve", key=admin_key)
    assert again.status == 409
    assert [k["role"] for k in api.get("/v1/keys", key=approved.json["admin_key"]["secret"]).json["items"]] == [
        "district_admin"
    ]


@pytest.mark.parametrize("suspend", [False, True])
def test_a_regency_with_a_tenant_refuses_new_applications(
    tenants: Tenants, api: ApiClient, admin_key: str, suspend: bool
) -> None:
    tenants.create(GROBOGAN)
    if suspend:
        assert api.post(f"/v1/admin/tenants/{GROBOGAN}/suspend", key=admin_key).status == 200
    response = api.post("/v1/signup", json=signup_payload(GROBOGAN))
    assert response.status == 409
    assert response.error_code == "tenant_exists"
    assert api.get(f"/v1/admin/signups?tenant_id={GROBOGAN}&status=pending", key=admin_key).json["items"] == []


def test_a_pending_application_expires_after_30_days_and_cannot_be_approved(api: ApiClient, admin_key: str) -> None:
    from chalicelib.clock import utcnow
    from chalicelib.schemas.tenants import SignupRequest
    from chalicelib.services import signups

    old = signups.submit(
        data=SignupRequest(**signup_payload(GROBOGAN)), source="192.0.2.1", now=utcnow() - timedelta(days=30, hours=1)
    )
    fresh = apply(api, PATI)
    seen = api.get(f"/v1/signup/{old.application_id}").json["application"]
    assert seen["status"] == "expired"
    refused = api.post(f"/v1/admin/signups/{old.application_id}/approve", key=admin_key)
    assert refused.status == 409
    assert api.post(f"/v1/admin/tenants/{GROBOGAN}/approve", key=admin_key).status == 404
    expired = api.get("/v1/admin/signups?status=expired", key=admin_key).json["items"]
    pending = api.get("/v1/admin/signups?status=pending", key=admin_key).json["items"]
    assert [a["application_id"] for a in expired] == [old.application_id]
    assert [a["application_id"] for a in pending] == [fresh["application_id"]]
    assert apply(api)["status"] == "pending"  # the regency can apply again


def test_the_tenant_route_approves_the_only_pending_application(api: ApiClient, admin_key: str) -> None:
    application = apply(api)
    approved = api.post(f"/v1/admin/tenants/{GROBOGAN}/approve", key=admin_key)
    assert approved.status == 200, approved.text
    assert approved.json["admin_key"]["role"] == "district_admin"
    assert api.get(f"/v1/signup/{application['application_id']}").json["application"]["status"] == "approved"


def test_the_tenant_route_refuses_to_choose_between_several_applications(api: ApiClient, admin_key: str) -> None:
    ids = {apply(api, office_name="A")["application_id"], apply(api, office_name="B")["application_id"]}
    response = api.post(f"/v1/admin/tenants/{GROBOGAN}/approve", key=admin_key)
    assert response.status == 409
    assert response.error_code == "ambiguous_application"
    assert {d["message"] for d in response.json["error"]["details"]} == ids
    assert api.get("/v1/admin/tenants", key=admin_key).json["items"] == []


def test_an_unknown_or_malformed_application_id_is_not_found(api: ApiClient, admin_key: str) -> None:
    made = apply(api)
    assert api.get(f"/v1/signup/{made['application_id']}").status == 200  # the route is there
    for probe in ["00000000-0000-4000-8000-000000000000", "not-a-uuid", "33.15"]:
        assert api.get(f"/v1/signup/{probe}").status == 404, probe
        assert api.post(f"/v1/admin/signups/{probe}/approve", key=admin_key).status == 404, probe


def test_an_application_id_in_capitals_is_the_same_application(api: ApiClient) -> None:
    application = apply(api)
    upper = api.get(f"/v1/signup/{application['application_id'].upper()}")
    assert upper.status == 200
    assert upper.json["application"]["application_id"] == application["application_id"]


def test_sign_up_is_limited_per_source_address(api: ApiClient, admin_key: str) -> None:
    api.gateway.source_ip = "198.51.100.7"
    for _ in range(10):
        apply(api)
    refused = api.post("/v1/signup", json=signup_payload(PATI))
    assert refused.status == 429
    assert refused.error_code == "rate_limited"
    assert 1 <= int(refused.headers["retry-after"]) <= 3600
    assert api.get(f"/v1/admin/signups?tenant_id={PATI}", key=admin_key).json["items"] == []
    api.gateway.source_ip = "198.51.100.8"  # another office is not held back
    assert apply(api, PATI)["status"] == "pending"


def test_only_the_platform_admin_lists_and_decides_applications(tenants: Tenants, api: ApiClient) -> None:
    grobogan = tenants.create(GROBOGAN)
    application = apply(api, PATI)
    path = f"/v1/admin/signups/{application['application_id']}"
    for secret in (grobogan.admin, grobogan.operator, grobogan.viewer, tenants.national_viewer()):
        assert api.get("/v1/admin/signups", key=secret).status == 403
        assert api.post(f"{path}/approve", key=secret).status == 403
        assert api.post(f"{path}/reject", key=secret, json={"reason": "x"}).status == 403
    assert api.get("/v1/admin/signups").status == 401
    assert api.get(f"/v1/signup/{application['application_id']}").json["application"]["status"] == "pending"


def test_the_application_list_pages_with_a_cursor(api: ApiClient, admin_key: str) -> None:
    made = [apply(api, code)["application_id"] for code in (GROBOGAN, PATI, "13.07", "13.72", GROBOGAN)]
    for query in ("status=pending&", ""):
        pages = every_page(api, f"/v1/admin/signups?{query}limit=2", admin_key)
        seen = [a["application_id"] for page in pages for a in page]
        assert sorted(seen) == sorted(made), query
    by_status = api.get("/v1/admin/signups?status=pending&limit=2", key=admin_key).json["next_cursor"]
    foreign = api.get(f"/v1/admin/signups?tenant_id={PATI}&cursor={by_status}", key=admin_key)
    assert foreign.status == 400  # a cursor of another listing is refused, never followed


def test_the_local_server_counts_sign_ups_by_the_clients_own_address(aws: None) -> None:
    """Served over real HTTP, the limit is keyed by the address the connection came from, which the
    local gateway puts where API Gateway does (requestContext.identity.sourceIp)."""
    import http.client
    import json
    import threading

    import boto3
    from chalice.config import Config
    from chalice.local import LocalDevServer

    from app import app
    from chalicelib.config import get_settings
    from devstack.gateway import RequestHandler, Server, make_thread_safe

    server = LocalDevServer(
        make_thread_safe(app), Config.create(), "127.0.0.1", 0, handler_cls=RequestHandler, server_cls=Server
    )
    thread = threading.Thread(target=server.server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server.server_address[1]
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=("127.0.0.3", 0))
        connection.request(
            "POST", "/v1/signup", json.dumps(signup_payload(GROBOGAN)), {"Content-Type": "application/json"}
        )
        response = connection.getresponse()
        assert response.status == 202, response.read()
        connection.close()
    finally:
        server.server.shutdown()
        server.server.server_close()
    table = get_settings().table_name("rate_limits")
    counters = boto3.client("dynamodb").scan(TableName=table)["Items"]
    assert [item["pk"]["S"].split("#")[1] for item in counters] == ["127.0.0.3"]


def test_two_approvals_for_one_regency_at_once_make_one_tenant(api: ApiClient, admin_key: str) -> None:
    import threading

    ids = [apply(api, office_name=name)["application_id"] for name in ("A", "B")]
    statuses: list[int] = []
    barrier = threading.Barrier(2)

    def approve(application_id: str) -> None:
        barrier.wait()
        statuses.append(api.post(f"/v1/admin/signups/{application_id}/approve", key=admin_key).status)

    threads = [threading.Thread(target=approve, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 409]
    assert [t["tenant_id"] for t in api.get("/v1/admin/tenants", key=admin_key).json["items"]] == [GROBOGAN]
    keys = api.get(f"/v1/admin/keys?tenant_id={GROBOGAN}", key=admin_key).json["items"]
    assert [k["role"] for k in keys] == ["district_admin"]
    states = sorted(api.get(f"/v1/signup/{i}").json["application"]["status"] for i in ids)
    assert states == ["approved", "closed"]


def test_a_pending_tenant_item_from_before_applications_does_not_block_its_regency(
    api: ApiClient, admin_key: str
) -> None:
    from chalicelib.clock import utcnow
    from chalicelib.repositories.tenants import TenantRecord

    TenantRecord(
        GROBOGAN,
        status="pending",
        regency_name="Kabupaten Grobogan",
        office_name="Old sign-up",
        contact_name="Sri",
        contact_email="sri@example.id",
        created_at=utcnow(),
    ).save()
    application = apply(api)
    approved = api.post(f"/v1/admin/signups/{application['application_id']}/approve", key=admin_key)
    assert approved.status == 200, approved.text
    assert approved.json["tenant"]["status"] == "active"
    assert api.get("/v1/tenant", key=approved.json["admin_key"]["secret"]).status == 200
