"""Test data builders: approved tenants with keys of every role, and request payloads."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.http_client import ApiClient

# Real Kemendagri codes: Kabupaten Grobogan and two of its villages; Kabupaten Pati and one of its villages.
GROBOGAN = "33.15"
GROBOGAN_VILLAGES = ("33.15.01.2001", "33.15.01.2002")
PATI = "33.18"
PATI_VILLAGE = "33.18.01.2001"


def signup_payload(regency_code: str, **overrides: Any) -> dict[str, Any]:
    """A valid sign-up body."""
    body = {
        "regency_code": regency_code,
        "office_name": f"Dinas Perpustakaan {regency_code}",
        "contact_name": "Sri Wahyuni",
        "contact_email": "sri@example.id",
    }
    body.update(overrides)
    return body


@dataclass
class TenantKeys:
    """An approved tenant and a secret of each role."""

    tenant_id: str
    admin: str
    operator: str
    viewer: str
    operator_villages: tuple[str, ...]
    key_ids: dict[str, str] = field(default_factory=dict)
    application_id: str = ""


class Tenants:
    """Creates approved tenants through the API, as a user would."""

    def __init__(self, api: ApiClient, admin_key: str) -> None:
        self.api = api
        self.admin_key = admin_key

    def national_viewer(self) -> str:
        """A national-viewer secret."""
        response = self.api.post(
            "/v1/admin/keys", key=self.admin_key, json={"role": "national_viewer", "label": "dash"}
        )
        assert response.status == 201, response.text
        return str(response.json["secret"])

    def create(self, regency_code: str = GROBOGAN, operator_villages: tuple[str, ...] | None = None) -> TenantKeys:
        """Sign up, approve and issue an operator and a viewer key."""
        applied = self.api.post("/v1/signup", json=signup_payload(regency_code))
        assert applied.status == 202, applied.text
        approved = self.api.post(f"/v1/admin/tenants/{regency_code}/approve", key=self.admin_key)
        assert approved.status == 200, approved.text
        admin = approved.json["admin_key"]
        villages = operator_villages or (GROBOGAN_VILLAGES[:1] if regency_code == GROBOGAN else (PATI_VILLAGE,))
        operator = self.api.post(
            "/v1/keys", key=admin["secret"], json={"role": "operator", "label": "operator", "villages": list(villages)}
        )
        assert operator.status == 201, operator.text
        viewer = self.api.post("/v1/keys", key=admin["secret"], json={"role": "viewer", "label": "viewer"})
        assert viewer.status == 201, viewer.text
        return TenantKeys(
            tenant_id=regency_code,
            admin=admin["secret"],
            operator=operator.json["secret"],
            viewer=viewer.json["secret"],
            operator_villages=tuple(villages),
            key_ids={"admin": admin["key_id"], "operator": operator.json["key_id"], "viewer": viewer.json["key_id"]},
            application_id=applied.json["application_id"],
        )


def report(
    kind: str = "visits",
    *,
    village: str = GROBOGAN_VILLAGES[0],
    date: str = "2026-11-02",
    submission_id: str | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """A valid report body of a type, with a fresh submission id unless given."""
    import uuid

    defaults: dict[str, dict[str, Any]] = {
        "visits": {"visitors": 12, "women": 7, "children": 3},
        "activity": {
            "title": "Pelatihan pemasaran daring",
            "category": "training",
            "participants": 20,
            "women": 14,
            "youth": 6,
            "entrepreneurs": 9,
        },
        "media": {"outlet": "Radio Grobogan", "medium": "radio", "headline": "Perpustakaan desa ramai"},
        "partnership": {"partner_name": "Pertuni Grobogan", "partner_kind": "community", "agreement": "mou"},
        "ict": {"computer_sessions": 30, "internet_users": 25, "trainees": 8},
    }
    body = {
        "submission_id": submission_id or str(uuid.uuid4()),
        "village_code": village,
        "type": kind,
        "date": date,
        **defaults[kind],
    }
    body.update(fields)
    return body


def register_village(api: ApiClient, admin: str, code: str, name: str = "Perpustakaan Desa") -> None:
    """Register a village library (asserting it worked)."""
    response = api.put(f"/v1/villages/{code}", key=admin, json={"library_name": name})
    assert response.status in (200, 201), response.text


def tenant_with_villages(
    tenants: Tenants, api: ApiClient, regency_code: str = GROBOGAN, villages: tuple[str, ...] = GROBOGAN_VILLAGES
) -> TenantKeys:
    """An approved tenant (Grobogan unless told) with these village libraries registered."""
    keys = tenants.create(regency_code)
    for code in villages:
        register_village(api, keys.admin, code)
    return keys


def every_page(api: ApiClient, path: str, key: str, most: int = 50) -> list[list[dict[str, Any]]]:
    """The items of each page of a listing, following `next_cursor` (asserting each page answered 200)."""
    pages: list[list[dict[str, Any]]] = []
    cursor: str | None = None
    for _ in range(most):
        response = api.get(path + (f"&cursor={cursor}" if cursor else ""), key=key)
        assert response.status == 200, response.text
        pages.append(list(response.json["items"]))
        cursor = response.json["next_cursor"]
        if not cursor:
            return pages
    raise AssertionError(f"{path} still had a next page after {most} pages")


def run_scheduled(function_name: str) -> dict[str, Any]:
    """Invoke a scheduled function of the app the way its EventBridge schedule does; its result."""
    from chalice.test import Client

    from app import app

    with Client(app) as client:
        event = client.events.generate_cw_event(
            source="aws.events", detail_type="Scheduled Event", detail={}, resources=[]
        )
        return dict(client.lambda_.invoke(function_name, event).payload)


def post_reports(api: ApiClient, key: str, *reports: dict[str, Any]) -> None:
    """Post reports in one batch (asserting every one was accepted)."""
    response = api.post("/v1/reports", key=key, json={"reports": list(reports)})
    assert response.json["accepted"] == len(reports), response.text


def run_rollup_now(api: ApiClient, admin: str) -> dict[str, Any]:
    """Run the rollup through the admin route; its summary (asserting it answered 200)."""
    response = api.post("/v1/admin/jobs/rollup/run", key=admin)
    assert response.status == 200, response.text
    return dict(response.json)
