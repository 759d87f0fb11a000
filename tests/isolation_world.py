"""Tenant B's resources for the isolation test, and a valid body for every write route.

Extend FOREIGN_IDS, BODIES and build_foreign_world when a route is added.
"""

from __future__ import annotations

from typing import Any

from tests.factories import TenantKeys
from tests.http_client import ApiClient

# path parameter -> key in the ids that build_foreign_world returns
FOREIGN_IDS: dict[str, str] = {
    "tenant_id": "tenant_id",
    "key_id": "viewer_key_id",
}

# (method, path) -> a body that would be valid if the caller were allowed (or a function of the ids)
BODIES: dict[tuple[str, str], Any] = {
    ("post", "/v1/keys"): {"role": "viewer", "label": "probe"},
    ("post", "/v1/admin/keys"): {"role": "national_viewer", "label": "probe"},
    ("post", "/v1/admin/tenants/{tenant_id}/approve"): None,
    ("post", "/v1/admin/tenants/{tenant_id}/suspend"): None,
}


def build_foreign_world(api: ApiClient, b: TenantKeys) -> dict[str, str]:
    """Create tenant B's resources through the API; return their ids."""
    return {"tenant_id": b.tenant_id, "viewer_key_id": b.key_ids["viewer"]}
