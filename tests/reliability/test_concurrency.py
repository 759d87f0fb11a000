"""Concurrency over real HTTP against `python -m devstack` (what `make run` serves): the local stack
serializes moto's DynamoDB operations (devstack/atomic.py), so it keeps DynamoDB's promise that a
conditional write or a transaction is atomic, and the service's exactly-once rules hold under racing clients."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

import pytest

from devstack import atomic, moto_internals
from tests.e2e.conftest import HttpStack

CLIENTS = 8
T = TypeVar("T")


def _office(stack: HttpStack, regency: str, village: str) -> str:
    """An approved tenant with a registered village; its district-admin secret."""
    signup = {
        "regency_code": regency,
        "office_name": f"Dinas {regency}",
        "contact_name": "Sri",
        "contact_email": "s@example.id",
    }
    assert stack.call("POST", "/v1/signup", signup)[0] == 202
    status, approved = stack.call("POST", f"/v1/admin/tenants/{regency}/approve", key=stack.admin)
    assert status == 200, approved
    secret = str(approved["admin_key"]["secret"])
    assert stack.call("PUT", f"/v1/villages/{village}", {"library_name": "Perpusdes"}, key=secret)[0] in (200, 201)
    return secret


def _commitment(stack: HttpStack, key: str, stakeholder: dict[str, Any], commitment: dict[str, Any]) -> dict[str, Any]:
    """A new stakeholder and a new commitment of it (these bodies, sent with `key`); the commitment."""
    status, created = stack.call("POST", "/v1/stakeholders", stakeholder, key=key)
    assert status == 201, created
    status, committed = stack.call(
        "POST", "/v1/commitments", {"stakeholder_id": created["stakeholder_id"], **commitment}, key=key
    )
    assert status == 201, committed
    return dict(committed)


def _at_once(send: Callable[[], T], clients: int = CLIENTS, timeout: float = 120) -> list[T]:
    """`send` from `clients` threads released together; their answers."""
    barrier = threading.Barrier(clients)
    answers: list[T] = []
    lock = threading.Lock()

    def client() -> None:
        barrier.wait()
        answer = send()
        with lock:
            answers.append(answer)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert len(answers) == clients
    return answers


@pytest.mark.slow  # starts the local stack (once per session)
def test_eight_clients_posting_the_same_batch_at_once_store_each_report_once(http_stack: HttpStack) -> None:
    village = "33.15.01.2001"
    key = _office(http_stack, "33.15", village)
    batch: list[dict[str, Any]] = [
        {
            "submission_id": str(uuid.uuid4()),
            "village_code": village,
            "type": "visits",
            "date": f"2026-11-{d:02d}",
            "visitors": d,
        }
        for d in range(1, 21)
    ]
    answers = _at_once(lambda: http_stack.call("POST", "/v1/reports", {"reports": batch}, key=key))
    assert [status for status, _ in answers] == [200] * CLIENTS, answers
    for position, sent in enumerate(batch):
        results = [body["results"][position] for _, body in answers]
        assert {r["submission_id"] for r in results} == {sent["submission_id"]}
        assert sorted(r["status"] for r in results) == ["accepted"] + ["duplicate"] * (CLIENTS - 1), results
    status, page = http_stack.call("GET", "/v1/reports?limit=100", key=key)
    assert status == 200
    assert sorted(r["submission_id"] for r in page["items"]) == sorted(b["submission_id"] for b in batch)
    for sent in batch:
        status, stored = http_stack.call("GET", f"/v1/reports/{sent['submission_id']}", key=key)
        assert status == 200 and stored["report"]["version"] == 1 and len(stored["history"]) == 1, stored


@pytest.mark.slow  # starts the local stack (once per session)
def test_eight_clients_moving_the_same_commitment_from_the_same_version_exactly_one_wins(http_stack: HttpStack) -> None:
    village = "33.18.01.2001"
    key = _office(http_stack, "33.18", village)
    commitment = _commitment(
        http_stack,
        key,
        {"name": "Kepala Desa", "kind": "village_head", "village_code": village},
        {"kind": "budget", "amount_idr": 2_000_000, "description": "Dana Desa", "due_date": "2027-03-31"},
    )
    path = f"/v1/commitments/{commitment['commitment_id']}/transitions"
    answers = _at_once(lambda: http_stack.call("POST", path, {"to": "committed", "expected_version": 1}, key=key))
    assert sorted(status for status, _ in answers) == [201] + [409] * (CLIENTS - 1), answers
    assert all(body["error"]["code"] == "version_conflict" for status, body in answers if status == 409)
    status, detail = http_stack.call("GET", f"/v1/commitments/{commitment['commitment_id']}", key=key)
    assert status == 200
    assert detail["version"] == 2 and detail["status"] == "committed"
    assert [(t["version"], t["to_status"]) for t in detail["transitions"]] == [(2, "committed")]


def test_the_atomic_patch_is_one_installable_and_removable_mechanism() -> None:
    backend = moto_internals.dynamodb_backend_class()
    before = {name: getattr(backend, name) for name in atomic.OPERATIONS}
    uninstall = atomic.install()
    try:
        assert atomic.is_installed()
        assert atomic.install() is not None  # a second install changes nothing
        assert all(getattr(backend, n) is not before[n] for n in atomic.OPERATIONS)
    finally:
        uninstall()
    assert {name: getattr(backend, name) for name in atomic.OPERATIONS} == before
    assert not atomic.is_installed()


@pytest.mark.slow  # starts the local stack (once per session)
def test_fifty_phones_posting_at_once_are_all_answered(http_stack: HttpStack) -> None:
    """Regression (found by make load): the local server kept the stdlib's listen backlog of 5, so
    phones connecting while it was busy were reset. Each phone opens its own connection."""
    village = "33.19.01.2001"
    key = _office(http_stack, "33.19", village)
    clients = 50

    def phone() -> int | str:
        batch = [
            {
                "submission_id": str(uuid.uuid4()),
                "village_code": village,
                "type": "visits",
                "date": "2026-11-03",
                "visitors": 4,
            }
            for _ in range(10)
        ]
        try:
            return int(http_stack.call("POST", "/v1/reports", {"reports": batch}, key=key)[0])
        except OSError as exc:
            return type(exc).__name__

    outcomes = _at_once(phone, clients=clients, timeout=180)
    assert outcomes == [200] * clients, outcomes
