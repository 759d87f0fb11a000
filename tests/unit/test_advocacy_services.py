"""The advocacy use cases on the in-memory stores (no moto): who sees what, what a write leaves
behind, and the reminder job's once-only announcements."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

import pytest

from chalicelib.domain.commitments import (
    ActionKind,
    CommitmentKind,
    CommitmentStatus,
    NewAction,
    NewCommitment,
    NewStakeholder,
    StakeholderKind,
    TransitionRequest,
)
from chalicelib.domain.principal import Principal, Role
from chalicelib.errors import InvalidInputError, NotFoundError, PermissionDeniedError, VersionConflictError
from chalicelib.services import commitment_edits, commitments, reminders, stakeholders
from chalicelib.stores.advocacy import CommitmentQuery
from tests.fakes.report_stores import Marked
from tests.fakes.stores import MemoryStores

GROBOGAN, PATI = "33.15", "33.18"
V1, V2 = "33.15.01.2001", "33.15.01.2002"
ADMIN = Principal(key_id="admin", role=Role.DISTRICT_ADMIN, tenant_id=GROBOGAN)
PATI_ADMIN = Principal(key_id="pati", role=Role.DISTRICT_ADMIN, tenant_id=PATI)
OPERATOR = Principal(key_id="op", role=Role.OPERATOR, tenant_id=GROBOGAN, villages=frozenset({V1}))
VIEWER = Principal(key_id="viewer", role=Role.VIEWER, tenant_id=GROBOGAN)
NOW = dt.datetime(2026, 11, 20, 3, 0, tzinfo=dt.UTC)  # 10:00 in Grobogan (WIB)
S = CommitmentStatus


def _commitment(village: str | None = V1, *, due: dt.date = dt.date(2026, 12, 31), given: bool = True) -> str:
    sid = stakeholders.create_stakeholder(
        principal=ADMIN, data=NewStakeholder(name="Kades", kind=StakeholderKind.VILLAGE_HEAD, village_code=V2), now=NOW
    ).stakeholder_id
    data = NewCommitment(sid, CommitmentKind.BUDGET, "Dana Desa", due, 10_000_000, village, village_given=given)
    return commitments.create_commitment(principal=ADMIN, data=data, now=NOW).commitment_id


def test_a_commitment_without_an_explicit_village_takes_its_stakeholder_s(world: MemoryStores) -> None:
    explicit, taken = _commitment(None), _commitment(None, given=False)

    assert commitments.get_commitment(principal=ADMIN, commitment_id=explicit)[0].village_code is None
    assert commitments.get_commitment(principal=ADMIN, commitment_id=taken)[0].village_code == V2


def test_a_commitment_of_an_unknown_or_another_tenant_s_stakeholder_is_refused(world: MemoryStores) -> None:
    theirs = stakeholders.create_stakeholder(
        principal=PATI_ADMIN, data=NewStakeholder(name="Kades", kind=StakeholderKind.VILLAGE_HEAD), now=NOW
    )
    for sid in (theirs.stakeholder_id, "00000000000000ff", "not an id"):
        data = NewCommitment(sid, CommitmentKind.POLICY, "Perdes", dt.date(2026, 12, 31))
        with pytest.raises(InvalidInputError):
            commitments.create_commitment(principal=ADMIN, data=data, now=NOW)

    store = world.for_tenant(GROBOGAN).advocacy.commitments
    assert store.page(CommitmentQuery(), limit=5, cursor=None) == ([], None)


def test_an_operator_sees_only_what_belongs_to_its_villages_and_the_rest_is_not_found(world: MemoryStores) -> None:
    own, other, regency = _commitment(V1), _commitment(V2), _commitment(None)

    seen, _ = commitments.list_commitments(
        principal=OPERATOR, status=None, overdue=None, stakeholder_id=None, village_code=None, limit=10, cursor=None
    )

    assert [c.commitment_id for c in seen] == [own]
    for hidden in (other, regency):
        with pytest.raises(NotFoundError):
            commitments.get_commitment(principal=OPERATOR, commitment_id=hidden)
        with pytest.raises(NotFoundError):
            commitment_edits.history_page(
                principal=OPERATOR, commitment_id=hidden, kind="transition", limit=5, cursor=None
            )
    with pytest.raises(NotFoundError):
        commitments.get_commitment(principal=PATI_ADMIN, commitment_id=own)
    listed = stakeholders.list_stakeholders(principal=OPERATOR, kind=None, village_code=None, limit=10, cursor=None)
    assert listed == ([], None), "the stakeholders are of another village"


def test_only_the_district_admin_writes(world: MemoryStores) -> None:
    cid = _commitment()
    request = TransitionRequest(to=S.COMMITTED, expected_version=1)

    for caller in (VIEWER, OPERATOR):
        with pytest.raises(PermissionDeniedError):
            commitments.transition_commitment(principal=caller, commitment_id=cid, request=request, now=NOW)
        with pytest.raises(PermissionDeniedError):
            stakeholders.create_stakeholder(principal=caller, data=NewStakeholder("x", StakeholderKind.OTHER))

    assert commitments.get_commitment(principal=VIEWER, commitment_id=cid)[0].version == 1


def test_a_counted_transition_marks_the_change_feed_and_leaves_its_fact(world: MemoryStores, marked: Marked) -> None:
    cid = _commitment()

    after, step = commitments.transition_commitment(
        principal=ADMIN, commitment_id=cid, request=TransitionRequest(to=S.COMMITTED, expected_version=1), now=NOW
    )

    assert (after.status, after.version, step.on) == (S.COMMITTED, 2, dt.date(2026, 11, 20))
    assert marked == [(GROBOGAN, "2026-11", V1)]
    assert world.for_tenant(GROBOGAN).advocacy.facts.months() == {("2026-11", V1)}


def test_a_transition_or_an_edit_at_a_stale_version_changes_and_marks_nothing(
    world: MemoryStores, marked: Marked
) -> None:
    cid = _commitment()
    commitment_edits.edit_commitment(
        principal=ADMIN, commitment_id=cid, changes={"description": "Perdes"}, expected_version=1, now=NOW
    )

    with pytest.raises(VersionConflictError):
        commitments.transition_commitment(
            principal=ADMIN, commitment_id=cid, request=TransitionRequest(to=S.COMMITTED, expected_version=1), now=NOW
        )
    with pytest.raises(VersionConflictError):
        commitment_edits.edit_commitment(
            principal=ADMIN, commitment_id=cid, changes={"description": "again"}, expected_version=1, now=NOW
        )

    current, transitions, _ = commitments.get_commitment(principal=ADMIN, commitment_id=cid)
    assert (current.description, current.version, transitions) == ("Perdes", 2, [])
    assert marked == []
    edits, _ = commitment_edits.history_page(principal=ADMIN, commitment_id=cid, kind="edit", limit=5, cursor=None)
    assert [e.version for e in edits] == [2]


def test_an_action_is_logged_with_the_caller_and_read_back_in_date_order(world: MemoryStores) -> None:
    cid = _commitment()
    for day in (12, 3):
        commitments.add_action(
            principal=ADMIN,
            commitment_id=cid,
            data=NewAction(dt.date(2026, 11, day), ActionKind.MEETING, "Rapat"),
            now=NOW,
        )

    _, _, actions = commitments.get_commitment(principal=VIEWER, commitment_id=cid)

    assert [(a.date.day, a.recorded_by, a.recorded_at) for a in actions] == [(3, "admin", NOW), (12, "admin", NOW)]


def test_a_stakeholder_update_clears_optional_fields_but_never_the_name_or_kind(world: MemoryStores) -> None:
    created = stakeholders.create_stakeholder(
        principal=ADMIN, data=NewStakeholder("Kades", StakeholderKind.VILLAGE_HEAD, contact="0812"), now=NOW
    )
    sid = created.stakeholder_id

    with pytest.raises(InvalidInputError):
        stakeholders.update_stakeholder(principal=ADMIN, stakeholder_id=sid, changes={"name": None})
    updated = stakeholders.update_stakeholder(
        principal=ADMIN, stakeholder_id=sid, changes={"contact": None, "kind": StakeholderKind.REGENT}, now=NOW
    )

    assert (updated.contact, updated.kind, updated.version) == (None, StakeholderKind.REGENT, 2)
    assert stakeholders.get_stakeholder(principal=VIEWER, stakeholder_id=sid) == (updated, [])
    with pytest.raises(NotFoundError):
        stakeholders.update_stakeholder(principal=PATI_ADMIN, stakeholder_id=sid, changes={"contact": "x"})


@dataclass
class Events:
    """An EventBridge client that records what it is sent, failing the entries it is told to."""

    fail: set[str] = field(default_factory=set)
    sent: list[dict[str, Any]] = field(default_factory=list)

    def put_events(self, Entries: list[dict[str, Any]]) -> dict[str, Any]:
        results = []
        for entry in Entries:
            cid = json.loads(entry["Detail"])["commitment_id"]
            if cid in self.fail:
                results.append({"ErrorCode": "InternalFailure"})
            else:
                self.sent.append(entry)
                results.append({"EventId": f"e{len(self.sent)}"})
        return {"Entries": results}


def test_the_reminder_job_announces_each_past_due_commitment_once_and_retries_a_failed_one(
    world: MemoryStores,
) -> None:
    late, failing = _commitment(due=dt.date(2026, 11, 10)), _commitment(due=dt.date(2026, 11, 11))
    _commitment(due=dt.date(2026, 12, 31))
    events = Events(fail={failing})

    first = reminders.run(now=NOW, events=events)
    second = reminders.run(now=NOW, events=events)
    events.fail.clear()
    third = reminders.run(now=NOW, events=events)

    assert (first.checked, first.events_published, second.events_published, third.events_published) == (2, 1, 0, 1)
    overdue = [json.loads(e["Detail"]) for e in events.sent if e["DetailType"] == reminders.DETAIL_TYPE]
    assert [(d["commitment_id"], d["stakeholder"]["name"]) for d in overdue] == [(late, "Kades"), (failing, "Kades")]


def test_a_next_step_is_announced_once_when_it_falls_due(world: MemoryStores) -> None:
    cid = _commitment()
    commitment_edits.edit_commitment(
        principal=ADMIN,
        commitment_id=cid,
        changes={"next_step": "Audiensi", "next_step_due": dt.date(2026, 11, 20)},
        expected_version=1,
        now=NOW,
    )
    events = Events()

    counts = [reminders.run(now=NOW, events=events).next_steps_announced for _ in range(2)]

    assert counts == [1, 0]
    assert [json.loads(e["Detail"])["next_step"] for e in events.sent] == ["Audiensi"]
