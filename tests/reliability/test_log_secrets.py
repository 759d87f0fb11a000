"""No key secret and no Authorization header value ever reaches a log line.

A full scenario (sign-up, approval, keys of every role, villages, reports, corrections, a rollup,
indicators, stakeholders and commitments, reminders, a revoked and a forged key, a throttled request)
runs with every logger of the process at DEBUG: the Powertools logger's own JSON output (its stdout
handler is pointed at a buffer) and every other log record (botocore, PynamoDB, Chalice, moto...) with
all its attributes. Neither may contain a secret, a bearer value, or a header line carrying one.
"""

from __future__ import annotations

import io
import json
import logging
import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from tests.factories import GROBOGAN, register_village, report, signup_payload
from tests.faults import DynamoFaults, injected
from tests.http_client import ApiClient


class _Everything(logging.Handler):
    """Keeps every record with all its attributes (message, args, extras, exception text)."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except Exception:  # a record whose args do not fit its message: keep both raw
            message = f"{record.msg!r} {record.args!r}"
        attributes = {k: repr(v) for k, v in record.__dict__.items() if k not in ("msg", "args")}
        text = self.format(record) if record.exc_info else ""
        self.lines.append(f"{record.name} {message} {json.dumps(attributes)} {text}")


@pytest.fixture
def captured() -> Iterator[tuple[io.StringIO, _Everything]]:
    from chalicelib.observability import logger

    powertools_out = io.StringIO()
    handler = logger.registered_handler
    assert isinstance(handler, logging.StreamHandler)
    previous_stream = handler.setStream(powertools_out)
    everything = _Everything()
    root = logging.getLogger()
    levels = {name: logging.getLogger(name).level for name in ("", "tpbis", "botocore", "pynamodb", "chalice")}
    root.addHandler(everything)
    logging.getLogger("tpbis").addHandler(everything)
    for name in levels:
        logging.getLogger(name).setLevel(logging.DEBUG)
    try:
        yield powertools_out, everything
    finally:
        handler.setStream(previous_stream)
        root.removeHandler(everything)
        logging.getLogger("tpbis").removeHandler(everything)
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


def _scenario(api: ApiClient, admin_key: str) -> list[str]:
    """Everything a tenant and the program do in a month; returns every secret and bearer value used."""
    used = [admin_key]
    assert api.post("/v1/signup", json=signup_payload(GROBOGAN)).status == 202
    approved = api.post(f"/v1/admin/tenants/{GROBOGAN}/approve", key=admin_key)
    district = approved.json["admin_key"]["secret"]
    village, other = "33.15.01.2001", "33.15.01.2002"
    operator = api.post("/v1/keys", key=district, json={"role": "operator", "label": "op", "villages": [village]}).json
    viewer = api.post("/v1/keys", key=district, json={"role": "viewer", "label": "v"}).json
    national = api.post("/v1/admin/keys", key=admin_key, json={"role": "national_viewer", "label": "dash"}).json
    replacement = api.post(
        "/v1/admin/keys", key=admin_key, json={"role": "district_admin", "label": "lost", "tenant_id": GROBOGAN}
    )
    used += [district, operator["secret"], viewer["secret"], national["secret"]]
    if replacement.status == 201:
        used.append(replacement.json["secret"])
    register_village(api, district, village)
    register_village(api, district, other)
    batch = [report(kind, village=village) for kind in ("visits", "activity", "media", "partnership", "ict")]
    assert api.post("/v1/reports", key=operator["secret"], json={"reports": batch}).status == 200
    single = report("visits", village=other)
    assert api.post("/v1/reports", key=district, json=single).status == 201
    correction = {k: v for k, v in single.items() if k != "submission_id"} | {"visitors": 40, "expected_version": 1}
    assert api.put(f"/v1/reports/{single['submission_id']}", key=district, json=correction).status == 200
    assert api.delete(f"/v1/reports/{batch[2]['submission_id']}", key=operator["secret"]).status == 200
    assert api.get("/v1/reports", key=viewer["secret"]).status == 200
    assert api.post("/v1/admin/jobs/rollup/run", key=admin_key).status == 200
    assert api.get("/v1/indicators?period=2026-11", key=viewer["secret"]).status == 200
    assert api.get("/v1/national/indicators?period=2026-11", key=national["secret"]).status == 200
    stakeholder = api.post(
        "/v1/stakeholders",
        key=district,
        json={"name": "Kepala Desa", "kind": "village_head", "village_code": village},
        headers={"Idempotency-Key": str(uuid.uuid4())},
    ).json
    commitment = api.post(
        "/v1/commitments",
        key=district,
        json={
            "stakeholder_id": stakeholder["stakeholder_id"],
            "kind": "budget",
            "amount_idr": 9_000_000,
            "description": "Dana Desa",
            "due_date": "2026-11-15",
        },
    ).json
    cid = commitment["commitment_id"]
    assert (
        api.post(
            f"/v1/commitments/{cid}/transitions", key=district, json={"to": "committed", "expected_version": 1}
        ).status
        == 201
    )
    assert (
        api.post(
            f"/v1/commitments/{cid}/transitions", key=district, json={"to": "committed", "expected_version": 1}
        ).status
        == 409
    )
    assert (
        api.post(
            f"/v1/commitments/{cid}/actions",
            key=district,
            json={"date": "2026-11-20", "kind": "meeting", "note": "rapat"},
        ).status
        == 201
    )
    assert api.post("/v1/admin/jobs/commitment-reminders/run", key=admin_key).status == 200
    assert api.get(f"/v1/commitments/{cid}", key=operator["secret"]).status == 200
    # ODK Collect: the key in the path and in Basic credentials, a retry, a wrong key, hostile XML.
    _openrosa(api, operator, village)
    # Refusals: a revoked key, a forged key, a malformed header, a wrong role, a throttled key store.
    assert api.delete(f"/v1/keys/{viewer['key_id']}", key=district).status == 204
    assert api.get("/v1/villages", key=viewer["secret"]).status == 401
    forged = "tpbis_" + uuid.uuid4().hex[:16] + "_" + uuid.uuid4().hex
    assert api.get("/v1/villages", key=forged).status == 401
    garbage = "not-a-key-" + uuid.uuid4().hex
    assert api.get("/v1/villages", key=garbage).status == 401
    assert api.get("/v1/villages", headers={"authorization": f"Basic {garbage}"}).status == 401
    assert api.post("/v1/admin/jobs/rollup/run", key=operator["secret"]).status == 403
    with injected(DynamoFaults(throttle=1.0, only=lambda op, table: table.endswith("api_keys"))):
        assert api.get("/v1/villages", key=district).status == 503
    used += [forged, garbage]
    return used


def _openrosa(api: ApiClient, operator: dict[str, Any], village: str) -> None:
    from tests.openrosa_client import COLLECT_HEADERS, basic, instance_xml, multipart

    path = f"/v1/key/{operator['secret']}/openrosa"
    auth = {"authorization": basic(operator["key_id"], operator["secret"])}
    listed = api.get(path + "/formList", headers=COLLECT_HEADERS)
    assert listed.status == 200
    assert api.get("/v1/openrosa/formList", headers={**COLLECT_HEADERS, **auth}).status == 200
    version = re.search(r"<formID>tpbis_ict</formID><name>[^<]*</name><version>([^<]+)", listed.text)
    assert version is not None
    values = {"village_code": village, "date": "2026-11-04", "computer_sessions": 2, "internet_users": 1}
    content_type, body = multipart(instance_xml({"form_id": "tpbis_ict", "version": version.group(1)}, values))
    sent = {**COLLECT_HEADERS, "content-type": content_type}
    assert api.request("HEAD", path + "/submission", headers=COLLECT_HEADERS).status == 204
    assert api.post(path + "/submission", body=body, headers=sent).status == 201
    assert api.post("/v1/openrosa/submission", body=body, headers={**sent, **auth}).status == 201
    wrong = operator["secret"][:-4] + "abcd"
    assert api.post(f"/v1/key/{wrong}/openrosa/submission", body=body, headers=sent).status == 403
    bad_basic = {"authorization": basic(operator["key_id"], wrong)}
    assert api.post("/v1/openrosa/submission", body=body, headers={**sent, **bad_basic}).status == 401
    content_type, hostile = multipart(b'<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><data>&x;</data>')
    assert api.post(path + "/submission", body=hostile, headers={**sent, "content-type": content_type}).status == 400


def test_no_secret_or_authorization_value_reaches_any_log(
    api: ApiClient, admin_key: str, captured: tuple[io.StringIO, Any], fast: None
) -> None:
    from chalicelib.observability import logger

    powertools_out, everything = captured
    used = _scenario(api, admin_key)
    logger.info("capture check", extra={"marker": "log-capture-works"})
    json_lines = [line for line in powertools_out.getvalue().splitlines() if line.strip()]
    text = "\n".join(json_lines + everything.lines)
    # The capture really saw the scenario: one JSON line per request, the warnings, the refusals.
    assert "log-capture-works" in powertools_out.getvalue() and "log-capture-works" in "\n".join(everything.lines)
    requests = [json.loads(line) for line in json_lines if '"message":"request"' in line.replace(" ", "")]
    assert len(requests) >= 30, len(requests)
    assert {r["status"] for r in requests} >= {200, 201, 401, 403, 409, 503}
    assert any("botocore" in line for line in everything.lines), "DEBUG records of the AWS clients were captured"
    assert {"/v1/key/{secret}/openrosa/submission", "/v1/openrosa/submission"} <= {r["route"] for r in requests}
    leaked = [secret[:12] + "..." for secret in used if secret in text]  # never print a whole secret
    assert leaked == [], f"secrets reached the logs: {leaked}"
    assert not re.search(r"(?i)bearer\s+(?!\[redacted\])[A-Za-z0-9_\-]{8,}", text), "an Authorization value in the logs"
    assert not re.search(r"tpbis_[A-Za-z0-9]+_[A-Za-z0-9_\-]{8,}", text), (
        "something shaped like a key secret in the logs"
    )
