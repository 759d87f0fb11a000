"""DynamoDB requests of an OpenRosa submission against the same report posted as JSON, on moto.

Each case is one report sent alone, as a phone sends it, through the local API Gateway (the key
lookup included): a new report, its retry (a duplicate), and a correction (an OpenRosa edit with
`meta/deprecatedID` against `PUT /v1/reports/{id}`). Prints requests and item writes of each path
and their ratio (goal: OpenRosa at most 1.5 times the JSON requests).
Run: make bench   (or python -m benchmarks.openrosa [repeats])
"""

from __future__ import annotations

import re
import statistics
import sys
import uuid
from functools import partial
from typing import Any

from benchmarks.support import counting_dynamodb, quiet_aws_environment

quiet_aws_environment()

from moto import mock_aws  # noqa: E402

from benchmarks.ingestion import VILLAGE, _setup  # noqa: E402

VALUES = {"village_code": VILLAGE, "date": "2026-11-03", "computer_sessions": 4, "internet_users": 3}


def _measure(call: Any) -> tuple[int, int]:
    with counting_dynamodb() as counter:
        call()
    return counter.total_requests, counter.item_writes


def run(repeats: int) -> dict[str, dict[str, float]]:
    from tests.openrosa_client import COLLECT_HEADERS, instance_xml, multipart

    with mock_aws():
        api, admin = _setup()
        key = api.post("/v1/keys", key=admin, json={"role": "operator", "label": "op", "villages": [VILLAGE]}).json
        operator, base = key["secret"], f"/v1/key/{key['secret']}/openrosa"
        listed = api.get(base + "/formList").text
        version = re.search(r"<formID>tpbis_ict</formID><name>[^<]*</name><version>([^<]+)", listed)
        assert version is not None
        form = {"form_id": "tpbis_ict", "version": version.group(1)}
        samples: dict[str, list[tuple[int, int]]] = {}

        def post_xml(xml: bytes, status: int = 201) -> None:
            content_type, body = multipart(xml)
            response = api.post(
                base + "/submission", body=body, headers={**COLLECT_HEADERS, "content-type": content_type}
            )
            assert response.status == status, response.text

        def post_json(body: dict[str, Any], status: int) -> None:
            response = api.post("/v1/reports", key=operator, json=body)
            assert response.status == status, response.text

        def put_json(sid: str, body: dict[str, Any]) -> None:
            response = api.put(f"/v1/reports/{sid}", key=operator, json=body)
            assert response.status == 200, response.text

        for _ in range(repeats):
            sid, edit_id, json_sid = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
            xml = instance_xml(form, VALUES, instance_id=sid)
            edited = instance_xml(form, {**VALUES, "internet_users": 4}, instance_id=edit_id, deprecated_id=sid)
            report = {"submission_id": json_sid, "type": "ict", **VALUES}
            correction = {"type": "ict", **VALUES, "internet_users": 4, "expected_version": 1}
            for name, call in (
                ("openrosa new", partial(post_xml, xml)),
                ("json new", partial(post_json, report, 201)),
                ("openrosa retry", partial(post_xml, xml)),
                ("json retry", partial(post_json, report, 200)),
                ("openrosa edit", partial(post_xml, edited)),
                ("json correction", partial(put_json, json_sid, correction)),
            ):
                samples.setdefault(name, []).append(_measure(call))
        return {
            name: {
                "requests": statistics.median(s[0] for s in values),
                "writes": statistics.median(s[1] for s in values),
            }
            for name, values in samples.items()
        }


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    figures = run(repeats)
    print(f"One report sent alone, through the local gateway (key lookup included), median of {repeats}:")
    for openrosa, plain in (
        ("openrosa new", "json new"),
        ("openrosa retry", "json retry"),
        ("openrosa edit", "json correction"),
    ):
        a, b = figures[openrosa], figures[plain]
        print(
            f"  {openrosa:15}: {a['requests']:.0f} DynamoDB requests, {a['writes']:.0f} item writes   "
            f"{plain:16}: {b['requests']:.0f} requests, {b['writes']:.0f} writes   "
            f"-> {a['requests'] / b['requests']:.2f}x requests   (goal <= 1.5x)"
        )


if __name__ == "__main__":
    main()
