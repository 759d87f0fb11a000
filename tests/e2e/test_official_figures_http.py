"""Official figures over real HTTP, against a stack of its own (`make run`'s code), so that the national
figures are this test's alone: baselines at every level against a recomputation by hand, a late report,
a deactivation, cohorts, an approved month that refuses changes, a stale commitment edit, and the DHIS2
export of a period against its mapping.

Dates are relative to the stack's today (Jakarta), so the test holds whatever day it runs: a report
dated in the current month is on time when posted now; one dated two months back is late."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from chalicelib.domain.dhis2 import conforms
from chalicelib.services.dhis2 import as_mapping
from tests.e2e.conftest import HttpStack, new_tenant, ok, start_stack

pytestmark = pytest.mark.slow

GROBOGAN, PATI = "33.15", "33.18"
A, B, C = "33.15.01.2001", "33.15.01.2002", "33.15.02.2001"  # A and B in kecamatan 33.15.01, C in 33.15.02
PATI_V = "33.18.01.2001"


def _month(today: dt.date, back: int) -> dt.date:
    """The first day of the month `back` months before today's (negative: after)."""
    index = today.year * 12 + today.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


def _key(day: dt.date) -> str:
    return day.strftime("%Y-%m")


@pytest.fixture(scope="module")
def own_stack() -> Iterator[HttpStack]:
    running = start_stack(TPBIS_ROLLUP_SETTLE_SECONDS="0")
    yield running
    running.stop()


def _report(village: str, day: dt.date, kind: str = "visits", **fields: Any) -> dict[str, Any]:
    defaults: dict[str, dict[str, Any]] = {
        "visits": {"women": 0, "children": 0},
        "activity": {"title": "Kelas", "category": "class"},
    }
    return {
        "submission_id": str(uuid.uuid4()),
        "village_code": village,
        "type": kind,
        "date": day.isoformat(),
        **defaults[kind],
        **fields,
    }


def _items(stack: HttpStack, path: str, key: str) -> dict[str, dict[str, Any]]:
    return {item["scope"]["code"]: item for item in ok(stack.call("GET", path, key=key))["items"]}


def _baseline(item: dict[str, Any], name: str) -> tuple[Any, Any, Any]:
    block = item["indicators"][name]
    return block["baseline"], block["baseline_villages"], block["vs_baseline_pct"]


def test_official_figures_follow_their_definitions_over_http(own_stack: HttpStack) -> None:
    stack = own_stack
    today = dt.datetime.now(ZoneInfo("Asia/Jakarta")).date()
    current, two_back, next_month = _month(today, 0), _month(today, 2), _month(today, -1)
    grobogan, pati = new_tenant(stack, GROBOGAN), new_tenant(stack, PATI)
    national = ok(
        stack.call("POST", "/v1/admin/keys", {"role": "national_viewer", "label": "pusat"}, key=stack.admin), 201
    )
    viewer = national["secret"]

    # A joined two years ago with a surveyed baseline; B eight months ago (on the 15th), so its baseline is
    # the mean of its first three full months; C joined today: no baseline yet. Pati's village: no date.
    villages = {
        A: {"joined_on": _month(today, 24).isoformat(), "cohort": "perpuseru-2016"},
        B: {"joined_on": _month(today, 8).replace(day=15).isoformat(), "cohort": "replikasi-2019"},
        C: {"joined_on": today.isoformat(), "cohort": "replikasi-2019"},
    }
    for code, details in villages.items():
        ok(stack.call("PUT", f"/v1/villages/{code}", {"library_name": "Perpustakaan", **details}, key=grobogan), 201)
    ok(stack.call("PUT", f"/v1/villages/{PATI_V}", {"library_name": "Perpustakaan"}, key=pati), 201)
    survey = {"monthly": {"visits": 120, "participants": 30}, "source": "survei awal"}
    ok(stack.call("PUT", f"/v1/villages/{A}/baseline", survey, key=grobogan))

    first_three = [_month(today, 7), _month(today, 6), _month(today, 5)]  # B's: 30, 60 and 0 visits
    late = _report(A, two_back, visitors=5)
    batch = [
        _report(B, first_three[0], visitors=30),
        _report(B, first_three[1], visitors=60),
        _report(A, current, visitors=150),
        _report(A, current, "activity", participants=40),
        _report(B, current, visitors=45),
        _report(C, current, visitors=10),
        late,
    ]
    assert ok(stack.call("POST", "/v1/reports", {"reports": batch}, key=grobogan))["accepted"] == len(batch)
    ok(stack.call("POST", "/v1/reports", _report(PATI_V, current, visitors=7), key=pati), 201)
    ok(stack.call("POST", "/v1/admin/jobs/rollup/run", key=stack.admin))

    # Baselines, by hand: A 120 visits and 30 participants a month; B (30 + 60 + 0) / 3 = 30 visits, 0
    # participants; C none. This month: A 150 visits and 40 participants, B 45 visits, C 10 visits.
    period = _key(current)
    village = _items(stack, f"/v1/indicators?period={period}&level=village", grobogan)
    assert _baseline(village[A], "visits") == (120.0, 1, 25.0)
    assert _baseline(village[A], "participants") == (30.0, 1, 33.33)
    assert _baseline(village[B], "visits") == (30.0, 1, 50.0)
    assert _baseline(village[B], "participants") == (0.0, 1, None)  # a base of 0 gives no percentage
    assert _baseline(village[C], "visits") == (None, 0, None)
    kecamatan = _items(stack, f"/v1/indicators?period={period}&level=kecamatan", grobogan)
    # (150 + 45) against 120 + 30: +30 %; C's 10 visits are not compared, it has no baseline.
    assert _baseline(kecamatan["33.15.01"], "visits") == (150.0, 2, 30.0)
    assert _baseline(kecamatan["33.15.01"], "participants") == (30.0, 2, 33.33)
    assert _baseline(kecamatan["33.15.02"], "visits") == (None, 0, None)
    regency = _items(stack, f"/v1/indicators?period={period}&level=regency", grobogan)[GROBOGAN]
    assert regency["indicators"]["visits"]["value"] == 205
    assert _baseline(regency, "visits") == (150.0, 2, 30.0)
    province = _items(stack, f"/v1/national/indicators?period={period}&level=province", viewer)["33"]
    nation = _items(stack, f"/v1/national/indicators?period={period}&level=national", viewer)["ID"]
    for scope in (province, nation):  # Pati's village has no baseline: the same comparison
        assert scope["indicators"]["visits"]["value"] == 212
        assert _baseline(scope, "visits") == (150.0, 2, 30.0)
        assert _baseline(scope, "participants") == (30.0, 2, 33.33)

    # Completeness and timeliness: all four expected villages reported this month, on time.
    completeness = ("villages_expected", "villages_reporting", "villages_reporting_on_time", "timeliness_pct")
    assert [nation["indicators"][n]["value"] for n in completeness] == [4, 4, 4, 100.0]
    # Two months back: A and B were expected (C joined today); A's report came after the deadline.
    earlier = _items(stack, f"/v1/indicators?period={_key(two_back)}&level=regency", grobogan)[GROBOGAN]
    values = {n: earlier["indicators"][n]["value"] for n in (*completeness, "reporting_rate_pct")}
    assert values == {
        "villages_expected": 2,
        "villages_reporting": 1,
        "villages_reporting_on_time": 0,
        "timeliness_pct": 0.0,
        "reporting_rate_pct": 50.0,
    }

    # Cohorts: the original village against the replication ones, in the national read and the export.
    def by_cohort(cohort: str) -> int:
        path = f"/v1/national/indicators?period={period}&level=national&cohort={cohort}"
        return int(_items(stack, path, viewer)["ID"]["indicators"]["visits"]["value"])

    assert (by_cohort("perpuseru-2016"), by_cohort("replikasi-2019")) == (150, 55)
    assert _items(stack, f"/v1/national/indicators?period={period}&level=national&cohort=none-such", viewer) == {}
    exported = ok(stack.call("GET", f"/v1/national/export?period={period}&cohort=replikasi-2019", key=viewer))
    assert exported["cohort"] == "replikasi-2019"
    regencies = {i["scope"]["code"]: i for i in exported["items"] if i["scope"]["level"] == "regency"}
    assert set(regencies) == {GROBOGAN} and regencies[GROBOGAN]["indicators"]["visits"]["value"] == 55

    # A deactivated village is expected this month still, not from the next one on.
    ok(stack.call("DELETE", f"/v1/villages/{B}", key=grobogan))
    ok(stack.call("POST", "/v1/admin/jobs/rollup/run", key=stack.admin))
    for month, expected in ((period, 3), (_key(next_month), 2)):
        scope = _items(stack, f"/v1/indicators?period={month}&level=regency", grobogan)[GROBOGAN]
        assert scope["indicators"]["villages_expected"]["value"] == expected, month

    # An approved month refuses a new report, a correction and a void, and stores nothing, until reopened.
    month = _key(two_back)
    ok(stack.call("POST", f"/v1/periods/{month}/approve", {}, key=grobogan))
    status, refused = stack.call("POST", "/v1/reports", _report(A, two_back, visitors=9), key=grobogan)
    assert (status, refused["error"]["code"]) == (409, "period_locked")
    correction = {k: v for k, v in late.items() if k != "submission_id"} | {"visitors": 6, "expected_version": 1}
    path = f"/v1/reports/{late['submission_id']}"
    for method, body in (("PUT", correction), ("DELETE", None)):
        status, refused = stack.call(method, path, body, key=grobogan)
        assert (status, refused["error"]["code"]) == (409, "period_locked"), method
    stored = ok(stack.call("GET", path, key=grobogan))["report"]
    assert (stored["version"], stored["status"], stored["visitors"]) == (1, "active", 5)
    listed = ok(stack.call("GET", f"/v1/reports?from={two_back.isoformat()}&to={two_back.isoformat()}", key=grobogan))
    assert [r["submission_id"] for r in listed["items"]] == [late["submission_id"]]
    ok(stack.call("POST", "/v1/admin/jobs/rollup/run", key=stack.admin))
    regencies = _items(stack, f"/v1/national/indicators?period={month}&level=regency", viewer)
    assert regencies[GROBOGAN]["approval"]["figures"] == "approved"
    assert regencies[PATI]["approval"]["figures"] == "provisional"
    nation_approval = _items(stack, f"/v1/national/indicators?period={month}&level=national", viewer)["ID"]["approval"]
    assert (nation_approval["figures"], nation_approval["approved_pct"]) == ("provisional", 50.0)
    ok(stack.call("POST", f"/v1/periods/{month}/reopen", {"reason": "koreksi data desa"}, key=grobogan))
    ok(stack.call("PUT", path, correction, key=grobogan))

    # A commitment edited from a stale version is refused.
    stakeholder = ok(stack.call("POST", "/v1/stakeholders", {"name": "Bupati", "kind": "regent"}, key=grobogan), 201)
    commitment = {
        "stakeholder_id": stakeholder["stakeholder_id"],
        "kind": "budget",
        "description": "APBD desa",
        "amount_idr": 40_000_000,
    }
    commitment["due_date"] = _month(today, -3).isoformat()
    created = ok(stack.call("POST", "/v1/commitments", commitment, key=grobogan), 201)
    edit = f"/v1/commitments/{created['commitment_id']}"
    ok(stack.call("PATCH", edit, {"expected_version": 1, "amount_idr": 50_000_000}, key=grobogan))
    status, stale = stack.call("PATCH", edit, {"expected_version": 1, "amount_idr": 60_000_000}, key=grobogan)
    assert (status, stale["error"]["code"]) == (409, "version_conflict")

    # The DHIS2 export of the period validates against the uploaded mapping.
    mapping = {
        "data_elements": {"visits": {"data_element": "fbfJHSPpUQD"}, "timeliness_pct": {"data_element": "TimelyUID01"}},
        "org_units": {"ID": "ImspTQPwCqd", "33": "O6uvpzGd5pu", GROBOGAN: "DiszpKrYNg8", PATI: "PatiUID0001"},
    }
    ok(stack.call("PUT", "/v1/admin/dhis2-mapping", mapping, key=stack.admin))
    payload = ok(stack.call("GET", f"/v1/national/export?period={period}&format=dhis2", key=viewer))
    assert conforms(payload, as_mapping(mapping)) == []
    visits = {v["orgUnit"]: v["value"] for v in payload["dataValues"] if v["dataElement"] == "fbfJHSPpUQD"}
    assert visits == {"ImspTQPwCqd": "212", "O6uvpzGd5pu": "212", "DiszpKrYNg8": "205", "PatiUID0001": "7"}
