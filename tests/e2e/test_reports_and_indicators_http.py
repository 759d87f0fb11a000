"""Village reports and indicator rollups over real HTTP, against `make run`'s stack: a batch with every
outcome, retries, a correction, a void, a late report for a past month, then the indicators at every
level and the national export."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from tests.e2e.conftest import HttpStack
from tests.factories import report, signup_payload

BLORA, BANTUL = "33.16", "34.02"
V1, V2, V3 = "33.16.01.2001", "33.16.01.2002", "33.16.02.1005"  # two in kecamatan 33.16.01, one in 33.16.02
BANTUL_V = "34.02.01.2001"


def _tenant(stack: HttpStack, code: str, villages: tuple[str, ...]) -> dict[str, str]:
    assert stack.call("POST", "/v1/signup", signup_payload(code))[0] == 202
    status, body = stack.call("POST", f"/v1/admin/tenants/{code}/approve", key=stack.admin)
    assert status == 200, body
    admin = body["admin_key"]["secret"]
    for village in villages:
        assert stack.call("PUT", f"/v1/villages/{village}", {"library_name": "Perpustakaan Desa"}, key=admin)[0] == 201
    status, operator = stack.call(
        "POST", "/v1/keys", {"role": "operator", "label": "desa", "villages": [villages[0]]}, key=admin
    )
    assert status == 201
    status, viewer = stack.call("POST", "/v1/keys", {"role": "viewer", "label": "dash"}, key=admin)
    assert status == 201
    return {"admin": admin, "operator": operator["secret"], "viewer": viewer["secret"]}


def _visits(village: str, date: str, visitors: int) -> dict[str, Any]:
    return report("visits", village=village, date=date, visitors=visitors, women=0, children=0)


def _values(stack: HttpStack, path: str, key: str, name: str) -> dict[str, Any]:
    status, body = stack.call("GET", path, key=key)
    assert status == 200, body
    return {item["scope"]["code"]: item["indicators"][name]["value"] for item in body["items"]}


def test_reports_flow_into_indicators_at_every_level(stack: HttpStack) -> None:
    blora = _tenant(stack, BLORA, (V1, V2, V3))
    bantul = _tenant(stack, BANTUL, (BANTUL_V,))
    status, national = stack.call(
        "POST", "/v1/admin/keys", {"role": "national_viewer", "label": "dash"}, key=stack.admin
    )
    assert status == 201
    national_key = national["secret"]

    # One batch from the operator's phone: new, a retry inside the batch, a conflicting reuse of an id,
    # an invalid report and a village that is not the operator's.
    first = _visits(V1, "2026-11-03", 10)
    activity = report("activity", village=V1, date="2026-11-05", participants=8, women=5, youth=2, entrepreneurs=3)
    batch = [first, activity, first, {**first, "visitors": 99}, {**_visits(V1, "2026-11-04", 1), "visitors": -1}]
    batch.append(_visits(V2, "2026-11-04", 5))
    status, body = stack.call("POST", "/v1/reports", {"reports": batch}, key=blora["operator"])
    assert status == 200, body
    assert [r["status"] for r in body["results"]] == [
        "accepted",
        "accepted",
        "duplicate",
        "rejected",
        "rejected",
        "rejected",
    ]
    assert body["results"][3]["errors"][0]["code"] == "conflict"
    assert body["results"][5]["errors"][0]["code"] == "forbidden"

    # The phone retries the whole batch, four times at once: nothing is stored twice.
    with ThreadPoolExecutor(4) as pool:
        retries = list(
            pool.map(
                lambda _: stack.call("POST", "/v1/reports", {"reports": batch[:3]}, key=blora["operator"]), range(4)
            )
        )
    for status, body in retries:
        assert status == 200 and body["accepted"] == 0 and body["duplicates"] == 3, body
    status, listed = stack.call("GET", f"/v1/reports?village_code={V1}", key=blora["viewer"])
    assert sorted(r["submission_id"] for r in listed["items"]) == sorted(
        [first["submission_id"], activity["submission_id"]]
    )

    second = _visits(V2, "2026-11-04", 5)
    late_month = _visits(V3, "2026-10-20", 4)
    assert stack.call("POST", "/v1/reports", {"reports": [second, late_month]}, key=blora["admin"])[1]["accepted"] == 2
    assert (
        stack.call("POST", "/v1/reports", {"reports": [_visits(BANTUL_V, "2026-11-10", 7)]}, key=bantul["admin"])[0]
        == 200
    )

    # The operator sees only its village; another tenant's keys neither see nor touch Blora's reports.
    assert stack.call("GET", f"/v1/reports/{second['submission_id']}", key=blora["operator"])[0] == 404
    assert stack.call("GET", f"/v1/reports/{first['submission_id']}", key=blora["operator"])[0] == 200
    assert stack.call("GET", f"/v1/reports/{first['submission_id']}", key=bantul["admin"])[0] == 404
    assert stack.call("DELETE", f"/v1/reports/{first['submission_id']}", key=bantul["admin"])[0] == 404
    assert (
        stack.call("POST", "/v1/reports", {"reports": [_visits(V1, "2026-11-06", 1)]}, key=bantul["admin"])[1][
            "rejected"
        ]
        == 1
    )

    status, summary = stack.call("POST", "/v1/admin/jobs/rollup/run", key=stack.admin)
    assert status == 200 and "2026-11" in summary["national_periods"], summary
    month = "period=2026-11"
    assert _values(stack, f"/v1/indicators?{month}&level=village", blora["viewer"], "visits") == {V1: 10, V2: 5, V3: 0}
    assert _values(stack, f"/v1/indicators?{month}&level=kecamatan", blora["viewer"], "visits") == {
        "33.16.01": 15,
        "33.16.02": 0,
    }
    assert _values(stack, f"/v1/indicators?{month}&level=regency", blora["viewer"], "visits") == {BLORA: 15}
    assert _values(stack, f"/v1/indicators?{month}&level=regency", blora["viewer"], "participants_women") == {BLORA: 5}
    assert _values(stack, f"/v1/indicators?{month}&level=village", blora["operator"], "visits") == {V1: 10}

    # A correction, a void and a late report for a past month (June 2025), then the next run.
    content = {k: v for k, v in first.items() if k != "submission_id"}
    status, corrected = stack.call(
        "PUT",
        f"/v1/reports/{first['submission_id']}",
        {**content, "visitors": 12, "expected_version": 1},
        key=blora["admin"],
    )
    assert status == 200 and corrected["report"]["version"] == 2
    status, voided = stack.call("DELETE", f"/v1/reports/{second['submission_id']}", key=blora["admin"])
    assert status == 200 and [h["action"] for h in voided["history"]] == ["created", "voided"]
    late = _visits(V3, "2025-06-15", 30)
    assert stack.call("POST", "/v1/reports", {"reports": [late]}, key=blora["admin"])[1]["accepted"] == 1
    status, detail = stack.call("GET", f"/v1/reports/{first['submission_id']}", key=blora["viewer"])
    assert [h["action"] for h in detail["history"]] == ["created", "corrected"]
    assert detail["history"][1]["changes"] == [{"field": "visitors", "old": 10, "new": 12}]

    status, summary = stack.call("POST", "/v1/admin/jobs/rollup/run", key=stack.admin)
    assert status == 200 and {"2026-11", "2025-06"} <= set(summary["national_periods"]), summary
    assert _values(stack, f"/v1/indicators?{month}&level=village", blora["viewer"], "visits") == {V1: 12, V2: 0, V3: 0}
    assert _values(stack, f"/v1/indicators?{month}&level=regency", blora["viewer"], "visits") == {BLORA: 12}
    assert _values(stack, "/v1/indicators?period=2026-Q4&level=regency", blora["viewer"], "visits") == {BLORA: 16}
    assert _values(stack, "/v1/indicators?period=2025-06&level=kecamatan", blora["viewer"], "visits") == {
        "33.16.01": 0,
        "33.16.02": 30,
    }
    assert _values(stack, "/v1/indicators?period=2025&level=regency", blora["viewer"], "visits") == {BLORA: 30}

    national_path = "/v1/national/indicators?period=2026-11&level="
    # The stack is shared with the other e2e tests, whose tenants may report too: each level above a
    # regency is checked as the sum of the regencies under it.
    regencies = _values(stack, national_path + "regency", national_key, "visits")
    assert {BLORA: 12, BANTUL: 7}.items() <= regencies.items()
    provinces = _values(stack, national_path + "province", national_key, "visits")
    for province in ("33", "34"):
        assert provinces[province] == sum(v for code, v in regencies.items() if code.startswith(province + "."))
    nation = sum(regencies.values())
    assert _values(stack, national_path + "national", national_key, "visits") == {"ID": nation}
    status, exported = stack.call("GET", "/v1/national/export?period=2026-11&format=json", key=national_key)
    assert status == 200
    national_rows = [i for i in exported["items"] if i["scope"]["level"] == "national"]
    assert national_rows[0]["indicators"]["visits"]["value"] == nation
    assert stack.call("GET", national_path + "national", key=blora["admin"])[0] == 403

    # Re-running changes nothing.
    status, rerun = stack.call("POST", "/v1/admin/jobs/rollup/run", key=stack.admin)
    assert status == 200 and rerun["aggregates_written"] == 0, rerun


def test_a_partnership_with_no_end_date_is_accepted_and_the_regency_s_other_reports_still_count(
    stack: HttpStack,
) -> None:
    demak_v1, demak_v2 = "33.21.01.2001", "33.21.01.2002"  # a regency no other test of the session uses
    demak = _tenant(stack, "33.21", (demak_v1, demak_v2))
    partnership = report(
        "partnership", village=demak_v1, date="2026-11-03", partner_name="Karang Taruna", ends_on="9999-12-31"
    )
    status, body = stack.call(
        "POST", "/v1/reports", {"reports": [partnership, _visits(demak_v2, "2026-11-04", 13)]}, key=demak["admin"]
    )
    assert (status, body["accepted"]) == (200, 2), body

    status, summary = stack.call("POST", "/v1/admin/jobs/rollup/run", key=stack.admin)
    assert status == 200 and summary["tenants_failed"] == [] and summary["reports_failed"] == 0, summary
    path = "/v1/indicators?period=2026-11&level=regency"
    assert _values(stack, path, demak["viewer"], "visits") == {"33.21": 13}
    assert _values(stack, path, demak["viewer"], "partnerships_active") == {"33.21": 1}
    status, problems = stack.call("GET", "/v1/rollup/problems", key=demak["admin"])
    assert (status, problems["items"]) == (200, [])
