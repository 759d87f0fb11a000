"""Truth: for random streams of reports with duplicates, corrections, voids and late data (dated long
ago, and received after the deadline), villages that join on a date, change cohort, get or lose a
recorded baseline or are deactivated, deadlines that change, and rollups run at random moments, the
incremental result equals a from-scratch recomputation and an independent naive computation over the
raw reports, at every level (and for each cohort at the national levels) and for every period touched."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from moto import mock_aws

from chalicelib.domain.principal import Principal, Role
from chalicelib.domain.reports import Incoming
from tests.rollup_oracle import RawReport, RawVillage, World, expected, shown_indicators
from tests.support.villages import VillageBody

NOW = dt.datetime(2026, 11, 20, 3, 0, tzinfo=dt.UTC)
# Three tenants in two provinces; Grobogan's villages in two kecamatan.
VILLAGES = ["33.15.01.2001", "33.15.01.2002", "33.15.02.2001", "33.18.01.2001", "13.07.03.2002"]
DATES = ["2025-11-30", "2025-12-31", "2026-01-01", "2026-03-31", "2026-04-15", "2026-10-31", "2026-11-01", "2026-11-20"]
ENDS = [None, "2025-12-30", "2025-12-31", "2026-03-31", "2026-06-15", "2027-01-01"]
# When a village joined: its derived baseline is over at NOW (2026-07-15: August to October), not yet
# (2026-09-01: September to November), long over with no reports (2019), or over from reports of 2025-12 on.
JOINED = [None, "2019-01-01", "2025-11-30", "2026-01-01", "2026-07-15", "2026-09-01", "2026-11-20"]
COHORTS = [None, "perpuseru-2016", "replikasi-2019"]
# How long after its date a report reached the server (at most NOW): on time, or after the 10th.
RECEIVED_AFTER_DAYS = [0, 9, 12, 45, 400]
PERIODS = [
    "2026-12",
    "2025",
    "2026",
    "2025-Q4",
    "2026-Q1",
    "2026-Q2",
    "2026-Q4",
    "2025-11",
    "2025-12",
    "2026-01",
    "2026-03",
    "2026-04",
    "2026-10",
    "2026-11",
]


def tenant_of(village: str) -> str:
    return village[:5]


def _fields(kind: str, a: int, b: int) -> dict[str, Any]:
    small = min(a, b)
    by_kind: dict[str, dict[str, Any]] = {
        "visits": {"visitors": a, "women": small},
        "activity": {
            "title": "Kelas",
            "category": "class",
            "participants": a,
            "women": small,
            "youth": small // 2,
            "entrepreneurs": 0,
            "disabled": small // 3,
        },
        "media": {"outlet": "Radio", "medium": "radio"},
        "partnership": {"partner_name": "Mitra", "partner_kind": "ngo", "agreement": "mou"},
        "ict": {"computer_sessions": a, "internet_users": b},
    }
    return by_kind[kind]


report_content = st.tuples(
    st.sampled_from(VILLAGES),
    st.sampled_from(["visits", "activity", "media", "partnership", "ict"]),
    st.sampled_from(DATES),
    st.integers(0, 50),
    st.integers(0, 50),
    st.sampled_from(ENDS),
)
operation = st.one_of(
    # a small id pool: retries and conflicts
    st.tuples(st.just("post"), st.integers(0, 7), report_content, st.sampled_from(RECEIVED_AFTER_DAYS)),
    st.tuples(st.just("correct"), st.integers(0, 7), report_content),
    st.tuples(st.just("void"), st.integers(0, 7)),
    st.tuples(st.just("register"), st.sampled_from(VILLAGES), st.sampled_from(JOINED), st.sampled_from(COHORTS)),
    st.tuples(st.just("baseline"), st.sampled_from(VILLAGES), st.sampled_from([None, 0, 15, 40])),
    st.tuples(st.just("deactivate"), st.sampled_from(VILLAGES)),
    st.tuples(st.just("deadline"), st.sampled_from(sorted({v[:5] for v in VILLAGES})), st.sampled_from([1, 10, 28])),
    st.tuples(st.just("rollup")),
)


def _content(spec: tuple[Any, ...]) -> Any:
    from chalicelib.domain.reports import ReportContent, ReportType

    village, kind, date, a, b, ends = spec
    fields = _fields(kind, a, b)
    if kind == "partnership" and ends is not None and ends >= date:
        fields["ends_on"] = ends
    return ReportContent(village_code=village, type=ReportType(kind), date=dt.date.fromisoformat(date), fields=fields)


def _admin(tenant_id: str) -> Principal:
    return Principal(key_id="k-" + tenant_id, role=Role.DISTRICT_ADMIN, tenant_id=tenant_id)


def _snapshot() -> dict[tuple[str | None, str, str, str], dict[str, Any]]:
    """Every indicator value the read side shows, at every level, for every period of the test; and for
    each cohort, at the national levels."""
    tenants = {tenant_of(v) for v in VILLAGES}
    return {
        (cohort, *key): values
        for cohort in COHORTS
        for key, values in shown_indicators(PERIODS, tenants, cohort=cohort).items()
    }


def _received(date: dt.date, days: int) -> dt.datetime:
    return min(NOW, dt.datetime.combine(date + dt.timedelta(days=days), dt.time(9), tzinfo=dt.UTC))


# Each example builds a fresh moto account (~4 s); TPBIS_TRUTH_EXAMPLES=200 for a deep run. Shrinking is kept:
# a failing stream is worth minutes to make small.
@example(
    ops=[("rollup",), ("register", "33.15.02.2001", None, "perpuseru-2016"), ("rollup",)], initial={"33.15.02.2001"}
)
@settings(
    max_examples=int(os.environ.get("TPBIS_TRUTH_EXAMPLES", "10")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.lists(operation, min_size=1, max_size=25), st.sets(st.sampled_from(VILLAGES), min_size=1))
def test_incremental_equals_from_scratch_equals_naive(ops: list[tuple[Any, ...]], initial: set[str]) -> None:
    from chalicelib import aws_clients
    from chalicelib.config import get_settings
    from chalicelib.domain.approvals import PeriodSettings
    from chalicelib.repositories.villages import VillageRepository
    from chalicelib.services import reports as reports_service
    from chalicelib.services import rollup
    from chalicelib.services.periods import update_settings
    from chalicelib.services.villages import deactivate, record_baseline, register
    from devstack.resources import create_all

    get_settings.cache_clear()
    with mock_aws():
        aws_clients.reset()
        create_all(get_settings())
        ids = [str(uuid.UUID(int=i + 1)) for i in range(8)]
        raw: dict[tuple[str, str], RawReport] = {}  # (tenant, submission id) -> final state
        world = World({}, now=NOW)

        def register_village(village: str, joined: str | None = None, cohort: str | None = None) -> None:
            joined_on = dt.date.fromisoformat(joined) if joined else None
            data = VillageBody(village, joined_on=joined_on, cohort=cohort)
            register(principal=_admin(tenant_of(village)), village_code=village, data=data, now=NOW)
            known = world.villages.setdefault(village, RawVillage())
            known.joined_on, known.cohort = data.joined_on, cohort

        from chalicelib.domain.tenants import Tenant, TenantStatus
        from chalicelib.repositories.tenants import TenantRepository

        for tenant in sorted({tenant_of(v) for v in VILLAGES}):
            TenantRepository().add(Tenant(tenant, tenant, "Dinas", "Sri", "s@x.id", TenantStatus.ACTIVE, NOW))
        for village in sorted(initial):
            register_village(village)
        for op in ops:
            if op[0] == "register":
                register_village(op[1], op[2], op[3])
            elif op[0] == "rollup":
                rollup.run(now=NOW, settle_seconds=0)
            elif op[0] == "baseline" and op[1] in world.villages:
                monthly = None if op[2] is None else {"visits": float(op[2]), "participants": op[2] / 2}
                record_baseline(
                    principal=_admin(tenant_of(op[1])), village_code=op[1], monthly=monthly, source="survei", now=NOW
                )
                world.villages[op[1]].baseline = monthly
            elif op[0] == "deactivate" and op[1] in world.villages:
                gone = deactivate(principal=_admin(tenant_of(op[1])), village_code=op[1], now=NOW)
                world.villages[op[1]].deactivated_on = gone.deactivated_on
            elif op[0] == "deadline":
                update_settings(principal=_admin(op[1]), data=PeriodSettings(deadline_day=op[2]))
                world.deadline_days[op[1]] = op[2]
            elif op[0] == "post":
                content = _content(op[2])
                tenant, sid = tenant_of(content.village_code), ids[op[1]]
                received = _received(content.date, op[3])
                [result] = reports_service.submit(
                    principal=_admin(tenant), items=[Incoming(sid, content)], now=received
                )
                if result.status.value == "accepted":
                    raw[(tenant, sid)] = RawReport(
                        content.village_code, content.type.value, content.date, content.fields, received=received
                    )
            elif op[0] in ("correct", "void"):
                matches = [key for key in raw if key[1] == ids[op[1]]]
                if not matches:
                    continue
                tenant, sid = matches[0]
                current = raw[(tenant, sid)]
                try:
                    if op[0] == "void":
                        reports_service.void(principal=_admin(tenant), submission_id=sid, now=NOW)
                        current.void = True
                        continue
                    village, _, *rest = op[2]
                    content = _content((village, current.type, *rest))  # a correction keeps the type
                    if tenant_of(content.village_code) != tenant or current.void:
                        continue
                    stored = reports_service.get(principal=_admin(tenant), submission_id=sid)
                    reports_service.correct(
                        principal=_admin(tenant),
                        submission_id=sid,
                        content=content,
                        expected_version=stored.version,
                        now=NOW,
                    )
                except Exception as exc:  # refused corrections (unregistered village) change nothing
                    if getattr(exc, "code", None) not in ("village_not_registered", "village_deactivated"):
                        raise
                    continue
                raw[(tenant, sid)] = RawReport(
                    content.village_code, content.type.value, content.date, content.fields, received=current.received
                )

        rollup.run(now=NOW, settle_seconds=0)
        incremental = _snapshot()

        reports = list(raw.values())
        for (cohort, level, code, period), values in incremental.items():
            want = expected(reports, world, level, code, period, cohort)
            got = {k: values[k] for k in want}
            assert got == want, (cohort, level, code, period)
        # Scopes with registered villages are all listed, and nothing else; a cohort's nation when it has any.
        registered = set(world.villages)
        for village in registered:
            assert (None, "village", village, "2026-11") in incremental
        assert {c for (_, lvl, c, _) in incremental if lvl == "village"} == registered
        assert all(VillageRepository(tenant_id=tenant_of(v)).get(v) for v in registered)
        for cohort in COHORTS:
            # No cohort: the whole nation, there as soon as any village is registered.
            present = bool(registered) and (cohort is None or any(v.cohort == cohort for v in world.villages.values()))
            assert ((cohort, "national", "ID", "2026-11") in incremental) == present, cohort

        rollup.rebuild(now=NOW)
        assert _snapshot() == incremental
        aws_clients.reset()
