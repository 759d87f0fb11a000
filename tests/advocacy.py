"""Builders for advocacy tests: stakeholders and commitments made through the API."""

from __future__ import annotations

from typing import Any

from tests.factories import TenantKeys
from tests.http_client import ApiClient


def stakeholder_payload(**overrides: Any) -> dict[str, Any]:
    """A valid stakeholder body (a village head, without a village unless given)."""
    body: dict[str, Any] = {"name": "H. Sutrisno", "kind": "village_head", "position": "Kepala Desa"}
    body.update(overrides)
    return body


def commitment_payload(stakeholder_id: str, **overrides: Any) -> dict[str, Any]:
    """A valid budget commitment body."""
    body: dict[str, Any] = {
        "stakeholder_id": stakeholder_id,
        "kind": "budget",
        "description": "Dana Desa untuk perpustakaan desa",
        "amount_idr": 25_000_000,
        "due_date": "2026-12-31",
    }
    body.update(overrides)
    return body


def new_stakeholder(api: ApiClient, tenant: TenantKeys, **overrides: Any) -> dict[str, Any]:
    """Create a stakeholder; return its JSON."""
    response = api.post("/v1/stakeholders", key=tenant.admin, json=stakeholder_payload(**overrides))
    assert response.status == 201, response.text
    return dict(response.json)


def new_commitment(
    api: ApiClient, tenant: TenantKeys, stakeholder_id: str | None = None, **overrides: Any
) -> dict[str, Any]:
    """Create a commitment (and a stakeholder when none is given); return its JSON."""
    if stakeholder_id is None:
        stakeholder_id = new_stakeholder(api, tenant)["stakeholder_id"]
    response = api.post("/v1/commitments", key=tenant.admin, json=commitment_payload(stakeholder_id, **overrides))
    assert response.status == 201, response.text
    return dict(response.json)


def transition(api: ApiClient, key: str, commitment_id: str, to: str, version: int, **extra: Any) -> Any:
    """Post a transition; return the response."""
    return api.post(
        f"/v1/commitments/{commitment_id}/transitions", key=key, json={"to": to, "expected_version": version, **extra}
    )
