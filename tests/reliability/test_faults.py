"""Fault injection: DynamoDB throttling, partial batches, cancelled transactions and crashes.

Faults are injected where moto answers botocore (tests/faults.py): botocore's retries, PynamoDB and
the service run as they would against DynamoDB. The client in these tests behaves as the phones are
told to: on 503 it waits Retry-After and sends the same request again. Afterwards every report it
sent is stored exactly once with the content it sent, and every indicator equals both a rebuild
from scratch and a naive sum over the reports (tests/rollup_oracle.py).
"""

from __future__ import annotations

import random
import uuid
from collections import Counter
from typing import Any

import pytest

from chalicelib.config import get_settings
from chalicelib.errors import is_throttling
from tests.advocacy import new_commitment, new_stakeholder
from tests.factories import GROBOGAN, TenantKeys, Tenants, register_village, report, signup_payload
from tests.faults import Crash, DynamoFaults, injected
from tests.http_client import ApiClient, ApiResponse
from tests.reliability.support import assert_indicators_match_oracle, raw, stored_reports
from tests.rollup_oracle import stored_aggregates

VILLAGES = ("33.15.01.2001", "33.15.01.2002", "33.15.02.2001")
PERIODS = ["2026", "2026-Q4", "2026-10", "2026-11"]
KINDS = ("visits", "activity", "media", "partnership", "ict")


def _markers() -> list[Any]:
    """Every marker of the change feed: the tenants' and the national step's."""
    from chalicelib.repositories import changes

    return changes.pending() + changes.national_feed().pending()


def _table(logical: str) -> str:
    return get_settings().table_name(logical)


@pytest.fixture
def office(tenants: Tenants, api: ApiClient) -> TenantKeys:
    keys = tenants.create(GROBOGAN, operator_villages=VILLAGES)
    for village in VILLAGES:
        register_village(api, keys.admin, village)
    return keys


def _reports(rng: random.Random, n: int) -> list[dict[str, Any]]:
    return [
        report(
            rng.choice(KINDS),
            village=rng.choice(VILLAGES),
            date=f"2026-{rng.choice((10, 11))}-{rng.randint(1, 28):02d}",
        )
        for _ in range(n)
    ]


def _until_answered(send: Any, statuses: Counter[int], attempts: int = 40) -> ApiResponse:
    """Send until the answer is not 503; every 503 must carry Retry-After and the error shape."""
    for _ in range(attempts):
        response: ApiResponse = send()
        statuses[response.status] += 1
        if response.status != 503:
            return response
        assert response.headers.get("retry-after"), response.headers
        assert response.error_code == "service_unavailable", response.text
    raise AssertionError(f"still 503 after {attempts} attempts")


def _rollup_until_done(attempts: int = 20) -> int:
    """Run the rollup until a run completes (a throttled run is rerun, as the schedule would)."""
    from chalicelib.services import rollup

    for attempt in range(1, attempts + 1):
        try:
            rollup.run(settle_seconds=0)
            return attempt
        except Exception as exc:
            if not is_throttling(exc):
                raise
    raise AssertionError("the rollup never completed")


def _assert_consistent(posted: dict[str, dict[str, Any]], tenant_id: str) -> None:
    """Each posted report stored once with its content; indicators = rebuild = naive sums."""
    from chalicelib.services import rollup

    stored = stored_reports(tenant_id)
    assert set(stored) == set(posted), (len(stored), len(posted))
    for sid, body in posted.items():
        assert stored[sid].version == 1 and len(stored[sid].history) == 1, sid
        assert stored[sid].content.village_code == body["village_code"]
        assert stored[sid].content.date.isoformat() == body["date"]

    assert _markers() == [], "every change was rolled up"
    incremental = stored_aggregates()
    rollup.rebuild()
    assert stored_aggregates() == incremental, "incremental figures equal a rebuild from scratch"
    assert assert_indicators_match_oracle(raw(posted), set(VILLAGES), {tenant_id}, PERIODS) > 0


def test_throttling_and_partial_batches_lose_nothing_and_count_everything_once(
    office: TenantKeys, api: ApiClient, fast: None
) -> None:
    rng = random.Random(20261201)
    posted: dict[str, dict[str, Any]] = {}
    statuses: Counter[int] = Counter()
    previous: list[dict[str, Any]] = []
    with injected(DynamoFaults(throttle=0.2, unprocessed=0.2, seed=11)) as faults:
        for _ in range(12):
            batch = _reports(rng, 8) + previous[:2]  # two reports of the previous batch again: duplicates
            answer = _until_answered(
                lambda b=batch: api.post("/v1/reports", key=office.operator, json={"reports": b}), statuses
            )
            assert answer.status == 200, answer.text
            for sent, result in zip(batch, answer.json["results"], strict=True):
                assert result["submission_id"] == sent["submission_id"]
                assert result["status"] in ("accepted", "duplicate"), result
                posted[sent["submission_id"]] = sent
            assert all(r["status"] == "duplicate" for r in answer.json["results"][8:])
            previous = batch
        runs = _rollup_until_done()
    print(f"\nfault counts: {dict(faults.counts)}\nresponses: {dict(statuses)}; rollup runs until done: {runs}")
    assert statuses[500] == 0 and set(statuses) <= {200, 503}, statuses
    assert faults.counts["throttled"] > 20, faults.counts
    assert faults.counts["unprocessed-items"] > 0 and faults.counts["unprocessed-keys"] > 0, faults.counts
    assert runs >= 1
    _assert_consistent(posted, GROBOGAN)


def test_commitment_transitions_under_throttling_make_one_history_entry_each(
    office: TenantKeys, api: ApiClient, fast: None
) -> None:
    stakeholder = new_stakeholder(api, office, name="Kepala Desa", village_code=VILLAGES[0])["stakeholder_id"]
    commitment = new_commitment(
        api, office, stakeholder, kind="policy", amount_idr=None, description="Perdes", due_date="2027-01-31"
    )["commitment_id"]
    statuses: Counter[int] = Counter()
    with injected(DynamoFaults(throttle=0.3, seed=5)) as faults:
        for version, to in enumerate(("committed", "in_progress", "fulfilled"), start=1):
            answer = _until_answered(
                lambda v=version, t=to: api.post(
                    f"/v1/commitments/{commitment}/transitions", key=office.admin, json={"to": t, "expected_version": v}
                ),
                statuses,
            )
            if answer.status == 409:  # an earlier attempt was applied after all: the state must show it
                current = api.get(f"/v1/commitments/{commitment}", key=office.admin)
                assert current.json["version"] == version + 1 and current.json["status"] == to
            else:
                assert answer.status == 201, answer.text
    assert faults.counts["throttled"] > 0
    assert statuses[500] == 0, statuses
    detail = api.get(f"/v1/commitments/{commitment}", key=office.admin).json
    assert detail["version"] == 4 and detail["status"] == "fulfilled"
    assert [(t["version"], t["to_status"]) for t in detail["transitions"]] == [
        (2, "committed"),
        (3, "in_progress"),
        (4, "fulfilled"),
    ]


# (name, which calls are throttled every time, the request) -> must be 503 with Retry-After, never 500.
def _exhaustion_cases() -> list[tuple[str, Any]]:
    return [
        ("authorizer key lookup", lambda op, table: table == _table("api_keys")),
        ("report batch write", lambda op, table: table == _table("reports") and op == "PutItem"),
        ("report batch read", lambda op, table: op == "BatchGetItem"),
        ("change-feed marker", lambda op, table: table == _table("changes")),
        ("commitment transaction", lambda op, table: op == "TransactWriteItems"),
        ("idempotency record", lambda op, table: table == _table("idempotency")),
        ("tenant approval transaction", lambda op, table: op == "TransactWriteItems"),
        ("rollup aggregate batch", lambda op, table: op == "BatchWriteItem"),
    ]


@pytest.mark.parametrize(("case", "only"), _exhaustion_cases(), ids=[c[0] for c in _exhaustion_cases()])
def test_exhausted_retries_answer_503_with_retry_after_and_store_nothing_half(
    case: str, only: Any, office: TenantKeys, api: ApiClient, admin_key: str, fast: None
) -> None:

    commitment = new_commitment(api, office, kind="policy", amount_idr=None, description="x", due_date="2027-01-31")
    assert api.post("/v1/signup", json=signup_payload("33.18")).status == 202
    sent = report("visits", village=VILLAGES[0])
    before_reports = stored_reports(GROBOGAN)
    requests = {
        "authorizer key lookup": lambda: api.get("/v1/villages", key=office.viewer),
        "report batch write": lambda: api.post("/v1/reports", key=office.operator, json={"reports": [sent]}),
        "report batch read": lambda: api.post("/v1/reports", key=office.operator, json={"reports": [sent]}),
        "change-feed marker": lambda: api.post("/v1/reports", key=office.operator, json=sent),
        "commitment transaction": lambda: api.post(
            f"/v1/commitments/{commitment['commitment_id']}/transitions",
            key=office.admin,
            json={"to": "committed", "expected_version": 1},
        ),
        "idempotency record": lambda: api.post(
            "/v1/stakeholders",
            key=office.admin,
            json={"name": "Lurah", "kind": "other"},
            headers={"Idempotency-Key": str(uuid.uuid4())},
        ),
        "tenant approval transaction": lambda: api.post("/v1/admin/tenants/33.18/approve", key=admin_key),
        "rollup aggregate batch": lambda: api.post("/v1/admin/jobs/rollup/run", key=admin_key),
    }
    with injected(DynamoFaults(throttle=1.0, only=only, unprocessed=0.0)) as faults:
        response = requests[case]()
    assert faults.counts["throttled"] > 0, faults.counts
    assert response.status == 503, response.text
    assert response.headers.get("retry-after") == "2"
    assert response.error_code == "service_unavailable"
    # Nothing half-written: the refused change is not visible, and the same request succeeds later.
    assert stored_reports(GROBOGAN).keys() == before_reports.keys()
    detail = api.get(f"/v1/commitments/{commitment['commitment_id']}", key=office.admin).json
    assert detail["version"] == 1 and detail["transitions"] == [] and detail["status"] == "proposed"
    tenant_b = api.get("/v1/admin/signups?tenant_id=33.18&status=pending", key=admin_key).json
    assert len(tenant_b["items"]) == 1, tenant_b
    active = api.get("/v1/admin/tenants?status=active", key=admin_key).json["items"]
    assert "33.18" not in [t["tenant_id"] for t in active], active
    if case == "rollup aggregate batch":
        assert _markers(), "the rollup's work stays marked for the next run"
    again = requests[case]()
    assert again.status < 300, again.text


def test_unprocessed_items_on_every_attempt_answer_503_not_500(
    office: TenantKeys, api: ApiClient, admin_key: str, fast: None
) -> None:

    api.post("/v1/reports", key=office.operator, json=report("visits", village=VILLAGES[0]))
    # Only writes here; unread keys have a test of their own (below).
    with injected(DynamoFaults(unprocessed=1.0, unprocessed_operations=frozenset({"BatchWriteItem"}))) as faults:
        response = api.post("/v1/admin/jobs/rollup/run", key=admin_key)
    assert faults.counts["unprocessed-items"] > 0
    assert response.status == 503 and response.headers.get("retry-after") == "2", response.text
    assert _markers() and stored_aggregates() == {}, "nothing of the failed run is trusted; its work is marked"
    assert api.post("/v1/admin/jobs/rollup/run", key=admin_key).status == 200
    assert stored_aggregates()


def test_a_transaction_cancelled_by_its_condition_writes_none_of_its_items(office: TenantKeys, api: ApiClient) -> None:
    """Another writer moves the commitment between the service's read and its transaction: DynamoDB
    cancels the whole transaction (version condition), so no transition, fact or status is half-written."""
    import boto3

    commitment = new_commitment(api, office, amount_idr=1_000_000, description="Dana Desa", due_date="2027-01-31")
    cid = commitment["commitment_id"]

    def competing_write(operation: str, table: str) -> None:
        from chalicelib.repositories.advocacy_items import CommitmentItem, commitment_sk

        client = boto3.client("dynamodb", region_name=get_settings().region)
        client.update_item(
            TableName=_table("advocacy"),
            Key={"tenant_id": {"S": GROBOGAN}, "sk": {"S": commitment_sk(cid)}},
            UpdateExpression="SET #v = :v",
            ExpressionAttributeNames={"#v": CommitmentItem.version.attr_name},
            ExpressionAttributeValues={":v": {"N": "7"}},
        )

    with injected(DynamoFaults(before={"TransactWriteItems": competing_write})) as faults:
        response = api.post(
            f"/v1/commitments/{cid}/transitions", key=office.admin, json={"to": "committed", "expected_version": 1}
        )
    assert faults.counts["before:TransactWriteItems"] == 1
    assert response.status == 409 and response.error_code == "version_conflict", response.text
    detail = api.get(f"/v1/commitments/{cid}", key=office.admin).json
    assert detail["status"] == "proposed" and detail["transitions"] == [] and detail["version"] == 7
    from chalicelib.repositories.transition_facts import fact_months

    assert fact_months(GROBOGAN) == set(), "no commitment fact was written"


@pytest.mark.parametrize(("table", "crash_at"), [("changes", 1), ("reports", 4), ("reports", 10)])
def test_a_crash_in_the_middle_of_a_report_batch_then_the_retry_stores_each_report_once(
    office: TenantKeys, api: ApiClient, table: str, crash_at: int
) -> None:
    """The process dies instead of its `crash_at`-th write to `table` (the change-feed markers come
    first, then one conditional put per report); the phone, having no answer, sends the batch again."""
    batch = _reports(random.Random(crash_at), 10)
    faults = DynamoFaults(crash_at=crash_at, crash_on=lambda op, t: t == _table(table))
    with injected(faults), pytest.raises(Crash):
        api.post("/v1/reports", key=office.operator, json={"reports": batch})
    assert faults.crashed
    stored_before = stored_reports(GROBOGAN)
    expected_before = crash_at - 1 if table == "reports" else 0
    assert len(stored_before) == expected_before, "the writes before the crash, and only those"
    answer = api.post("/v1/reports", key=office.operator, json={"reports": batch})
    assert answer.status == 200, answer.text
    outcomes = [r["status"] for r in answer.json["results"]]
    assert outcomes == ["duplicate"] * len(stored_before) + ["accepted"] * (10 - len(stored_before))
    _rollup_until_done()
    _assert_consistent({b["submission_id"]: b for b in batch}, GROBOGAN)


@pytest.mark.parametrize("crash_at", [1, 4, 11])
def test_a_crash_in_the_middle_of_a_rollup_run_is_finished_by_the_next_run(
    office: TenantKeys, api: ApiClient, crash_at: int, fast: None
) -> None:
    """The process dies before the rollup's write number `crash_at` (aggregates, markers, job record);
    the next scheduled run, itself throttled, finishes the work."""
    from chalicelib.services import rollup

    posted = {}
    for _ in range(3):
        batch = _reports(random.Random(crash_at), 6)
        assert api.post("/v1/reports", key=office.operator, json={"reports": batch}).status == 200
        posted.update({b["submission_id"]: b for b in batch})
    with injected(DynamoFaults(crash_at=crash_at)) as faults, pytest.raises(Crash):
        rollup.run(settle_seconds=0)
    assert faults.crashed
    with injected(DynamoFaults(throttle=0.2, unprocessed=0.2, seed=crash_at)):
        _rollup_until_done()
    _assert_consistent(posted, GROBOGAN)


class _BoundedFaults(DynamoFaults):
    """Faults that give up (a Crash) once a batch read was sent more often than any bounded retry would."""

    def handle(self, original: Any, stubber: Any, event_name: str, request: Any) -> Any:
        if self.counts["calls:BatchGetItem"] > 100:
            raise Crash("unprocessed keys resent without bound")
        return super().handle(original, stubber, event_name, request)


def test_keys_left_unprocessed_on_every_read_answer_503_after_a_bounded_backoff(
    office: TenantKeys, api: ApiClient, fast: None
) -> None:
    sent = [report("visits", village=VILLAGES[0]), report("visits", village=VILLAGES[1])]
    only_reads = frozenset({"BatchGetItem"})
    with injected(_BoundedFaults(unprocessed=1.0, unprocessed_operations=only_reads)) as faults:
        response = api.post("/v1/reports", key=office.operator, json={"reports": sent})
    assert response.status == 503 and response.headers.get("retry-after") == "2", response.text
    assert response.error_code == "service_unavailable"
    from chalicelib.repositories.base import BATCH_ROUNDS

    assert faults.counts["calls:BatchGetItem"] == BATCH_ROUNDS
    assert stored_reports(GROBOGAN) == {}, "nothing of the refused post is stored"
    again = api.post("/v1/reports", key=office.operator, json={"reports": sent})
    assert again.status == 200 and again.json["accepted"] == 2, again.text


def test_keys_left_unprocessed_now_and_then_are_read_on_a_later_round(
    office: TenantKeys, api: ApiClient, fast: None
) -> None:
    sent = [report("visits", village=VILLAGES[i % 3]) for i in range(30)]
    assert api.post("/v1/reports", key=office.operator, json={"reports": sent}).json["accepted"] == 30
    only_reads = frozenset({"BatchGetItem"})
    with injected(_BoundedFaults(unprocessed=0.5, unprocessed_operations=only_reads)) as faults:
        response = api.post("/v1/reports", key=office.operator, json={"reports": sent})
    assert faults.counts["unprocessed-keys"] > 0
    assert response.status == 200 and response.json["duplicates"] == 30, response.text


def _first_success_saves_throttled(times: int) -> Any:
    """Throttle the first `times` updates of idempotency records (the save of a create's result)."""
    seen = Counter[str]()

    def only(operation: str, table: str) -> bool:
        if table != _table("idempotency") or operation != "UpdateItem":
            return False
        seen["updates"] += 1
        return seen["updates"] <= times

    return only


def test_a_create_whose_idempotency_record_save_is_throttled_keeps_its_promise_once_the_save_succeeds(
    office: TenantKeys, api: ApiClient, fast: None
) -> None:
    key = {"Idempotency-Key": str(uuid.uuid4())}
    body = {"name": "Lurah Karanglangu", "kind": "other"}
    with injected(DynamoFaults(throttle=1.0, only=_first_success_saves_throttled(4))) as faults:  # botocore's 4
        first = api.post("/v1/stakeholders", key=office.admin, json=body, headers=key)
    assert faults.counts["throttled"] == 4
    assert first.status == 201, first.text
    again = api.post("/v1/stakeholders", key=office.admin, json=body, headers=key)
    assert (again.status, again.json["stakeholder_id"]) == (201, first.json["stakeholder_id"]), again.text
    listed = api.get("/v1/stakeholders", key=office.admin).json["items"]
    assert [s["stakeholder_id"] for s in listed] == [first.json["stakeholder_id"]]


def test_a_create_whose_idempotency_record_cannot_be_saved_is_not_answered_as_a_success(
    office: TenantKeys, api: ApiClient, fast: None
) -> None:
    key = {"Idempotency-Key": str(uuid.uuid4())}
    body = {"name": "Lurah Karanglangu", "kind": "other"}
    with injected(DynamoFaults(throttle=1.0, only=_first_success_saves_throttled(1000))):
        first = api.post("/v1/stakeholders", key=office.admin, json=body, headers=key)
    assert (first.status, first.error_code) == (503, "service_unavailable"), first.text
    assert first.headers.get("retry-after") == "2"
    again = api.post("/v1/stakeholders", key=office.admin, json=body, headers=key)
    assert again.status == 409, "the key stays taken: a retry never makes a second stakeholder"
    assert len(api.get("/v1/stakeholders", key=office.admin).json["items"]) == 1
