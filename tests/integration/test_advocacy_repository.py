"""The advocacy table: race-safe transitions and the rollup's fact query, on moto."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, date, datetime
from typing import Any

import pytest

from chalicelib.domain.commitments import (
    Commitment,
    CommitmentKind,
    CommitmentStatus,
    NewCommitment,
    NewStakeholder,
    StakeholderKind,
    TransitionRequest,
)
from chalicelib.domain.principal import Principal, Role
from chalicelib.errors import VersionConflictError
from chalicelib.repositories import changes
from chalicelib.repositories.transition_facts import transition_facts
from chalicelib.services import commitments as service
from chalicelib.services import stakeholders
from chalicelib.stores import for_tenant
from chalicelib.stores.advocacy import CommitmentQuery

TENANT = "33.15"
VILLAGE = "33.15.01.2001"
ADMIN = Principal(key_id="admin-key", role=Role.DISTRICT_ADMIN, tenant_id=TENANT)


def make_commitment(*, village_code: str | None = VILLAGE, kind: CommitmentKind = CommitmentKind.BUDGET) -> Commitment:
    stakeholder = stakeholders.create_stakeholder(
        principal=ADMIN, data=NewStakeholder(name="Kades", kind=StakeholderKind.VILLAGE_HEAD, village_code=VILLAGE)
    )
    data = NewCommitment(
        stakeholder_id=stakeholder.stakeholder_id,
        kind=kind,
        description="Dana Desa",
        due_date=date(2026, 12, 31),
        amount_idr=10_000_000 if kind is CommitmentKind.BUDGET else None,
        village_code=village_code,
        village_given=True,
    )
    return service.create_commitment(principal=ADMIN, data=data)


def move(c: Commitment, to: CommitmentStatus, version: int, at: datetime, **kw: Any) -> Commitment:
    request = TransitionRequest(to=to, expected_version=version, **kw)
    return service.transition_commitment(principal=ADMIN, commitment_id=c.commitment_id, request=request, now=at)[0]


def test_eight_concurrent_transitions_from_the_same_version_make_exactly_one_change(aws: None) -> None:
    commitment = make_commitment()
    outcomes: list[str] = []
    start = threading.Barrier(8)

    def attempt() -> None:
        start.wait()
        try:
            move(commitment, CommitmentStatus.COMMITTED, 1, datetime.now(UTC))
            outcomes.append("ok")
        except VersionConflictError:
            outcomes.append("conflict")

    threads = [threading.Thread(target=attempt) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Counter(outcomes) == {"ok": 1, "conflict": 7}
    found = for_tenant(TENANT).advocacy.history.of(commitment.commitment_id)
    assert found is not None
    current, transitions, _ = found
    assert (current.status, current.version, len(transitions)) == ("committed", 2, 1)
    assert len(transition_facts(tenant_id=TENANT, scope=VILLAGE, start=date(2000, 1, 1), end=date(2100, 1, 1))) == 1


def test_transition_facts_are_read_per_scope_and_local_date_range(aws: None) -> None:
    budget = make_commitment()
    regency = make_commitment(village_code=None, kind=CommitmentKind.POLICY)
    # 23:30 UTC on 31 October is already 1 November in Grobogan (WIB, UTC+7).
    move(budget, CommitmentStatus.COMMITTED, 1, datetime(2026, 10, 31, 23, 30, tzinfo=UTC))
    move(budget, CommitmentStatus.IN_PROGRESS, 2, datetime(2026, 11, 10, 3, 0, tzinfo=UTC))
    move(budget, CommitmentStatus.FULFILLED, 3, datetime(2026, 12, 1, 3, 0, tzinfo=UTC), realized_amount_idr=9_000_000)
    move(regency, CommitmentStatus.COMMITTED, 1, datetime(2026, 11, 20, 3, 0, tzinfo=UTC))

    november = transition_facts(tenant_id=TENANT, scope=VILLAGE, start=date(2026, 11, 1), end=date(2026, 11, 30))
    assert [(f.to_status, f.on, f.amount_idr) for f in november] == [("committed", date(2026, 11, 1), 10_000_000)]
    autumn = transition_facts(tenant_id=TENANT, scope=VILLAGE, start=date(2026, 10, 1), end=date(2026, 12, 1))
    assert [(f.to_status, f.amount_idr) for f in autumn] == [("committed", 10_000_000), ("fulfilled", 9_000_000)]
    assert all(f.commitment_id == budget.commitment_id for f in autumn)
    regency_facts = transition_facts(
        tenant_id=TENANT, scope=changes.REGENCY_SCOPE, start=date(2026, 11, 20), end=date(2026, 11, 20)
    )
    assert [(f.commitment_id, f.to_status, f.amount_idr) for f in regency_facts] == [
        (regency.commitment_id, "committed", None)
    ]
    assert transition_facts(tenant_id="33.18", scope=VILLAGE, start=date(2026, 1, 1), end=date(2026, 12, 31)) == []
    months = {(m.month, scope) for m in changes.pending() for scope in m.scopes}
    assert months == {("2026-11", VILLAGE), ("2026-12", VILLAGE), ("2026-11", changes.REGENCY_SCOPE)}


def test_a_repository_refuses_records_of_another_tenant(aws: None) -> None:
    commitment = make_commitment()
    with pytest.raises(ValueError):
        for_tenant("33.18").advocacy.commitments.add(commitment)
    assert for_tenant("33.18").advocacy.commitments.get(commitment.commitment_id) is None


def test_an_operator_with_hundreds_of_villages_lists_only_theirs(aws: None) -> None:
    from chalicelib import areas

    villages = [a.code for a in areas.villages_of_province("33") if a.code.startswith(TENANT + ".")]
    assert len(villages) > 250
    make_commitment(village_code=villages[0])
    make_commitment(village_code=villages[-1])
    make_commitment(village_code=None)
    query = CommitmentQuery(village_codes=frozenset(villages[:10] + villages[-240:]))
    seen, _ = for_tenant(TENANT).advocacy.commitments.page(query, limit=50, cursor=None)
    assert sorted(c.village_code or "" for c in seen) == sorted([villages[0], villages[-1]])
