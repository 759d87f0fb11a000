"""Dirty markers: one write per month touched, tokens that protect newer changes."""

from __future__ import annotations

import datetime as dt

from chalicelib.repositories import changes
from tests.support.dynamo_counter import counting_dynamodb

# 300 villages: three whole hundreds (a marker item holds one hundred, "11.08.01.20")
VILLAGES = [f"11.08.{k:02d}.{2000 + v}" for k in range(1, 4) for v in range(100)]


def test_marking_writes_once_per_month_and_merges_scopes(aws: None) -> None:
    writes = changes.mark_changed(
        tenant_id="33.15",
        changes=[("2026-11", "33.15.01.2001"), ("2026-11", "33.15.01.2002"), ("2026-10", "33.15.01.2001")],
    )
    assert writes == 2
    changes.mark_changed(tenant_id="33.15", changes=[("2026-11", changes.REGENCY_SCOPE)])
    markers = {m.month: m for m in changes.pending()}
    assert set(markers) == {"2026-10", "2026-11"}
    assert set(markers["2026-11"].scopes) == {"33.15.01.2001", "33.15.01.2002", "regency"}


def test_clearing_removes_only_scopes_not_changed_since_they_were_read(aws: None) -> None:
    changes.mark_changed(tenant_id="33.15", changes=[("2026-11", "33.15.01.2001"), ("2026-11", "33.15.01.2002")])
    seen = changes.pending()[0]
    changes.mark_changed(tenant_id="33.15", changes=[("2026-11", "33.15.01.2002")])  # a newer change
    assert changes.clear(seen, seen.scopes) == 1
    remaining = changes.pending()
    assert [set(m.scopes) for m in remaining] == [{"33.15.01.2002"}]
    assert changes.clear(remaining[0], remaining[0].scopes) == 1
    assert changes.pending() == []


def test_markers_of_different_tenants_are_apart(aws: None) -> None:
    changes.mark_changed(tenant_id="33.15", changes=[("2026-11", "33.15.01.2001")])
    changes.mark_changed(tenant_id="33.18", changes=[("2026-11", "33.18.01.2001")])
    assert sorted((m.tenant_id, tuple(m.scopes)) for m in changes.pending()) == [
        ("33.15", ("33.15.01.2001",)),
        ("33.18", ("33.18.01.2001",)),
    ]


def test_marking_hundreds_of_villages_of_a_dirty_month_keeps_every_one(aws: None) -> None:
    """A rebuild or a registration wave marks a whole regency (Aceh Utara has 852 villages) while
    its month may be dirty already: each scope is one clause of an update expression, and DynamoDB
    refuses expressions over 4 KB, so the scopes go in updates of at most a hundred."""
    changes.mark_changed(tenant_id="11.08", changes=[("2026-11", changes.REGENCY_SCOPE)])
    writes = changes.mark_changed(tenant_id="11.08", changes=[("2026-11", v) for v in VILLAGES])
    assert writes == 3
    (marker,) = changes.pending()
    assert set(marker.scopes) == {changes.REGENCY_SCOPE, *VILLAGES}


def test_clearing_hundreds_of_villages_takes_an_update_a_hundred(aws: None) -> None:
    changes.mark_changed(tenant_id="11.08", changes=[("2026-11", v) for v in VILLAGES])
    seen = changes.pending()[0]
    with counting_dynamodb() as counter:
        assert changes.clear(seen, seen.scopes) == 300
    assert counter.requests["UpdateItem"] == 3
    assert changes.pending() == []


def test_clearing_hundreds_of_villages_keeps_only_the_one_changed_since(aws: None) -> None:
    changes.mark_changed(tenant_id="11.08", changes=[("2026-11", v) for v in VILLAGES])
    seen = changes.pending()[0]
    changes.mark_changed(tenant_id="11.08", changes=[("2026-11", VILLAGES[150])])  # a newer change
    with counting_dynamodb() as counter:
        assert changes.clear(seen, seen.scopes) == 299
    # three updates of a hundred; the one whose hundred holds the newer change fails and is redone one by one
    assert counter.requests["UpdateItem"] == 3 + 100
    assert [set(m.scopes) for m in changes.pending()] == [{VILLAGES[150]}]


def test_an_update_of_a_hundred_scopes_stays_under_dynamodbs_4_kb_expression_limit() -> None:
    from pynamodb.expressions.update import Update

    from chalicelib.repositories.base import all_of

    hundred = [f"11.08.{k:02d}.{2000 + v}" for k in range(10, 12) for v in range(1, 51)]  # long codes
    token, now = "0123456789abcdef", dt.datetime(2026, 11, 30, tzinfo=dt.UTC)
    entry = changes._entry
    expressions = [
        Update(*[entry(s).set(token) for s in hundred], changes.ChangeMarker.touched_at.set(now)),
        Update(*[entry(s).remove() for s in hundred]),
        all_of([entry(s) == token for s in hundred]),
    ]
    sizes = [len(expression.serialize({}, {})) for expression in expressions]
    assert len(hundred) == changes._SCOPES_PER_UPDATE
    assert max(sizes) < 4096, sizes
