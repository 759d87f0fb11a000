"""The rollup survives crashes, reruns and races with writers, and its work follows what changed."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from chalicelib.domain.principal import Principal, Role
from chalicelib.domain.reports import Incoming, ReportContent, ReportType
from chalicelib.domain.tenants import Tenant, TenantStatus
from chalicelib.repositories import changes, jobs
from chalicelib.repositories.aggregates import FigureKey, FigureStore, national_figures, tenant_figures
from chalicelib.services import reports as reports_service
from chalicelib.services import rollup
from chalicelib.services.villages import register
from tests.rollup_oracle import stored_aggregates
from tests.support.dynamo_counter import counting_dynamodb
from tests.support.rollup_queue import fail_tenant
from tests.support.villages import VillageBody

NOW = dt.datetime(2026, 11, 20, 3, 0, tzinfo=dt.UTC)
TENANT = "33.15"


def _markers() -> list[changes.Marker]:
    """Every marker of the change feed: the tenants' and the national step's."""
    return changes.pending() + changes.national_feed().pending()


def _admin(tenant: str = TENANT) -> Principal:
    return Principal(key_id="k", role=Role.DISTRICT_ADMIN, tenant_id=tenant)


def _post(village: str, date: str, visitors: int, tenant: str = TENANT) -> str:
    sid = str(uuid.uuid4())
    content = ReportContent(village, ReportType.VISITS, dt.date.fromisoformat(date), {"visitors": visitors})
    [result] = reports_service.submit(principal=_admin(tenant), items=[Incoming(sid, content)], now=NOW)
    assert result.status.value == "accepted"
    return sid


@pytest.fixture
def tenant(aws: None) -> Iterator[str]:
    from chalicelib.repositories.tenants import TenantRepository

    TenantRepository().add(Tenant(TENANT, "Kabupaten Grobogan", "Dinas", "Sri", "s@x.id", TenantStatus.ACTIVE, NOW))
    for village in ("33.15.01.2001", "33.15.02.2001"):
        register(principal=_admin(), village_code=village, data=VillageBody("Perpusdes"), now=NOW)
    yield TENANT


def _crash_on(monkeypatch: pytest.MonkeyPatch, target: Any, name: str, after: int) -> None:
    """Make target.name raise on its call number `after` + 1 (and work before)."""
    original = getattr(target, name)
    calls = {"n": 0}

    def failing(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] > after:
            raise RuntimeError("simulated crash")
        return original(*args, **kwargs)

    monkeypatch.setattr(target, name, failing)


def _crash_within_write(monkeypatch: pytest.MonkeyPatch, after_items: int) -> None:
    """Make FigureStore.write store only its first `after_items` changed items, then raise."""
    original = FigureStore.write

    def partial(self: FigureStore, items: Any, *, now: dt.datetime, stored: Any = None) -> int:
        existing = self.read_keys(items) if stored is None else stored
        changed = {k: v for k, v in items.items() if dict(existing.get(k, {})) != dict(v)}
        original(self, dict(list(changed.items())[:after_items]), now=now, stored=existing)
        raise RuntimeError("simulated crash")

    monkeypatch.setattr(FigureStore, "write", partial)


# A run makes one aggregate write per tenant and one for the nation: crash before either (0, 1 calls
# done), or in the middle of the tenant's batch write (a few items stored, the rest not).
@pytest.mark.parametrize("crash", ["after 0 writes", "after 1 write", "within write at 1", "within write at 9"])
def test_a_crash_in_the_middle_of_a_run_loses_nothing(tenant: str, monkeypatch: pytest.MonkeyPatch, crash: str) -> None:
    _post("33.15.01.2001", "2026-10-05", 10)
    _post("33.15.02.2001", "2026-11-02", 7)
    with monkeypatch.context() as patch:
        if crash.startswith("within"):
            _crash_within_write(patch, int(crash.rsplit(" ", 1)[1]))
        else:
            _crash_on(patch, FigureStore, "write", int(crash.split()[1]))
        with pytest.raises(RuntimeError):
            rollup.run(now=NOW, settle_seconds=0)
    assert _markers(), "the change markers survive the crash"
    rollup.run(now=NOW, settle_seconds=0)
    finished = stored_aggregates()
    assert _markers() == []
    rollup.rebuild(now=NOW)
    assert stored_aggregates() == finished


def test_a_crash_while_exporting_is_finished_by_the_next_run(tenant: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _post("33.15.01.2001", "2026-11-05", 4)

    def broken_export(periods: list[str], now: dt.datetime) -> list[str]:
        raise RuntimeError("S3 is down")

    with pytest.raises(RuntimeError):
        rollup.run(now=NOW, settle_seconds=0, exporter=broken_export)
    national_left = changes.national_feed().pending()
    assert national_left, "national work is still marked"
    summary = rollup.run(now=NOW, settle_seconds=0)
    assert "national/2026-11/indicators.json" in summary.exported
    assert _markers() == []


def _tenant_with_a_village(code: str, village: str) -> None:
    from chalicelib.repositories.tenants import TenantRepository

    TenantRepository().add(Tenant(code, code, "Dinas", "Sri", "s@x.id", TenantStatus.ACTIVE, NOW))
    register(principal=_admin(code), village_code=village, data=VillageBody("Perpusdes"), now=NOW)


def _three_dirty_tenants() -> None:
    """After a run that rolls up what is there, three tenants with one dirty village each: 33.15, 33.18, 33.19."""
    rollup.run(now=NOW, settle_seconds=0)  # what is registered so far
    for code, village in (("33.18", "33.18.01.2001"), ("33.19", "33.19.01.2001")):
        _tenant_with_a_village(code, village)
        _post(village, "2026-11-03", 5, tenant=code)
    _post("33.15.01.2001", "2026-11-02", 7)


def _dirty_tenants() -> set[str]:
    return {m.tenant_id for m in changes.pending()}


def test_a_spent_budget_leaves_tenants_for_the_next_run_round_robin_and_loses_nothing(tenant: str) -> None:
    _three_dirty_tenants()

    first = rollup.run(now=NOW, settle_seconds=0, budget_seconds=0)  # spent at once: one tenant a run
    assert (first.tenants, first.tenants_deferred, first.resume_from) == (1, 2, "33.18")
    assert _dirty_tenants() == {"33.18", "33.19"}
    _post("33.15.01.2001", "2026-11-04", 3)  # 33.15 is dirty again, but 33.18 and 33.19 waited longer
    second = rollup.run(now=NOW, settle_seconds=0, budget_seconds=0)
    assert (second.tenants, second.tenants_deferred, second.resume_from) == (1, 2, "33.19")
    assert _dirty_tenants() == {"33.15", "33.19"}
    third = rollup.run(now=NOW, settle_seconds=0, budget_seconds=0)
    assert (third.tenants, third.resume_from, _dirty_tenants()) == (1, "33.15", {"33.15"})
    last = rollup.run(now=NOW, settle_seconds=0, budget_seconds=0)
    assert (last.tenants, last.tenants_deferred, last.resume_from) == (1, 0, None)
    assert _markers() == []

    budgeted = stored_aggregates()
    rollup.rebuild(now=NOW)
    assert stored_aggregates() == budgeted
    regency = national_figures().read_keys([FigureKey("regency", "2026-11", "33.15")])[
        FigureKey("regency", "2026-11", "33.15")
    ]
    assert regency["visits"] == 10


def test_a_run_resumes_after_the_tenant_it_stopped_at_even_when_that_one_is_clean_now(tenant: str) -> None:
    _three_dirty_tenants()
    first = rollup.run(now=NOW, settle_seconds=0, budget_seconds=0)
    assert first.resume_from == "33.18"
    (pati,) = [m for m in changes.pending() if m.tenant_id == "33.18"]
    changes.clear(pati, pati.scopes)  # 33.18 is clean now
    _post("33.15.01.2001", "2026-11-04", 3)
    second = rollup.run(now=NOW, settle_seconds=0, budget_seconds=0)
    assert (second.tenants, second.resume_from, _dirty_tenants()) == (1, "33.15", {"33.15"})  # 33.19 came first


def test_a_failing_tenant_keeps_its_markers_and_does_not_stop_the_others(
    tenant: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _tenant_with_a_village("33.18", "33.18.01.2001")
    _post("33.18.01.2001", "2026-11-03", 5, tenant="33.18")
    _post("33.15.01.2001", "2026-11-02", 7)
    with monkeypatch.context() as failing:
        fail_tenant(failing, TENANT)
        summary = rollup.run(now=NOW, settle_seconds=0)
        assert (summary.tenants, summary.tenants_failed) == (2, [TENANT])
        assert _dirty_tenants() == {TENANT}
        assert national_figures().read_level("regency", "2026-11")["33.18"]["visits"] == 5
    again = rollup.run(now=NOW, settle_seconds=0)
    assert (again.tenants, again.tenants_failed, _dirty_tenants()) == (1, [], set())
    assert national_figures().read_level("national", "2026-11")["ID"]["visits"] == 12


def test_one_run_at_a_time_and_a_lease_left_by_a_killed_run_expires(tenant: str) -> None:
    _post("33.15.01.2001", "2026-11-02", 7)
    assert jobs.acquire_lease("rollup", holder="killed", now=NOW, seconds=rollup.LEASE_SECONDS)
    with pytest.raises(rollup.RollupBusyError):
        rollup.run(now=NOW + dt.timedelta(minutes=5), settle_seconds=0)
    with pytest.raises(rollup.RollupBusyError):
        rollup.rebuild(now=NOW + dt.timedelta(minutes=5))
    assert _dirty_tenants() == {TENANT} and stored_aggregates() == {}  # nothing done, nothing dropped
    later = NOW + dt.timedelta(seconds=rollup.LEASE_SECONDS + 1)
    assert rollup.run(now=later, settle_seconds=0).tenants == 1
    assert rollup.run(now=later, settle_seconds=0).tenants == 0  # the lease was given back


def test_a_budget_not_spent_rolls_every_tenant(tenant: str) -> None:
    _tenant_with_a_village("33.18", "33.18.01.2001")
    _post("33.18.01.2001", "2026-11-03", 5, tenant="33.18")
    _post("33.15.01.2001", "2026-11-02", 7)
    summary = rollup.run(now=NOW, settle_seconds=0, budget_seconds=600)
    assert (summary.tenants, summary.tenants_deferred, summary.resume_from) == (2, 0, None)
    assert _markers() == []


def test_rerunning_writes_nothing(tenant: str) -> None:
    _post("33.15.01.2001", "2026-11-05", 4)
    first = rollup.run(now=NOW, settle_seconds=0)
    assert first.aggregates_written > 0
    before = stored_aggregates()
    again = rollup.run(now=NOW, settle_seconds=0)
    assert again.aggregates_written == 0 and again.tenants == 0
    assert stored_aggregates() == before


def test_young_markers_are_recomputed_but_kept_until_settled(tenant: str) -> None:
    _post("33.15.01.2001", "2026-11-05", 4)
    first = rollup.run(now=NOW, settle_seconds=120)
    assert first.markers_kept > 0 and first.aggregates_written > 0
    assert any(m.tenant_id == TENANT for m in changes.pending())
    later = rollup.run(now=NOW + dt.timedelta(minutes=15), settle_seconds=120)
    assert later.aggregates_written == 0  # recomputed, nothing new to write
    assert _markers() == []


def test_a_report_landing_during_a_run_is_counted_by_the_next(tenant: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _post("33.15.01.2001", "2026-11-05", 4)
    original = changes.clear
    landed: list[str] = []

    def clear_after_a_late_write(marker: changes.Marker, scopes: Any) -> int:
        if not landed:  # a phone's report arrives after the rollup read the village, before it clears
            landed.append(_post("33.15.01.2001", "2026-11-06", 6))
        return original(marker, scopes)

    monkeypatch.setattr(changes, "clear", clear_after_a_late_write)
    rollup.run(now=NOW, settle_seconds=0)
    monkeypatch.undo()
    rollup.run(now=NOW, settle_seconds=0)
    village = tenant_figures(TENANT).read_level("village", "2026-11")["33.15.01.2001"]
    assert village["visits"] == 10


def test_incremental_work_does_not_grow_with_history(aws: None) -> None:
    """Reads of a run after one new report, with small and with large history elsewhere."""
    from chalicelib.repositories.tenants import TenantRepository

    TenantRepository().add(Tenant(TENANT, "Kabupaten Grobogan", "Dinas", "Sri", "s@x.id", TenantStatus.ACTIVE, NOW))
    villages = [f"33.15.01.20{i:02d}" for i in range(1, 13)]
    for village in villages:
        register(principal=_admin(), village_code=village, data=VillageBody("Perpusdes"), now=NOW)

    def requests_for_one_new_report() -> int:
        rollup.run(now=NOW, settle_seconds=0)
        _post(villages[0], "2026-11-10", 3)
        with counting_dynamodb() as counter:
            rollup.run(now=NOW, settle_seconds=0)
        return counter.total_requests

    small = requests_for_one_new_report()
    for village in villages[1:]:
        for day in range(1, 21):
            _post(village, f"2026-{1 + day % 11:02d}-{day:02d}", day)
    large = requests_for_one_new_report()
    assert large == small, (small, large)


def test_a_spent_budget_stops_inside_a_large_tenant_and_the_next_runs_finish_it(tenant: str) -> None:
    _post("33.15.01.2001", "2026-11-02", 7)
    _post("33.15.02.2001", "2026-11-03", 4)

    first = rollup.run(now=NOW, settle_seconds=0, budget_seconds=0)  # spent after one village

    assert (first.tenants, first.villages, first.tenants_deferred, first.resume_from) == (1, 1, 1, TENANT)
    left = {scope for m in changes.pending() if m.tenant_id == TENANT for scope in m.scopes}
    assert left == {"33.15.02.2001"}, "the village not started keeps its marker"
    second = rollup.run(now=NOW, settle_seconds=0, budget_seconds=0)
    assert (second.villages, second.tenants_deferred, second.deferred_runs) == (1, 0, 0)
    assert _markers() == []
    budgeted = stored_aggregates()
    rollup.rebuild(now=NOW)
    assert stored_aggregates() == budgeted
    regency = tenant_figures(TENANT).read_level("regency", "2026-11")[TENANT]
    assert regency["visits"] == 11


def test_runs_that_keep_deferring_tenants_are_counted_until_one_catches_up(tenant: str) -> None:
    summaries = []
    for day in (2, 3, 4):
        _post("33.15.01.2001", f"2026-11-0{day}", 1)
        _post("33.15.02.2001", f"2026-11-0{day}", 1)
        summaries.append(rollup.run(now=NOW, settle_seconds=0, budget_seconds=0))
    assert [s.deferred_runs for s in summaries] == [1, 2, 3]
    # within the tenant too, round robin: the village left by one run is the first of the next
    assert [s.resume_village for s in summaries] == ["33.15.02.2001", "33.15.01.2001", "33.15.02.2001"]
    assert rollup.run(now=NOW, settle_seconds=0).deferred_runs == 0


def test_a_run_s_lease_lasts_no_longer_than_its_caller_s_function_can_live(
    tenant: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Context:
        def get_remaining_time_in_millis(self) -> int:
            return 28_700

    assert rollup.lease_for(Context(), timeout=30) == 28
    assert rollup.lease_for(None, timeout=30) == 30
    assert rollup.lease_for(Context(), timeout=10) == 10
    monkeypatch.setattr(jobs, "release_lease", lambda name, holder: None)  # the function is killed
    rollup.run(now=NOW, settle_seconds=0, lease_seconds=28)
    lease = jobs.JobLease.get("lease", "rollup", consistent_read=True)
    assert lease.expires_at == NOW + dt.timedelta(seconds=28)
    with pytest.raises(rollup.RollupBusyError):
        rollup.run(now=NOW + dt.timedelta(seconds=27), settle_seconds=0)
    assert rollup.run(now=NOW + dt.timedelta(seconds=29), settle_seconds=0).tenants == 0
