"""The report store's contract, on DynamoDB and in memory: conditional writes, the rekey transaction,
and the listings' order, filters and cursors."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest

from chalicelib.domain.reports import Report, ReportContent, ReportType, ReviewFlag, Side
from chalicelib.errors import ConflictError, MalformedRequestError, VersionConflictError
from chalicelib.stores import ReportStore, for_tenant
from chalicelib.stores.reports import ReportQuery
from tests.contract.conftest import StoresOf

A, B = "33.15", "33.22"
V1, V2 = f"{A}.01.2001", f"{A}.01.2002"
AT = dt.datetime(2026, 11, 5, 8, 30, tzinfo=dt.UTC)
FLAG = ReviewFlag("visitors", 5_000, Side.ABOVE, 1_000)


def _report(sid: str, day: int = 2, village: str = V1, kind: ReportType = ReportType.VISITS, tenant: str = A) -> Report:
    fields: dict[str, object] = {"visitors": 12} if kind is ReportType.VISITS else {"partner_name": "Koperasi"}
    content = ReportContent(village, kind, dt.date(2026, 11, day), fields)
    return Report.new(tenant_id=tenant, submission_id=sid, content=content, by="k1", at=AT)


def _walk(store: ReportStore, *, limit: int, **query: Any) -> list[str]:
    ids: list[str] = []
    cursor: str | None = None
    while True:
        items, cursor = store.page(ReportQuery(**query), limit=limit, cursor=cursor)
        assert len(items) <= limit
        ids += [r.submission_id for r in items]
        if cursor is None:
            return ids


def test_a_report_added_is_read_back_with_its_history_and_a_second_add_of_its_id_writes_nothing(
    stores_of: StoresOf,
) -> None:
    store = stores_of(A).reports
    report = _report("r1")

    assert store.add(report) is True
    assert store.add(replace(report, content=replace(report.content, fields={"visitors": 99}))) is False

    assert store.get("r1") == report
    assert store.get_many(["r1", "absent"]) == {"r1": report}
    assert store.get("absent") is None


def test_a_tenant_sees_none_of_another_tenants_reports(stores_of: StoresOf) -> None:
    stores_of(A).reports.add(_report("r1"))

    assert stores_of(B).reports.get("r1") is None
    assert _walk(stores_of(B).reports, limit=10) == []
    with pytest.raises(ValueError):
        stores_of(B).reports.add(_report("r2"))  # a report of A handed to B's store


def test_a_new_version_is_written_only_over_the_version_expected(stores_of: StoresOf) -> None:
    store = stores_of(A).reports
    report = _report("r1")
    store.add(report)
    voided = report.voided(by="k1", at=AT)

    store.replace(voided, expected_version=1)
    assert store.get("r1") == voided
    with pytest.raises(VersionConflictError):
        store.replace(voided.voided(by="k1", at=AT), expected_version=1)
    with pytest.raises(VersionConflictError):
        store.replace(_report("never-added"), expected_version=1)  # nothing stored: nothing to replace
    assert store.get("never-added") is None


def test_a_rekey_moves_the_report_whole_or_not_at_all(stores_of: StoresOf) -> None:
    store = stores_of(A).reports
    report, taken = _report("R1"), _report("taken")
    store.add(report), store.add(taken)

    with pytest.raises(ConflictError):
        store.rekey(report, new_id="taken")
    assert store.get("R1") == report and store.get("taken") == taken
    with pytest.raises(ConflictError):
        store.rekey(replace(report, version=2), new_id="r1")  # the stored one is not at version 2
    assert store.get("r1") is None

    store.rekey(report, new_id="r1")
    assert store.get("R1") is None
    assert store.get("r1") == replace(report, submission_id="r1")


def test_listings_are_newest_first_page_by_page_with_their_filters(stores_of: StoresOf) -> None:
    store = stores_of(A).reports
    for sid, day, village in [("a", 1, V1), ("b", 3, V2), ("c", 3, V1), ("d", 7, V1), ("e", 9, V2)]:
        store.add(_report(sid, day, village))
    store.add(_report("p", 4, V1, ReportType.PARTNERSHIP))
    voided = _report("v", 5, V1)
    store.add(voided)
    store.replace(voided.voided(by="k1", at=AT), expected_version=1)

    for limit in (1, 2, 3, 10):
        assert _walk(store, limit=limit) == ["e", "d", "p", "c", "b", "a"]
    assert _walk(store, limit=2, include_void=True) == ["e", "d", "v", "p", "c", "b", "a"]
    assert _walk(store, limit=2, village_code=V1) == ["d", "p", "c", "a"]
    assert _walk(store, limit=2, village_codes=frozenset({V2})) == ["e", "b"]
    assert _walk(store, limit=2, report_type=ReportType.PARTNERSHIP) == ["p"]
    assert _walk(store, limit=2, start=dt.date(2026, 11, 3), end=dt.date(2026, 11, 7)) == ["d", "p", "c", "b"]


def test_a_cursor_is_refused_by_another_tenant_and_by_another_village_s_listing(stores_of: StoresOf) -> None:
    store = stores_of(A).reports
    for sid in ("a", "b", "c"):
        store.add(_report(sid))
    _, of_tenant = store.page(ReportQuery(), limit=1, cursor=None)
    _, of_village = store.page(ReportQuery(village_code=V1), limit=1, cursor=None)
    assert of_tenant is not None and of_village is not None

    with pytest.raises(MalformedRequestError):
        stores_of(B).reports.page(ReportQuery(), limit=1, cursor=of_tenant)
    with pytest.raises(MalformedRequestError):
        store.page(ReportQuery(village_code=V2), limit=1, cursor=of_village)
    with pytest.raises(MalformedRequestError):
        store.page(ReportQuery(), limit=1, cursor="not-a-cursor")


def test_the_review_list_holds_the_active_reports_with_reasons_newest_first(stores_of: StoresOf) -> None:
    store = stores_of(A).reports
    store.add(replace(_report("a", 1), review_flags=(FLAG,)))
    store.add(replace(_report("b", 2, V2), review_flags=(FLAG,)))
    store.add(_report("c", 3))
    void = replace(_report("d", 4), review_flags=(FLAG,))
    store.add(void)
    store.replace(void.voided(by="k1", at=AT), expected_version=1)

    def walk(only: frozenset[str] | None) -> list[str]:
        ids, cursor = [], None
        while True:
            items, cursor = store.needing_review(village_codes=only, limit=1, cursor=cursor)
            ids += [r.submission_id for r in items]
            if cursor is None:
                return ids

    assert walk(None) == ["b", "a"]
    assert walk(frozenset({V1})) == ["a"]
    assert store.get("a") == replace(_report("a", 1), review_flags=(FLAG,)), "read back with its flags"
    reviewed = store.get("a")
    assert reviewed is not None
    store.replace(reviewed.reviewed(by="k1", at=AT), expected_version=reviewed.version)
    assert walk(None) == ["b"]


def test_what_a_rollup_reads_holds_void_reports_too(stores_of: StoresOf) -> None:
    store = stores_of(A).reports
    for sid, day, kind in [
        ("a", 1, ReportType.VISITS),
        ("b", 20, ReportType.VISITS),
        ("p2", 25, ReportType.PARTNERSHIP),
    ]:
        store.add(_report(sid, day, V1, kind))
    store.add(_report("p1", 2, V2, ReportType.PARTNERSHIP))
    void = _report("v", 10)
    store.add(void)
    store.replace(void.voided(by="k1", at=AT), expected_version=1)

    between = store.in_village_between(V1, dt.date(2026, 11, 1), dt.date(2026, 11, 20))
    assert [r.submission_id for r in between] == ["a", "v", "b"]
    assert [r.submission_id for r in store.partnerships_of(V1)] == ["p2"]
    assert [r.submission_id for r in store.partnerships_of(V2)] == ["p1"]


@pytest.mark.usefixtures("aws")
def test_review_reasons_stored_as_sentences_before_flags_were_objects_are_read_as_flags() -> None:
    from chalicelib.repositories.reports import ReportRecord

    store = for_tenant(A).reports
    store.add(replace(_report("old"), review_flags=(FLAG,)))
    sentence = "visitors 5000 is above this regency's review maximum 1000"
    ReportRecord.get(A, "old").update(actions=[ReportRecord.review_reasons.set([sentence])])

    assert store.get("old") == replace(_report("old"), review_flags=(FLAG,))
    assert ReportRecord.get(A, "old").review_reasons == [sentence], "reading it does not write it"
