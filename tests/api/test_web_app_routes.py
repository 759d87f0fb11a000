"""The two reads the web app needs: who a key is (`/v1/me`) and when the figures were computed."""

from __future__ import annotations

import pytest

from tests.factories import GROBOGAN, Tenants
from tests.http_client import ApiClient


def test_me_names_the_role_tenant_and_villages_of_the_key_and_never_its_secret(
    api: ApiClient, tenants: Tenants
) -> None:
    grobogan = tenants.create(GROBOGAN)

    operator = api.get("/v1/me", key=grobogan.operator)
    admin = api.get("/v1/me", key=grobogan.admin)

    assert operator.status == 200
    assert operator.json == {
        "key_id": grobogan.key_ids["operator"],
        "role": "operator",
        "tenant_id": GROBOGAN,
        "villages": list(grobogan.operator_villages),
    }
    assert admin.json["role"] == "district_admin" and admin.json["villages"] == []
    assert grobogan.admin not in admin.text


def test_me_of_a_national_key_has_no_tenant(api: ApiClient, tenants: Tenants) -> None:
    answer = api.get("/v1/me", key=tenants.national_viewer())

    assert answer.status == 200
    assert answer.json["role"] == "national_viewer" and answer.json["tenant_id"] is None


def test_me_without_a_valid_key_is_refused(api: ApiClient) -> None:
    assert api.get("/v1/me").status == 401
    assert api.get("/v1/me", key="not-a-key").status == 401


def test_rollup_status_is_empty_before_the_first_run_and_dated_after_it(api: ApiClient, tenants: Tenants) -> None:
    viewer = tenants.national_viewer()

    before = api.get("/v1/national/status", key=viewer)
    assert before.status == 200
    assert before.json == {"last_run_at": None, "interval_seconds": 900}

    assert api.post("/v1/admin/jobs/rollup/run", key=tenants.admin_key).status == 200
    after = api.get("/v1/national/status", key=viewer)
    assert after.status == 200 and after.json["last_run_at"] is not None
    assert after.json["interval_seconds"] == 900


@pytest.mark.parametrize("role", ["admin", "operator", "viewer"])
def test_rollup_status_is_refused_to_tenant_keys(api: ApiClient, tenants: Tenants, role: str) -> None:
    keys = tenants.create(GROBOGAN)

    answer = api.get("/v1/national/status", key=getattr(keys, role))

    assert answer.status == 403 and answer.json["error"]["code"] == "forbidden"
