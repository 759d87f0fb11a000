"""Ingestion cost of POST /v1/reports, on moto, side by side with the raw writes it needs.

For a batch of 100 new reports and a batch of the same 100 again (all duplicates), prints
DynamoDB requests and item writes per report, and the handler's time per report (through the
local API Gateway: auth, parsing, validation, storage) against the time of the bare DynamoDB
writes a new report needs (one conditional PutItem each, plus the batch's marker update),
as a ratio of medians over alternating repeats.
Run: make bench   (or python -m benchmarks.ingestion [repeats])
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
import sys
import time
import uuid
from typing import Any

from benchmarks.support import DynamoCounter, counting_dynamodb, quiet_aws_environment

quiet_aws_environment()

from moto import mock_aws  # noqa: E402

BATCH = 100
TENANT, VILLAGE = "33.15", "33.15.01.2001"
ADMIN = "bench-platform-admin-secret-0123456789"


def _batch(month: str) -> list[dict[str, Any]]:
    """What one phone sends after a month offline: 100 reports of one village, of every type."""
    kinds: list[tuple[str, dict[str, Any]]] = [
        ("visits", {"visitors": 14, "women": 8, "children": 4}),
        ("activity", {"title": "Kelas ibu hamil", "category": "class", "participants": 18, "women": 18}),
        ("ict", {"computer_sessions": 22, "internet_users": 19}),
        ("media", {"outlet": "Radio Grobogan", "medium": "radio"}),
    ]
    return [
        {
            "submission_id": str(uuid.uuid4()),
            "village_code": VILLAGE,
            "type": kinds[i % 4][0],
            "date": f"{month}-{1 + i % 28:02d}",
            **kinds[i % 4][1],
        }
        for i in range(BATCH)
    ]


def _setup() -> tuple[Any, str]:
    from app import app
    from chalicelib.config import get_settings
    from chalicelib.services.keys import install_bootstrap_key
    from devstack.resources import create_all
    from tests.http_client import ApiClient

    get_settings.cache_clear()
    create_all(get_settings())
    install_bootstrap_key(ADMIN)
    api = ApiClient(app)
    api.post(
        "/v1/signup",
        json={"regency_code": TENANT, "office_name": "Dinas", "contact_name": "Sri", "contact_email": "sri@example.id"},
    )
    admin = api.post(f"/v1/admin/tenants/{TENANT}/approve", key=ADMIN).json["admin_key"]["secret"]
    api.put(f"/v1/villages/{VILLAGE}", key=admin, json={"library_name": "Perpusdes"})
    return api, admin


def _raw_writes(items: list[dict[str, Any]], month: str) -> float:
    """Seconds for the bare DynamoDB writes of a batch: one conditional put per report + one marker update."""
    import boto3

    from chalicelib.config import get_settings

    client = boto3.client("dynamodb")
    table = get_settings().table_name("reports")
    changes = get_settings().table_name("changes")
    started = time.perf_counter()
    client.update_item(
        TableName=changes,
        Key={"pk": {"S": "raw"}, "sk": {"S": f"{TENANT}#{month}"}},
        UpdateExpression="SET scopes = :m",
        ExpressionAttributeValues={":m": {"M": {VILLAGE: {"S": "t"}}}},
    )
    for item in items:
        raw = {k: {"S": str(v)} for k, v in item.items()}
        raw.update(
            tenant_id={"S": "raw-" + TENANT},
            submission_id={"S": item["submission_id"]},
            village_key={"S": f"{TENANT}#{VILLAGE}"},
            date_key={"S": f"{item['date']}#{item['submission_id']}"},
            history={"S": json.dumps([{"version": 1, "action": "created"}])},
        )
        client.put_item(TableName=table, Item=raw, ConditionExpression="attribute_not_exists(submission_id)")
    return time.perf_counter() - started


def _post_twice(api: Any, admin: str, month: str, *, bill: bool) -> tuple[DynamoCounter, DynamoCounter, float, float]:
    """Post a batch of new reports, then the same again (duplicates): their counters and times."""
    items = _batch(month)
    counters, times = [], []
    for expected in ("accepted", "duplicates"):
        with counting_dynamodb(bill_writes=bill) as counter:
            started = time.perf_counter()
            response = api.post("/v1/reports", key=admin, json={"reports": items})
            times.append(time.perf_counter() - started)
        assert response.json[expected] == BATCH, response.text
        counters.append(counter)
    return counters[0], counters[1], times[0], times[1]


def _billed(api: Any, admin: str) -> dict[str, float]:
    """Billed units per report, in a pass of its own (the meter reads every written item, which would
    slow the timed passes): a month dirty in one village, and a month already dirty in 852 villages
    (as large as Aceh Utara, the largest regency), where the batch's marker write is what grows."""
    from chalicelib.repositories import changes

    figures: dict[str, float] = {}
    busy = [("2024-11", f"{TENANT}.{1 + k // 30:02d}.{2001 + k % 30}") for k in range(852)]
    changes.mark_changed(tenant_id=TENANT, changes=busy)
    for label, month in (("", "2024-10"), ("busy_", "2024-11")):
        new, dup, _, _ = _post_twice(api, admin, month, bill=True)
        figures.update(
            {
                f"{label}new_wcu_per_report": new.write_units / BATCH,
                f"{label}new_rcu_per_report": new.read_units / BATCH,
                f"{label}dup_wcu_per_report": dup.write_units / BATCH,
                f"{label}dup_rcu_per_report": dup.read_units / BATCH,
                f"{label}largest_item_written": new.largest_item_written,
            }
        )
    return figures


def run(repeats: int) -> dict[str, float]:
    with mock_aws():
        api, admin = _setup()
        figures = _billed(api, admin)
        handler_new, raw_new, handler_dup = [], [], []
        for r in range(repeats):
            month = (dt.date(2025, 1, 1) + dt.timedelta(days=31 * r)).strftime("%Y-%m")
            new, dup, new_seconds, dup_seconds = _post_twice(api, admin, month, bill=False)
            handler_new.append(new_seconds)
            handler_dup.append(dup_seconds)
            raw_new.append(_raw_writes(_batch(month), month))
            figures.update(
                new_requests_per_report=new.total_requests / BATCH,
                new_writes_per_report=new.item_writes / BATCH,
                dup_requests_per_report=dup.total_requests / BATCH,
                dup_writes_per_report=dup.item_writes / BATCH,
            )
        h, raw, d = (statistics.median(x) * 1000 / BATCH for x in (handler_new, raw_new, handler_dup))
        figures.update(handler_ms_per_report=h, raw_ms_per_report=raw, dup_handler_ms_per_report=d, ratio=h / raw)
        return figures


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    f = run(repeats)
    print(f"POST /v1/reports, batches of {BATCH} (one village, one month), moto in-process, median of {repeats}:")
    print(
        f"  new reports : {f['new_requests_per_report']:.2f} DynamoDB requests and "
        f"{f['new_writes_per_report']:.2f} item writes per report   (target <= 1.1 writes)"
    )
    print(
        f"  duplicates  : {f['dup_requests_per_report']:.2f} requests and {f['dup_writes_per_report']:.2f} item "
        f"writes per report   (target 0 writes)"
    )
    for label, month in (("", "a month dirty in its village only"), ("busy_", "a month dirty in 852 villages")):
        print(
            f"  billed, {month}: new {f[label + 'new_wcu_per_report']:.2f} WCU (target <= 2, indexes and "
            f"markers included) and {f[label + 'new_rcu_per_report']:.2f} RCU per report; duplicates "
            f"{f[label + 'dup_wcu_per_report']:.2f} WCU and {f[label + 'dup_rcu_per_report']:.2f} RCU; largest "
            f"item written {f[label + 'largest_item_written']:,.0f} bytes"
        )
    print(
        f"  handler     : {f['handler_ms_per_report']:.2f} ms per new report, raw writes "
        f"{f['raw_ms_per_report']:.2f} ms -> {f['ratio']:.2f}x   (target <= 3x); duplicates "
        f"{f['dup_handler_ms_per_report']:.2f} ms per report"
    )


if __name__ == "__main__":
    main()
