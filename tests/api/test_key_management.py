"""Every key can be found, expired, rotated, changed and revoked; an ended key says why it is refused."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from typing import Any

import pytest

from tests.factories import GROBOGAN, GROBOGAN_VILLAGES, PATI, TenantKeys, Tenants
from tests.http_client import ApiClient


def _iso(delta: timedelta) -> str:
    from chalicelib.clock import utcnow

    return (utcnow() + delta).isoformat()


def _listed(api: ApiClient, key: str, query: str = "") -> dict[str, dict[str, Any]]:
    response = api.get(f"/v1/admin/keys{query}", key=key)
    assert response.status == 200, response.text
    return {k["key_id"]: k for k in response.json["items"]}


def _national(api: ApiClient, admin: str, **extra: Any) -> dict[str, Any]:
    response = api.post("/v1/admin/keys", key=admin, json={"role": "national_viewer", "label": "dash", **extra})
    assert response.status == 201, response.text
    return dict(response.json)


def test_the_platform_admin_lists_every_key_national_ones_included(tenants: Tenants, api: ApiClient) -> None:
    grobogan = tenants.create(GROBOGAN)
    pati = tenants.create(PATI)
    national = _national(api, tenants.admin_key)
    every = _listed(api, tenants.admin_key)
    assert set(grobogan.key_ids.values()) | set(pati.key_ids.values()) | {national["key_id"]} <= set(every)
    assert {k["role"] for k in every.values()} == {
        "platform_admin",
        "national_viewer",
        "district_admin",
        "operator",
        "viewer",
    }
    dash = every[national["key_id"]]
    assert (dash["tenant_id"], dash["label"], dash["status"], dash["revoked_at"]) == (None, "dash", "active", None)
    assert {"created_at", "last_used_at", "expires_at", "rotated_from"} <= set(dash)
    assert all("secret" not in k and "secret_hash" not in k for k in every.values())
    assert set(_listed(api, tenants.admin_key, "?role=national_viewer")) == {national["key_id"]}
    assert set(_listed(api, tenants.admin_key, f"?tenant_id={PATI}")) == set(pati.key_ids.values())
    assert set(_listed(api, tenants.admin_key, f"?tenant_id={PATI}&role=operator")) == {pati.key_ids["operator"]}


def test_the_platform_admin_revokes_a_national_viewer_key(tenants: Tenants, api: ApiClient) -> None:
    national = _national(api, tenants.admin_key)
    assert api.get("/v1/national/indicators?period=2026-Q4", key=national["secret"]).status == 200
    revoked = api.delete(f"/v1/admin/keys/{national['key_id']}", key=tenants.admin_key)
    assert revoked.status == 200, revoked.text
    assert revoked.json["key"]["status"] == "revoked" and revoked.json["key"]["revoked_at"]
    refused = api.get("/v1/national/indicators?period=2026-Q4", key=national["secret"])
    assert (refused.status, refused.error_code) == (401, "unauthenticated")
    assert _listed(api, tenants.admin_key, "?status=revoked")[national["key_id"]]["status"] == "revoked"
    assert national["key_id"] not in _listed(api, tenants.admin_key, "?status=active")
    again = api.delete(f"/v1/admin/keys/{national['key_id']}", key=tenants.admin_key)
    assert again.status == 200 and again.json["key"]["revoked_at"] == revoked.json["key"]["revoked_at"]
    assert api.delete("/v1/admin/keys/0000000000000000", key=tenants.admin_key).status == 404


def test_the_platform_admin_revokes_any_tenants_key(tenants: Tenants, api: ApiClient) -> None:
    grobogan = tenants.create(GROBOGAN)
    assert api.delete(f"/v1/admin/keys/{grobogan.key_ids['operator']}", key=tenants.admin_key).status == 200
    assert api.get("/v1/villages", key=grobogan.operator).error_code == "unauthenticated"
    assert api.get("/v1/tenant", key=grobogan.viewer).status == 200


def test_a_revoked_key_and_a_wrong_secret_for_it_get_the_same_answer(tenants: Tenants, api: ApiClient) -> None:
    grobogan = tenants.create(GROBOGAN)
    api.delete(f"/v1/keys/{grobogan.key_ids['viewer']}", key=grobogan.admin)
    forged = grobogan.viewer[:-4] + ("AAAA" if not grobogan.viewer.endswith("AAAA") else "BBBB")
    response = api.get("/v1/tenant", key=forged)
    assert (response.status, response.error_code) == (401, "unauthenticated")
    assert api.get("/v1/tenant", key=grobogan.viewer).json == response.json  # no one learns it once existed


def test_a_key_may_carry_an_expiry_at_most_two_years_ahead(tenants: Tenants, api: ApiClient) -> None:
    grobogan = tenants.create(GROBOGAN)
    expiry = _iso(timedelta(days=90))
    made = api.post("/v1/keys", key=grobogan.admin, json={"role": "viewer", "label": "temp", "expires_at": expiry})
    assert made.status == 201, made.text
    assert made.json["expires_at"] is not None
    assert api.get("/v1/tenant", key=made.json["secret"]).status == 200
    for bad in (_iso(timedelta(seconds=-5)), _iso(timedelta(days=800)), "2030-01-01T00:00:00", "soon"):
        response = api.post("/v1/keys", key=grobogan.admin, json={"role": "viewer", "label": "x", "expires_at": bad})
        assert response.status == 422, bad
        assert [d["field"] for d in response.json["error"]["details"]] == ["expires_at"], bad
    national = api.post(
        "/v1/admin/keys",
        key=tenants.admin_key,
        json={"role": "national_viewer", "label": "x", "expires_at": _iso(timedelta(days=800))},
    )
    assert national.status == 422


def test_an_expired_key_is_refused_by_the_gateway(tenants: Tenants, api: ApiClient, views_run: list[str]) -> None:
    from chalicelib.clock import utcnow
    from chalicelib.domain.keys import KeyData
    from chalicelib.domain.principal import Principal, Role
    from chalicelib.services.keys import create_tenant_key

    grobogan = tenants.create(GROBOGAN)
    admin = Principal(key_id=grobogan.key_ids["admin"], role=Role.DISTRICT_ADMIN, tenant_id=GROBOGAN)
    then = utcnow() - timedelta(days=2)
    issued = create_tenant_key(
        principal=admin, data=KeyData(role=Role.VIEWER, label="old", expires_at=then + timedelta(days=1)), now=then
    )
    views_run.clear()
    refused = api.get("/v1/tenant", key=issued.secret)
    assert (refused.status, refused.error_code) == (401, "unauthenticated")
    assert views_run == []
    expired = api.get("/v1/keys?status=expired", key=grobogan.admin).json["items"]
    assert [(k["key_id"], k["status"]) for k in expired] == [(issued.key.key_id, "expired")]
    assert issued.key.key_id not in api.get("/v1/keys", key=grobogan.admin).text  # active ones by default
    rotate = api.post(f"/v1/keys/{issued.key.key_id}/rotate", key=grobogan.admin, json={"grace_seconds": 0})
    assert rotate.status == 409
    changed = api.patch(f"/v1/keys/{issued.key.key_id}", key=grobogan.admin, json={"label": "new"})
    assert (changed.status, changed.error_code) == (409, "key_expired")


def test_a_rotated_key_gets_a_new_secret_and_the_old_one_works_for_the_grace(
    tenants: Tenants, api: ApiClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.clock import utcnow
    from chalicelib.services import auth

    grobogan = tenants.create(GROBOGAN)
    old_id = grobogan.key_ids["operator"]
    rotated = api.post(f"/v1/keys/{old_id}/rotate", key=grobogan.admin, json={"grace_seconds": 600})
    assert rotated.status == 201, rotated.text
    assert rotated.headers["cache-control"] == "no-store"
    new = rotated.json
    assert new["key_id"] != old_id and new["secret"] != grobogan.operator and new["rotated_from"] == old_id
    assert (new["role"], new["label"], new["villages"]) == ("operator", "operator", list(grobogan.operator_villages))
    assert api.get("/v1/villages", key=new["secret"]).status == 200
    assert api.get("/v1/villages", key=grobogan.operator).status == 200  # within the grace
    old = _listed(api, tenants.admin_key, f"?tenant_id={GROBOGAN}")[old_id]
    assert old["status"] == "active" and old["revoked_at"] is not None  # due to end
    later = utcnow() + timedelta(seconds=601)
    monkeypatch.setattr(auth, "utcnow", lambda: later)
    ended = api.get("/v1/villages", key=grobogan.operator)
    assert (ended.status, ended.error_code) == (401, "unauthenticated")
    assert api.get("/v1/villages", key=new["secret"]).status == 200
    again = api.post(f"/v1/keys/{old_id}/rotate", key=grobogan.admin, json={"grace_seconds": 0})
    assert again.status == 409


def test_a_rotation_without_grace_ends_the_old_secret_at_once(tenants: Tenants, api: ApiClient) -> None:
    grobogan = tenants.create(GROBOGAN)
    rotated = api.post(f"/v1/keys/{grobogan.key_ids['admin']}/rotate", key=grobogan.admin, json={"grace_seconds": 0})
    assert rotated.status == 201
    assert api.get("/v1/keys", key=grobogan.admin).error_code == "unauthenticated"
    listed = api.get("/v1/keys", key=rotated.json["secret"]).json["items"]
    assert [k["key_id"] for k in listed if k["role"] == "district_admin"] == [rotated.json["key_id"]]


@pytest.mark.parametrize("grace", [-1, 604801, "60", None])
def test_a_rotation_grace_is_0_to_7_days_in_seconds(tenants: Tenants, api: ApiClient, grace: Any) -> None:
    grobogan = tenants.create(GROBOGAN)
    body = {} if grace is None else {"grace_seconds": grace}
    response = api.post(f"/v1/keys/{grobogan.key_ids['viewer']}/rotate", key=grobogan.admin, json=body)
    assert response.status == 422
    assert api.get("/v1/tenant", key=grobogan.viewer).status == 200


def test_the_platform_admin_rotates_a_national_key(tenants: Tenants, api: ApiClient) -> None:
    national = _national(api, tenants.admin_key)
    rotated = api.post(f"/v1/admin/keys/{national['key_id']}/rotate", key=tenants.admin_key, json={"grace_seconds": 0})
    assert rotated.status == 201, rotated.text
    assert rotated.json["role"] == "national_viewer" and rotated.json["tenant_id"] is None
    assert rotated.headers["cache-control"] == "no-store"
    assert api.get("/v1/national/indicators?period=2026-Q4", key=national["secret"]).error_code == "unauthenticated"
    assert api.get("/v1/national/indicators?period=2026-Q4", key=rotated.json["secret"]).status == 200


def test_a_district_cannot_rotate_or_change_another_tenants_key(tenants: Tenants, api: ApiClient) -> None:
    grobogan = tenants.create(GROBOGAN)
    pati = tenants.create(PATI)
    foreign = pati.key_ids["viewer"]
    assert api.post(f"/v1/keys/{foreign}/rotate", key=grobogan.admin, json={"grace_seconds": 0}).status == 404
    assert api.patch(f"/v1/keys/{foreign}", key=grobogan.admin, json={"label": "mine"}).status == 404
    assert api.get("/v1/tenant", key=pati.viewer).status == 200
    assert _listed(api, tenants.admin_key, f"?tenant_id={PATI}")[foreign]["label"] == "viewer"


def test_a_district_cannot_revoke_its_last_admin_key(tenants: Tenants, api: ApiClient) -> None:
    grobogan = tenants.create(GROBOGAN)
    last = api.delete(f"/v1/keys/{grobogan.key_ids['admin']}", key=grobogan.admin)
    assert last.status == 409
    assert last.error_code == "last_admin_key"
    assert api.get("/v1/keys", key=grobogan.admin).status == 200
    second = api.post("/v1/keys", key=grobogan.admin, json={"role": "district_admin", "label": "deputy"}).json
    assert api.delete(f"/v1/keys/{grobogan.key_ids['admin']}", key=second["secret"]).status == 204
    assert api.delete(f"/v1/keys/{second['key_id']}", key=second["secret"]).error_code == "last_admin_key"


def test_the_last_platform_admin_key_cannot_be_revoked(tenants: Tenants, api: ApiClient) -> None:
    from chalicelib.domain.keys import key_id_of

    own = key_id_of(tenants.admin_key)
    response = api.delete(f"/v1/admin/keys/{own}", key=tenants.admin_key)
    assert response.status == 409
    assert response.error_code == "last_admin_key"
    assert api.get("/v1/admin/keys", key=tenants.admin_key).status == 200


def test_two_admins_revoking_each_other_at_once_leave_one_admin_key(tenants: Tenants, api: ApiClient) -> None:
    grobogan = tenants.create(GROBOGAN)
    second = api.post("/v1/keys", key=grobogan.admin, json={"role": "district_admin", "label": "deputy"}).json
    pairs = [(grobogan.admin, second["key_id"]), (second["secret"], grobogan.key_ids["admin"])]
    statuses: list[int] = []
    barrier = threading.Barrier(2)

    def revoke(secret: str, target: str) -> None:
        barrier.wait()
        statuses.append(api.delete(f"/v1/keys/{target}", key=secret).status)

    threads = [threading.Thread(target=revoke, args=pair) for pair in pairs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    active = _listed(api, tenants.admin_key, f"?tenant_id={GROBOGAN}&role=district_admin&status=active")
    assert len(active) == 1, (statuses, active)
    assert sorted(statuses)[0] == 204


def test_an_operator_keys_villages_change_without_a_new_secret(tenants: Tenants, api: ApiClient) -> None:
    grobogan = tenants.create(GROBOGAN)
    operator_id = grobogan.key_ids["operator"]
    changed = api.patch(
        f"/v1/keys/{operator_id}", key=grobogan.admin, json={"villages": [GROBOGAN_VILLAGES[1]], "label": "desa 2"}
    )
    assert changed.status == 200, changed.text
    assert (changed.json["key"]["villages"], changed.json["key"]["label"]) == ([GROBOGAN_VILLAGES[1]], "desa 2")
    assert "secret" not in changed.json["key"]
    from tests.factories import register_village, report

    register_village(api, grobogan.admin, GROBOGAN_VILLAGES[0])
    register_village(api, grobogan.admin, GROBOGAN_VILLAGES[1])
    now_allowed = api.post("/v1/reports", key=grobogan.operator, json=report(village=GROBOGAN_VILLAGES[1]))
    assert now_allowed.status in (200, 201), now_allowed.text
    no_longer = api.post("/v1/reports", key=grobogan.operator, json=report(village=GROBOGAN_VILLAGES[0]))
    assert no_longer.status == 403


def test_a_key_change_is_checked(tenants: Tenants, api: ApiClient) -> None:
    grobogan: TenantKeys = tenants.create(GROBOGAN)
    viewer, operator = grobogan.key_ids["viewer"], grobogan.key_ids["operator"]
    assert api.patch(f"/v1/keys/{viewer}", key=grobogan.admin, json={"villages": [GROBOGAN_VILLAGES[0]]}).status == 422
    assert api.patch(f"/v1/keys/{operator}", key=grobogan.admin, json={"villages": ["33.18.01.2001"]}).status == 422
    assert api.patch(f"/v1/keys/{operator}", key=grobogan.admin, json={"villages": []}).status == 422
    assert api.patch(f"/v1/keys/{operator}", key=grobogan.admin, json={}).status == 422
    assert api.patch(f"/v1/keys/{viewer}", key=grobogan.admin, json={"label": "lobby screen"}).status == 200
    assert api.patch(f"/v1/keys/{viewer}", key=grobogan.viewer, json={"label": "mine"}).status == 403
    api.delete(f"/v1/keys/{viewer}", key=grobogan.admin)
    revoked = api.patch(f"/v1/keys/{viewer}", key=grobogan.admin, json={"label": "again"})
    assert (revoked.status, revoked.error_code) == (409, "key_revoked")
    listed = {k["key_id"]: k for k in api.get("/v1/keys", key=grobogan.admin).json["items"]}
    assert listed[operator]["villages"] == list(grobogan.operator_villages)


def test_revoking_a_revoked_key_again_changes_nothing_and_it_cannot_be_changed(
    tenants: Tenants, api: ApiClient
) -> None:
    grobogan = tenants.create(GROBOGAN)
    viewer = grobogan.key_ids["viewer"]
    assert api.delete(f"/v1/keys/{viewer}", key=grobogan.admin).status == 204
    revoked_at = api.get("/v1/keys?status=revoked", key=grobogan.admin).json["items"][0]["revoked_at"]
    again = api.delete(f"/v1/keys/{viewer}", key=grobogan.admin)
    assert (again.status, again.text) == (204, "")
    listed = api.get("/v1/keys?status=revoked", key=grobogan.admin).json["items"]
    assert [(k["key_id"], k["revoked_at"]) for k in listed] == [(viewer, revoked_at)]
    for response in (
        api.patch(f"/v1/keys/{viewer}", key=grobogan.admin, json={"label": "again"}),
        api.post(f"/v1/keys/{viewer}/rotate", key=grobogan.admin, json={"grace_seconds": 0}),
    ):
        assert (response.status, response.error_code) == (409, "key_revoked"), response.text
    assert api.get("/v1/keys?status=revoked", key=grobogan.admin).json["items"][0]["label"] == "viewer"
    assert api.delete("/v1/keys/0000000000000000", key=grobogan.admin).status == 404


def test_a_keys_last_use_is_recorded_at_most_once_a_minute(tenants: Tenants, api: ApiClient) -> None:
    grobogan = tenants.create(GROBOGAN)
    viewer = grobogan.key_ids["viewer"]
    assert _listed(api, tenants.admin_key, f"?tenant_id={GROBOGAN}")[viewer]["last_used_at"] is None
    api.get("/v1/tenant", key=grobogan.viewer)
    first = _listed(api, tenants.admin_key, f"?tenant_id={GROBOGAN}")[viewer]["last_used_at"]
    assert first is not None
    api.get("/v1/tenant", key=grobogan.viewer)
    assert _listed(api, tenants.admin_key, f"?tenant_id={GROBOGAN}")[viewer]["last_used_at"] == first


def test_the_last_use_is_written_again_only_after_a_minute(monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.clock import utcnow
    from chalicelib.repositories import keys as key_records
    from chalicelib.services import auth

    calls: list[str] = []
    now = utcnow()

    def record_use(key_id: str, *, now: datetime) -> bool:
        calls.append(key_id)
        return True

    monkeypatch.setattr(key_records, "record_use", record_use)
    auth.record_use("k1", last_used_at=now - timedelta(seconds=59), now=now)
    auth.record_use("k2", last_used_at=now - timedelta(seconds=60), now=now)
    auth.record_use("k3", last_used_at=None, now=now)
    assert calls == ["k2", "k3"]


def test_answers_that_carry_a_secret_are_not_stored_by_caches(tenants: Tenants, api: ApiClient) -> None:
    grobogan = tenants.create(GROBOGAN)
    made = api.post("/v1/keys", key=grobogan.admin, json={"role": "viewer", "label": "x"})
    national = api.post("/v1/admin/keys", key=tenants.admin_key, json={"role": "national_viewer", "label": "x"})
    for response in (made, national):
        assert response.status == 201
        assert response.headers["cache-control"] == "no-store"


def test_only_the_platform_admin_manages_every_key(tenants: Tenants, api: ApiClient) -> None:
    grobogan = tenants.create(GROBOGAN)
    national = _national(api, tenants.admin_key)
    target = national["key_id"]
    for secret in (grobogan.admin, grobogan.operator, grobogan.viewer, national["secret"]):
        assert api.get("/v1/admin/keys", key=secret).status == 403
        assert api.delete(f"/v1/admin/keys/{target}", key=secret).status == 403
        assert api.post(f"/v1/admin/keys/{target}/rotate", key=secret, json={"grace_seconds": 0}).status == 403
    assert api.get("/v1/national/indicators?period=2026-Q4", key=national["secret"]).status == 200


def test_the_admin_cli_refuses_a_short_secret(aws: None, capsys: pytest.CaptureFixture[str]) -> None:
    from chalicelib import cli
    from chalicelib.domain.keys import key_id_of
    from chalicelib.repositories.keys import find_key

    short = "x" * 31
    assert cli.main(["admin-key", short]) == 2
    assert "32 characters" in capsys.readouterr().err
    assert find_key(key_id_of(short)) is None
    long_enough = "y" * 32
    assert cli.main(["admin-key", long_enough]) == 0
    assert find_key(key_id_of(long_enough)) is not None


def test_a_leaked_last_admin_key_is_replaced_by_rotation_not_revocation(tenants: Tenants, api: ApiClient) -> None:
    grobogan = tenants.create(GROBOGAN)
    admin_id = grobogan.key_ids["admin"]
    refused = api.delete(f"/v1/admin/keys/{admin_id}", key=tenants.admin_key)
    assert refused.status == 409 and refused.error_code == "last_admin_key"
    rotated = api.post(f"/v1/admin/keys/{admin_id}/rotate", key=tenants.admin_key, json={"grace_seconds": 0})
    assert rotated.status == 201, rotated.text
    assert api.get("/v1/keys", key=grobogan.admin).error_code == "unauthenticated"
    assert api.get("/v1/keys", key=rotated.json["secret"]).status == 200


def test_a_replacement_admin_key_names_its_tenant_and_is_told_so(tenants: Tenants, api: ApiClient) -> None:
    body = {"role": "district_admin", "label": "pengganti"}
    missing = api.post("/v1/admin/keys", key=tenants.admin_key, json=body)
    assert missing.status == 422
    assert [(d["field"], d.get("code")) for d in missing.json["error"]["details"]] == [("tenant_id", "required")]
    unknown = api.post("/v1/admin/keys", key=tenants.admin_key, json={**body, "tenant_id": "33.29"})
    assert unknown.status == 422
    assert [(d["field"], d["message"]) for d in unknown.json["error"]["details"]] == [("tenant_id", "unknown tenant")]
