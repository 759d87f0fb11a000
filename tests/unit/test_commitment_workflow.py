"""The commitment workflow as a state machine, without AWS."""

from __future__ import annotations

from datetime import date

import pytest

from chalicelib.domain.commitments import (
    FINAL,
    TRANSITIONS,
    Commitment,
    CommitmentKind,
    CommitmentStatus,
    TransitionRequest,
    allowed_from,
    check_action_dates,
    check_new_commitment,
)
from chalicelib.errors import InvalidInputError, InvalidTransitionError, VersionConflictError
from tests.support.commitments import AT, commitment

S = CommitmentStatus
ON = date(2026, 11, 3)


def move(c: Commitment, to: CommitmentStatus, **kw: object) -> Commitment:
    request = TransitionRequest(to=to, expected_version=c.version, **kw)  # type: ignore[arg-type]
    return c.transition(request, at=AT, on=ON, by="key")[0]


def test_the_workflow_is_the_one_the_issue_describes() -> None:
    assert allowed_from(S.PROPOSED) == (S.COMMITTED, S.WITHDRAWN)
    assert allowed_from(S.COMMITTED) == (S.IN_PROGRESS, S.FULFILLED, S.LAPSED, S.WITHDRAWN)
    assert allowed_from(S.IN_PROGRESS) == (S.FULFILLED, S.LAPSED)
    assert {S.FULFILLED, S.LAPSED, S.WITHDRAWN} == FINAL
    assert set(TRANSITIONS) == set(S)


@pytest.mark.parametrize(("start", "to"), [(s, t) for s in S for t in TRANSITIONS[s]])
def test_every_allowed_transition_moves_the_status_and_grows_the_version_by_one(
    start: CommitmentStatus, to: CommitmentStatus
) -> None:
    before = commitment(start)
    after, step = before.transition(
        TransitionRequest(to=to, expected_version=3, realized_amount_idr=None), at=AT, on=ON, by="key-1"
    )
    assert (after.status, after.version) == (to, 4)
    assert (step.from_status, step.to_status, step.version, step.by, step.on) == (start, to, 4, "key-1", ON)


@pytest.mark.parametrize(("start", "to"), [(s, t) for s in S for t in S if t not in TRANSITIONS[s]])
def test_every_other_transition_is_refused_naming_the_allowed_ones(
    start: CommitmentStatus, to: CommitmentStatus
) -> None:
    with pytest.raises(InvalidTransitionError) as refused:
        move(commitment(start), to)
    for allowed in TRANSITIONS[start]:
        assert allowed in refused.value.message
    if start in FINAL:
        assert "final" in refused.value.message


def test_a_stale_version_is_a_conflict_even_for_an_illegal_move() -> None:
    with pytest.raises(VersionConflictError):
        commitment(S.FULFILLED).transition(TransitionRequest(to=S.COMMITTED, expected_version=2), at=AT, on=ON, by="k")


def test_a_budget_commitment_needs_an_amount_and_its_fulfilment_the_realized_amount() -> None:
    with pytest.raises(InvalidInputError) as no_amount:
        check_new_commitment(kind=CommitmentKind.BUDGET, amount_idr=None)
    assert no_amount.value.details[0].field == "amount_idr"
    check_new_commitment(kind=CommitmentKind.POLICY, amount_idr=None)
    budget = commitment(S.COMMITTED, CommitmentKind.BUDGET)
    with pytest.raises(InvalidInputError) as no_realized:
        move(budget, S.FULFILLED)
    assert no_realized.value.details[0].field == "realized_amount_idr"
    fulfilled = move(budget, S.FULFILLED, realized_amount_idr=20_000_000)
    assert fulfilled.realized_amount_idr == 20_000_000


def test_a_realized_amount_belongs_only_to_a_fulfilment() -> None:
    with pytest.raises(InvalidInputError):
        move(commitment(S.PROPOSED), S.COMMITTED, realized_amount_idr=1)


def test_the_indicators_count_the_pledged_amount_when_committed_and_the_realized_one_when_fulfilled() -> None:
    budget = commitment(S.PROPOSED, CommitmentKind.BUDGET)
    committed = move(budget, S.COMMITTED)
    assert committed.counted_amount(S.COMMITTED) == 25_000_000
    fulfilled = move(committed, S.FULFILLED, realized_amount_idr=20_000_000)
    assert fulfilled.counted_amount(S.FULFILLED) == 20_000_000


def test_a_final_commitment_is_never_overdue() -> None:
    overdue = commitment(S.COMMITTED, overdue=True)
    assert move(overdue, S.IN_PROGRESS).overdue is True
    assert move(overdue, S.LAPSED).overdue is False


def test_an_action_is_not_logged_ahead_and_its_next_step_is_not_due_before_it() -> None:
    check_action_dates(on=ON, next_step_due=ON, today=ON)
    with pytest.raises(InvalidInputError) as future:
        check_action_dates(on=date(2026, 11, 4), next_step_due=None, today=ON)
    assert [d.field for d in future.value.details] == ["date"]
    with pytest.raises(InvalidInputError) as backwards:
        check_action_dates(on=ON, next_step_due=date(2026, 11, 2), today=ON)
    assert [d.field for d in backwards.value.details] == ["next_step_due"]
