"""Over HTTP against the local stack: sign-up cannot be squatted, and every key can be found and revoked."""

from __future__ import annotations

from tests.e2e.conftest import HttpStack
from tests.factories import signup_payload

REGENCY = "35.07"  # Kabupaten Malang: no other e2e test uses it


def test_a_second_application_for_a_pending_regency_is_accepted_and_the_first_rejected(stack: HttpStack) -> None:
    status, squatter = stack.call("POST", "/v1/signup", signup_payload(REGENCY, office_name="Squatter"))
    assert status == 202, squatter
    status, real = stack.call("POST", "/v1/signup", signup_payload(REGENCY))
    assert status == 202, real
    assert real["status"] == "pending" and real["application_id"] != squatter["application_id"]
    status, waiting = stack.call("GET", f"/v1/admin/signups?tenant_id={REGENCY}&status=pending", key=stack.admin)
    assert status == 200
    assert {a["application_id"] for a in waiting["items"]} == {squatter["application_id"], real["application_id"]}
    status, rejected = stack.call(
        "POST",
        f"/v1/admin/signups/{squatter['application_id']}/reject",
        {"reason": "not the regency's library office"},
        key=stack.admin,
    )
    assert status == 200, rejected
    status, seen = stack.call("GET", f"/v1/signup/{squatter['application_id']}")
    assert (status, seen["application"]["status"]) == (200, "rejected")
    status, approved = stack.call("POST", f"/v1/admin/signups/{real['application_id']}/approve", key=stack.admin)
    assert status == 200, approved
    assert approved["tenant"]["tenant_id"] == REGENCY and approved["closed"] == []
    assert stack.call("GET", "/v1/tenant", key=approved["admin_key"]["secret"])[0] == 200


def test_a_national_viewer_key_is_listed_and_revoked_by_the_platform_admin(stack: HttpStack) -> None:
    body = {"role": "national_viewer", "label": "dashboard"}
    status, issued = stack.call("POST", "/v1/admin/keys", body, stack.admin)
    assert status == 201, issued
    assert stack.call("GET", "/v1/national/indicators?period=2026-Q4", key=issued["secret"])[0] == 200
    listed: dict[str, dict[str, object]] = {}
    cursor = ""
    for _ in range(100):  # a scan filtered by role: follow the cursor to the end
        status, page = stack.call("GET", f"/v1/admin/keys?role=national_viewer&limit=100{cursor}", key=stack.admin)
        assert status == 200, page
        listed.update({k["key_id"]: k for k in page["items"]})
        if not page["next_cursor"]:
            break
        cursor = f"&cursor={page['next_cursor']}"
    assert listed[issued["key_id"]]["label"] == "dashboard" and listed[issued["key_id"]]["status"] == "active"
    status, revoked = stack.call("DELETE", f"/v1/admin/keys/{issued['key_id']}", key=stack.admin)
    assert status == 200 and revoked["key"]["status"] == "revoked", revoked
    status, refused = stack.call("GET", "/v1/national/indicators?period=2026-Q4", key=issued["secret"])
    assert (status, refused["error"]["code"]) == (401, "unauthenticated")


def test_the_gateway_refuses_a_key_for_a_route_its_role_may_not_call_and_an_unknown_key(stack: HttpStack) -> None:
    status, issued = stack.call("POST", "/v1/admin/keys", {"role": "national_viewer", "label": "wall"}, stack.admin)
    assert status == 201, issued
    status, refused = stack.call("POST", "/v1/admin/keys", {"role": "national_viewer"}, key=issued["secret"])
    assert (status, refused["error"]["code"]) == (403, "forbidden"), refused
    assert refused["error"]["message"] == "this key's role may not call this route"  # the gateway's, not the view's
    assert stack.call("GET", "/v1/national/status", key=issued["secret"])[0] == 200
    status, unknown = stack.call("GET", "/v1/me", key="tpbis_0000000000000000_not-a-key")
    assert (status, unknown["error"]["code"]) == (401, "unauthenticated")
