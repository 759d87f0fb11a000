"""An advocacy record and its stored item are one field list: each domain record is stored
attribute by attribute (enums by value, dates as ISO text) and read back equal, without AWS."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from chalicelib.domain import commitments as domain
from chalicelib.repositories.advocacy_items import ActionItem, CommitmentItem, StakeholderItem, TransitionItem
from chalicelib.repositories.transition_facts import fact_item, scope_of

AT = datetime(2026, 11, 5, 8, 30, tzinfo=UTC)
TENANT = "33.15"
COMMITMENT = domain.Commitment(
    commitment_id="0123456789abcdef",
    tenant_id=TENANT,
    stakeholder_id="fedcba9876543210",
    kind=domain.CommitmentKind.BUDGET,
    description="Dana Desa",
    due_date=date(2026, 12, 31),
    village_code="33.15.01.2001",
    status=domain.CommitmentStatus.COMMITTED,
    version=2,
    created_at=AT,
    updated_at=AT,
    created_by="admin-key",
    amount_idr=25_000_000,
    next_step="Rapat desa",
    next_step_due=date(2026, 11, 20),
)
RECORDS: list[tuple[type[Any], Any]] = [
    (
        StakeholderItem,
        domain.Stakeholder(
            stakeholder_id="fedcba9876543210",
            tenant_id=TENANT,
            name="H. Sutrisno",
            kind=domain.StakeholderKind.VILLAGE_HEAD,
            organization=None,
            position="Kepala Desa",
            village_code="33.15.01.2001",
            contact=None,
            created_at=AT,
            updated_at=AT,
            version=3,
        ),
    ),
    (CommitmentItem, COMMITMENT),
    (
        TransitionItem,
        domain.Transition(
            commitment_id=COMMITMENT.commitment_id,
            version=2,
            from_status=domain.CommitmentStatus.PROPOSED,
            to_status=domain.CommitmentStatus.COMMITTED,
            at=AT,
            on=date(2026, 11, 5),
            by="admin-key",
            note="Disetujui",
        ),
    ),
    (
        ActionItem,
        domain.Action(
            action_id="00aa11bb22cc33dd",
            commitment_id=COMMITMENT.commitment_id,
            date=date(2026, 11, 4),
            kind=domain.ActionKind.MEETING,
            note="Audiensi",
            recorded_at=AT,
            recorded_by="admin-key",
        ),
    ),
]


@pytest.mark.parametrize(("item_class", "record"), RECORDS, ids=[type(r).__name__ for _, r in RECORDS])
def test_a_record_stored_as_its_item_reads_back_equal(item_class: Any, record: Any) -> None:
    item = item_class.of(TENANT, "sk", record)
    assert (item.tenant_id, item.sk) == (TENANT, "sk")
    assert item.to_domain() == record


def test_enums_are_stored_by_value_and_dates_as_iso_text() -> None:
    item = CommitmentItem.of(TENANT, "commitment#x", COMMITMENT, commitment_sort="2026-12-31#x")
    assert (item.kind, item.status) == ("budget", "committed")
    assert (item.due_date, item.next_step_due) == ("2026-12-31", "2026-11-20")
    assert item.created_at == AT and item.commitment_sort == "2026-12-31#x"
    assert item.realized_amount_idr is None


def test_a_counted_transition_leaves_a_fact_keyed_by_scope_and_local_date() -> None:
    step = RECORDS[2][1]
    fact = fact_item(COMMITMENT, step)
    assert fact.tenant_id == TENANT
    assert fact.sk == f"fact#33.15.01.2001#2026-11-05#{COMMITMENT.commitment_id}#000002"
    assert (fact.to_status, fact.on, fact.amount_idr) == ("committed", "2026-11-05", 25_000_000)


def test_a_commitment_without_a_village_counts_for_the_regency() -> None:
    regency = domain.Commitment(**{**COMMITMENT.__dict__, "village_code": None})
    assert scope_of(regency) != scope_of(COMMITMENT)
    assert fact_item(regency, RECORDS[2][1]).sk.startswith(f"fact#{scope_of(regency)}#2026-11-05#")
