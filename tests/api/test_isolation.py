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
from tests.isolation_world import AREA_CODE_PARAMS, BODIES, FOREIGN_IDS, build_foreign_world

PUBLIC = {("/v1/health", "get"), ("/v1/signup", "post")}
ROLES = ("admin", "operator", "viewer")


@dataclass
class World:
    """Tenant A's keys, tenant B's ids and every string that would betray B's data."""

    a: TenantKeys
    b: TenantKeys
    ids: dict[str, str]
    secrets_of_b: list[str] = field(default_factory=list)

    def markers(self) -> list[str]:
        return [v for k, v in self.ids.items() if k != "tenant_id"] + self.secrets_of_b


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
        url = re.sub(r"{(\w+)}", lambda m: world.ids[FOREIGN_IDS[m.group(1)]], path)
        body: Callable[[World], Any] | Any = BODIES.get((method, path))
        for role in ROLES:
            key = getattr(world.a, role)
            payload = body(world.ids) if callable(body) else body
            kwargs = {"json": payload} if method in ("post", "put", "patch") else {}
            response = api.request(method.upper(), url, key=key, **kwargs)
            sent = url + json.dumps(payload)
            leaked = [m for m in world.markers() if m in response.text and m not in sent]
            params = set(re.findall(r"{(\w+)}", path))
            allowed = {403, 404} if params or path.startswith(("/v1/admin", "/v1/national")) else None
            if allowed is not None and params & AREA_CODE_PARAMS:
                allowed = allowed | {422}
            if allowed is not None and response.status not in allowed:
                failures.append(f"{role} {method.upper()} {url} -> {response.status} {response.text[:200]}")
            if leaked:
                failures.append(f"{role} {method.upper()} {url} leaked {leaked}")
    assert not failures, "\n".join(failures)
