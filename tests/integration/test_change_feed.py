"""Dirty markers: one write per month touched, tokens that protect newer changes."""

from __future__ import annotations

from chalicelib.repositories import changes


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
