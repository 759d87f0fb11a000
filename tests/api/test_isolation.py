"""Generated from the spec: every route x every role of tenant A x the ids of tenant B.

Another tenant's resource must answer exactly as a missing one (404), or 403 where the role
may not use the route at all (422 where the parameter is a public area code outside A's regency),
and no answer may carry tenant B's data that the request did not itself contain. Every route with a path
parameter needs a foreign id (FOREIGN_IDS) and every write route a valid body (BODIES):
a route added without them fails here, so isolation is tested as the API grows.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.factories import GROBOGAN, PATI, TenantKeys, Tenants
from tests.http_client import ApiClient
from tests.isolation_world import (
    AREA_CODE_PARAMS,
    BASIC_ROUTES,
    BODIES,
    FOREIGN_IDS,
    OWN_SCOPE_PARAMS,
    SHARED_NAME_PARAMS,
    build_foreign_world,
)

PUBLIC = {("/v1/health", "get"), ("/v1/signup", "post"), ("/v1/signup/{application_id}", "get")}
ROLES = ("admin", "operator", "viewer")


@dataclass
class World:
    """Tenant A's keys, tenant B's ids and every string that would betray B's data."""

    a: TenantKeys
    b: TenantKeys
    ids: dict[str, str]
    secrets_of_b: list[str] = field(default_factory=list)

    def markers(self) -> list[str]:
        shared = {"tenant_id", "form_id", "report_type", "form_workbook", "month"}
        return [v for k, v in self.ids.items() if k not in shared] + self.secrets_of_b


@pytest.fixture
def world(tenants: Tenants, api: ApiClient) -> World:
    a = tenants.create(GROBOGAN)
    b = tenants.create(PATI)
    ids = build_foreign_world(api, b)
    return World(a=a, b=b, ids=ids, secrets_of_b=[b.admin, b.operator, b.viewer])


def _operations(api: ApiClient) -> list[tuple[str, str, dict[str, Any]]]:
    spec = api.get("/v1/openapi.json").json
    return [
        (path, method, op)
        for path, ops in spec["paths"].items()
        for method, op in ops.items()
        if (path, method) not in PUBLIC
    ]


def test_every_route_with_a_path_parameter_has_a_foreign_id_and_every_write_a_body(api: ApiClient) -> None:
    for path, method, _ in _operations(api):
        for name in re.findall(r"{(\w+)}", path):
            assert name in FOREIGN_IDS, f"add a foreign id for {{{name}}} ({method} {path})"
        if method in ("post", "put", "patch"):
            assert (method, path) in BODIES, f"add a valid body for {method} {path}"


def test_no_role_of_one_tenant_reaches_another_tenants_data(world: World, api: ApiClient) -> None:
    failures = []
    for path, method, _ in _operations(api):
        url = re.sub(r"{(\w+)}", lambda m: world.ids[FOREIGN_IDS[str(m.group(1))]], path)
        body: Callable[[dict[str, str]], Any] | Any = BODIES.get((method, path))
        for role in ROLES:
            key = getattr(world.a, role)
            payload = body(world.ids) if callable(body) else body
            kwargs = {"json": payload} if method in ("post", "put", "patch") else {}
            response = api.request(method.upper(), url, key=key, **kwargs)
            sent = url + json.dumps(payload)
            leaked = [m for m in world.markers() if m in response.text and m not in sent]
            params = set(re.findall(r"{(\w+)}", path)) - OWN_SCOPE_PARAMS
            allowed = {403, 404} if params or path.startswith(("/v1/admin", "/v1/national")) else None
            if allowed is not None and params & AREA_CODE_PARAMS:
                allowed = allowed | {422}
            if params and params <= SHARED_NAME_PARAMS:
                allowed = None
            if path.startswith(BASIC_ROUTES):
                allowed = {401}
            if allowed is not None and response.status not in allowed:
                failures.append(f"{role} {method.upper()} {url} -> {response.status} {response.text[:200]}")
            if leaked:
                failures.append(f"{role} {method.upper()} {url} leaked {leaked}")
    assert not failures, "\n".join(failures)


# Query parameters that name a tenant's data, and the value of B's to probe them with.
QUERY_PROBES = {
    "village_code": lambda ids: ids["village_code"],
    "stakeholder_id": lambda ids: ids["stakeholder_id"],
    "kecamatan_code": lambda ids: ids["village_code"][:8],
}
# Every route the isolation walk must reach (a spec that lost one would otherwise shrink the walk).
MUST_WALK = {
    ("/v1/stakeholders", "get"),
    ("/v1/stakeholders", "post"),
    ("/v1/stakeholders/{stakeholder_id}", "get"),
    ("/v1/stakeholders/{stakeholder_id}", "patch"),
    ("/v1/commitments", "get"),
    ("/v1/commitments", "post"),
    ("/v1/commitments/{commitment_id}", "get"),
    ("/v1/commitments/{commitment_id}/transitions", "post"),
    ("/v1/commitments/{commitment_id}/actions", "post"),
    ("/v1/admin/jobs/commitment-reminders/run", "post"),
    ("/v1/reports", "post"),
    ("/v1/reports/{submission_id}", "put"),
    ("/v1/reports/{submission_id}", "delete"),
    ("/v1/villages/{village_code}", "put"),
    ("/v1/keys/{key_id}", "delete"),
    ("/v1/keys/{key_id}", "patch"),
    ("/v1/keys/{key_id}/rotate", "post"),
    ("/v1/admin/keys", "get"),
    ("/v1/admin/keys/{key_id}", "delete"),
    ("/v1/admin/signups/{application_id}/approve", "post"),
    ("/v1/commitments/{commitment_id}", "patch"),
    ("/v1/commitments/{commitment_id}/edits", "get"),
    ("/v1/villages/{village_code}", "delete"),
    ("/v1/villages/{village_code}/baseline", "put"),
    ("/v1/periods/{month}/approve", "post"),
    ("/v1/periods", "get"),
}


def test_the_walk_covers_every_route_of_the_spec(api: ApiClient) -> None:
    walked = {(path, method) for path, method, _ in _operations(api)}
    spec = api.get("/v1/openapi.json").json["paths"]
    assert walked | PUBLIC == {(p, m) for p, ops in spec.items() for m in ops}
    assert walked >= MUST_WALK, MUST_WALK - walked


def test_query_parameters_naming_another_tenants_data_reveal_nothing(world: World, api: ApiClient) -> None:
    """A listing filtered by B's village, kecamatan or stakeholder, or continued with a cursor made
    for B's data, answers A's roles with nothing of B: an empty page, or 400/403/404/422."""
    from urllib.parse import quote

    from chalicelib.repositories.base import encode_cursor

    forged = encode_cursor(
        {
            "tenant_id": {"S": world.b.tenant_id},
            "submission_id": {"S": world.ids["submission_id"]},
            "date_key": {"S": "2026-11-02#" + world.ids["submission_id"]},
        }
    )
    failures, probed = [], 0
    for path, method, op in _operations(api):
        if method != "get" or "{" in path:
            continue
        names = {p["name"] for p in op.get("parameters", []) if p["in"] == "query"}
        probes = {n: QUERY_PROBES[n](world.ids) for n in names & set(QUERY_PROBES)}
        if "cursor" in names:
            probes["cursor"] = str(forged)
        for name, value in probes.items():
            for role in ROLES:
                url = f"{path}?{name}={quote(value)}"
                response = api.get(url, key=getattr(world.a, role))
                probed += 1
                leaked = [m for m in world.markers() if m in response.text and m not in url]
                items = (response.json or {}).get("items") if response.status == 200 else None
                if name == "cursor" and response.status not in (400, 403):
                    failures.append(f"{role} GET {url} -> {response.status}: a foreign cursor must be refused")
                elif response.status not in (200, 400, 403, 404, 422) or (response.status == 200 and items):
                    failures.append(f"{role} GET {url} -> {response.status} {response.text[:200]}")
                if leaked:
                    failures.append(f"{role} GET {url} leaked {leaked}")
    assert probed >= 20, probed
    assert not failures, "\n".join(failures)
