"""The reminder job's stores, on DynamoDB and in memory: every tenant's open commitments by due
date (PlatformStores.open_commitments) and the conditional marks on one tenant's commitments."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from chalicelib.domain.commitments import Commitment, CommitmentStatus
from tests.contract.conftest import World
from tests.contract.test_advocacy_commitments import made, moved
from tests.contract.test_advocacy_stakeholders import LATER, A, B

S = CommitmentStatus
STEP = dt.date(2026, 11, 20)


def _ids(commitments: object) -> list[str]:
    return [c.commitment_id for c in commitments]  # type: ignore[attr-defined]


def _of_b(cid: str, **changes: object) -> Commitment:
    return replace(made(cid, **changes), tenant_id=B)  # type: ignore[arg-type]


def test_the_open_commitments_of_every_tenant_are_listed_by_due_date_without_the_final_ones(world: World) -> None:
    mine, theirs = world.tenant(A).advocacy.commitments, world.tenant(B).advocacy.commitments
    for cid, due in [("c3", 12), ("c1", 3), ("c2", 8)]:
        mine.add(made(cid, due=due))
    theirs.add(_of_b("b1", due=5))
    moved(mine, made("c2", due=8), S.COMMITTED)
    moved(mine, made("c3", due=12), S.WITHDRAWN)

    open_commitments = world.platform().open_commitments
    assert _ids(open_commitments.due_before(dt.date(2026, 12, 31))) == ["c1", "b1", "c2"]
    assert _ids(open_commitments.due_before(dt.date(2026, 12, 8))) == ["c1", "b1"], "due before, not on, the date"


def test_a_commitment_is_flagged_overdue_once_and_unflagged_once(world: World) -> None:
    stores = world.tenant(A).advocacy
    stores.commitments.add(made("c1"))

    assert stores.reminders.set_overdue("c1", overdue=True, at=LATER) is True
    assert stores.reminders.set_overdue("c1", overdue=True, at=LATER) is False, "another run flagged it"
    flagged = stores.commitments.get("c1")
    assert flagged is not None and flagged.overdue
    assert _ids(world.platform().open_commitments.due_before(dt.date(2027, 1, 1))) == ["c1"]
    assert next(iter(world.platform().open_commitments.due_before(dt.date(2027, 1, 1)))).overdue

    assert stores.reminders.set_overdue("c1", overdue=False, at=LATER) is True
    assert stores.reminders.set_overdue("c1", overdue=False, at=LATER) is False
    assert stores.commitments.get("c1") == made("c1")


def test_a_final_an_unknown_or_another_tenant_s_commitment_is_not_flagged(world: World) -> None:
    stores = world.tenant(A).advocacy
    stores.commitments.add(made("c1"))
    stores.reminders.set_overdue("c1", overdue=True, at=LATER)
    stores.commitments.add(made("c2"))
    final = moved(stores.commitments, made("c2"), S.WITHDRAWN)

    assert stores.reminders.set_overdue("c2", overdue=True, at=LATER) is False
    assert stores.reminders.set_overdue("absent", overdue=True, at=LATER) is False
    assert world.tenant(B).advocacy.reminders.set_overdue("c1", overdue=False, at=LATER) is False
    assert stores.commitments.get("c2") == final and stores.commitments.get("absent") is None
    flagged = stores.commitments.get("c1")
    assert flagged is not None and flagged.overdue, "B's mark did not reach A's commitment"


def test_a_final_transition_clears_the_overdue_flag(world: World) -> None:
    stores = world.tenant(A).advocacy
    stores.commitments.add(made("c1"))
    stores.reminders.set_overdue("c1", overdue=True, at=LATER)
    flagged = stores.commitments.get("c1")
    assert flagged is not None

    final = moved(stores.commitments, flagged, S.WITHDRAWN)

    assert stores.commitments.get("c1") == final and not final.overdue
    assert _ids(world.platform().open_commitments.due_before(dt.date(2027, 1, 1))) == []


def test_a_next_step_is_claimed_once_until_the_claim_is_released(world: World) -> None:
    stores = world.tenant(A).advocacy
    stores.commitments.add(made("c1", next_step="Rapat", next_step_due=STEP))
    stores.commitments.add(made("c2", due=11, next_step="Surat", next_step_due=STEP + dt.timedelta(days=5)))
    world.tenant(B).advocacy.commitments.add(_of_b("b1", due=12, next_step="Audiensi", next_step_due=STEP))
    open_commitments = world.platform().open_commitments

    assert _ids(open_commitments.next_steps_due(STEP)) == ["c1", "b1"]
    assert stores.reminders.claim_next_step("c1", due=STEP + dt.timedelta(days=1)) is False, "not its step"
    assert stores.reminders.claim_next_step("c1", due=STEP) is True
    assert stores.reminders.claim_next_step("c1", due=STEP) is False, "another run claimed it"
    assert world.tenant(B).advocacy.reminders.claim_next_step("c1", due=STEP) is False
    assert _ids(open_commitments.next_steps_due(STEP)) == ["b1"]

    stores.reminders.release_next_step("c1")
    assert _ids(open_commitments.next_steps_due(STEP)) == ["c1", "b1"]
    assert stores.reminders.claim_next_step("c1", due=STEP) is True


def test_releasing_the_claim_of_a_commitment_not_stored_writes_nothing(world: World) -> None:
    stores = world.tenant(A).advocacy

    stores.reminders.release_next_step("absent")

    assert stores.commitments.get("absent") is None
    assert stores.history.of("absent") is None
