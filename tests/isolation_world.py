"""Tenant B's resources for the isolation test, and a valid body for every write route.

Extend FOREIGN_IDS, BODIES and build_foreign_world when a route is added.
"""

from __future__ import annotations

from typing import Any

from tests.advocacy import new_commitment, new_stakeholder
from tests.factories import TenantKeys, register_village, report
from tests.http_client import ApiClient

# path parameter -> key in the ids that build_foreign_world returns
FOREIGN_IDS: dict[str, str] = {
    "tenant_id": "tenant_id",
    "key_id": "viewer_key_id",
    "village_code": "village_code",
    "submission_id": "submission_id",
    "stakeholder_id": "stakeholder_id",
    "commitment_id": "commitment_id",
    "application_id": "application_id",
    # The OpenRosa and Kobo routes take a key's secret in the path: B's key id stands in for it (a
    # caller holding B's secret is B).
    "secret": "viewer_key_id",
    "form_id": "form_id",
    "report_type": "report_type",
    "name": "form_workbook",
    "month": "month",
    "run_id": "run_id",
}

# (method, path) -> a body that would be valid if the caller were allowed (or a function of the ids)
BODIES: dict[tuple[str, str], Any] = {
    ("post", "/v1/keys"): {"role": "viewer", "label": "probe"},
    ("post", "/v1/admin/keys"): {"role": "national_viewer", "label": "probe"},
    ("post", "/v1/admin/tenants/{tenant_id}/approve"): None,
    ("post", "/v1/admin/tenants/{tenant_id}/suspend"): None,
    ("post", "/v1/admin/signups/{application_id}/approve"): None,
    ("post", "/v1/admin/signups/{application_id}/reject"): {"reason": "probe"},
    ("patch", "/v1/keys/{key_id}"): {"label": "probe"},
    ("post", "/v1/keys/{key_id}/rotate"): {"grace_seconds": 0},
    ("post", "/v1/admin/keys/{key_id}/rotate"): {"grace_seconds": 0},
    ("put", "/v1/villages/{village_code}"): {"library_name": "Taken over"},
    ("post", "/v1/admin/jobs/rollup/run"): None,
    ("post", "/v1/admin/jobs/rollup"): None,
    # A report for B's village posted with A's key: must be refused, never stored under B.
    ("post", "/v1/reports"): lambda ids: report("visits", village=ids["village_code"]),
    ("put", "/v1/reports/{submission_id}"): lambda ids: {
        **{k: v for k, v in report("visits", village=ids["village_code"]).items() if k != "submission_id"},
        "expected_version": 1,
    },
    ("post", "/v1/stakeholders"): {"name": "probe", "kind": "other"},
    ("patch", "/v1/stakeholders/{stakeholder_id}"): {"name": "probe"},
    ("post", "/v1/commitments"): lambda ids: {
        "stakeholder_id": ids["stakeholder_id"],
        "kind": "policy",
        "description": "probe",
        "due_date": "2030-01-01",
    },
    ("post", "/v1/commitments/{commitment_id}/transitions"): {"to": "committed", "expected_version": 1},
    ("post", "/v1/commitments/{commitment_id}/actions"): {"date": "2026-01-05", "kind": "meeting", "note": "probe"},
    ("post", "/v1/admin/jobs/commitment-reminders/run"): None,
    ("put", "/v1/villages/{village_code}/baseline"): {"monthly": {"visits": 1}, "source": "probe"},
    ("post", "/v1/periods/{month}/approve"): None,
    ("post", "/v1/periods/{month}/reopen"): {"reason": "probe"},
    ("post", "/v1/admin/tenants/{tenant_id}/periods/{month}/reopen"): {"reason": "probe"},
    ("put", "/v1/settings/reporting"): {"deadline_day": 5},
    ("put", "/v1/settings/notifications"): {"reminder_emails": False},
    ("patch", "/v1/commitments/{commitment_id}"): {"expected_version": 1, "description": "Taken over"},
    ("put", "/v1/admin/dhis2-mapping"): {
        "data_elements": {"visits": {"data_element": "fbfJHSPpUQD"}},
        "org_units": {"33.15": "DiszpKrYNg8"},
    },
    ("post", "/v1/reports/{submission_id}/review"): None,
    ("put", "/v1/review-rules"): {"rules": [{"type": "visits", "field": "visitors", "max": 1}]},
    # OpenRosa takes multipart, not JSON; a key that may not submit is refused before the body is read.
    ("post", "/v1/key/{secret}/openrosa/submission"): None,
    ("post", "/v1/openrosa/submission"): None,
    ("post", "/v1/key/{secret}/kobo/{report_type}"): lambda ids: {
        "meta/instanceID": "uuid:" + ids["submission_id"],
        **{k: str(v) for k, v in report("visits", village=ids["village_code"]).items() if k != "submission_id"},
    },
    ("post", "/v1/kobo/{report_type}"): lambda ids: {"meta/instanceID": "uuid:" + ids["submission_id"]},
}

# Path parameters that are public Kemendagri codes, not B's resources: a foreign one may also be
# refused as invalid input (422: "not a village of your regency"), as the villages issue requires.
AREA_CODE_PARAMS = frozenset({"village_code"})
# Path parameters that name what every tenant has (a form, a report type), not B's resources: a
# tenant's own answer is fine there; a leak of B's data is not.
SHARED_NAME_PARAMS = frozenset({"form_id", "report_type", "name"})
# Routes that authenticate with HTTP Basic, not a bearer key: they answer a bearer key with 401.
BASIC_ROUTES = ("/v1/openrosa/", "/v1/kobo/")
# Path parameters that name no resource but a part of the caller's own tenant (a month of its own
# regency): any answer is allowed, as long as nothing of B's shows.
OWN_SCOPE_PARAMS = frozenset({"month"})

# Content only B's data has: finding it in an answer to A is a leak.
SECRET_LIBRARY_NAME = "Perpustakaan Rahasia Tenant B"
SECRET_PARTNER = "Mitra Rahasia Tenant B"
SECRET_STAKEHOLDER = "Kepala Desa Rahasia Tenant B"


def build_foreign_world(api: ApiClient, b: TenantKeys) -> dict[str, str]:
    """Create tenant B's resources through the API; return their ids and secret markers."""
    village = b.operator_villages[0]
    register_village(api, b.admin, village, SECRET_LIBRARY_NAME)
    posted = report("partnership", village=village, partner_name=SECRET_PARTNER)
    response = api.post("/v1/reports", key=b.admin, json=posted)
    assert response.status == 201, response.text
    stakeholder_id = new_stakeholder(api, b, name=SECRET_STAKEHOLDER, village_code=village)["stakeholder_id"]
    commitment = new_commitment(api, b, stakeholder_id, description="Dana Desa", amount_idr=5_000_000)
    assert api.post("/v1/periods/2026-10/approve", key=b.admin).status == 200
    return {
        "tenant_id": b.tenant_id,
        "viewer_key_id": b.key_ids["viewer"],
        "village_code": village,
        "submission_id": posted["submission_id"],
        "stakeholder_id": stakeholder_id,
        "commitment_id": commitment["commitment_id"],
        "application_id": b.application_id,
        "month": "2026-10",
        "library_name": SECRET_LIBRARY_NAME,
        "partner_name": SECRET_PARTNER,
        "stakeholder_name": SECRET_STAKEHOLDER,
        "form_id": "tpbis_visits",
        "report_type": "visits",
        "form_workbook": "visits.xlsx",
        # rollup runs belong to the platform (only its admin may see one): any id stands for one
        "run_id": "20261101T000000-0b0b0b0b",
    }
