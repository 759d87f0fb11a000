"""Schemathesis against the spec a running local stack serves, with the keys of every role of two tenants.

For every operation of `GET /v1/openapi.json`, every key (platform admin, national viewer, and the
district admin, operator and viewer of two tenants), and both generation modes (positive: data the
spec allows; negative: data it forbids), Hypothesis draws `examples` cases; positive cases are also
drawn with the path parameters set to real ids of the caller's own tenant, so that fuzzed bodies reach
real resources (a commitment's transitions, a report's corrections) instead of stopping at 404.
Each response goes through schemathesis' checks: no 5xx, the status code and content type documented
for the operation, the body and headers conforming to the documented schema, and (negative mode)
forbidden input refused with a 4xx.

`python -m tests.fuzz.fuzzer --examples N [--url URL]` runs it and prints the figures (what `make fuzz`
does); tests/fuzz/test_fuzz.py runs a small size inside `make test`.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import signal
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import hypothesis
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.errors import InvalidSchema
from schemathesis.core.result import Err, Ok
from schemathesis.schemas import APIOperation

from tests.factories import signup_payload

POSITIVE_CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
NEGATIVE_CHECKS = [*POSITIVE_CHECKS, negative_data_rejection]

DEBUG = bool(os.environ.get("TPBIS_FUZZ_DEBUG"))
GROBOGAN, GROBOGAN_VILLAGE = "33.15", "33.15.01.2001"
PATI, PATI_VILLAGE = "33.18", "33.18.01.2001"


@dataclass
class Caller:
    """One key, and the ids of its own tenant's resources (for real path parameters)."""

    name: str
    secret: str
    ids: dict[str, str] = field(default_factory=dict)


@dataclass
class FuzzResult:
    """What a run did and found."""

    requests: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    by_operation: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)

    def summary(self) -> str:
        statuses = ", ".join(f"{s}: {n}" for s, n in sorted(self.statuses.items()))
        return (
            f"{self.requests} requests over {len(self.by_operation)} operations in {self.seconds:.0f} s; "
            f"5xx: {self.server_errors}; check failures: {len(self.failures)}; statuses: {statuses}"
        )


def _call(base: str, method: str, path: str, key: str | None = None, body: Any = None) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    response = requests.request(method, base + path, json=body, headers=headers, timeout=30)
    assert response.status_code < 300, f"{method} {path} -> {response.status_code} {response.text[:300]}"
    return response.json() if response.text else {}


def _tenant(base: str, admin: str, regency: str, village: str) -> dict[str, Caller]:
    """An approved tenant with a registered village, a report, a stakeholder and a commitment."""
    _call(base, "POST", "/v1/signup", body=signup_payload(regency))
    office = _call(base, "POST", f"/v1/admin/tenants/{regency}/approve", admin)["admin_key"]
    district = office["secret"]
    operator = _call(base, "POST", "/v1/keys", district, {"role": "operator", "label": "op", "villages": [village]})
    viewer = _call(base, "POST", "/v1/keys", district, {"role": "viewer", "label": "viewer"})
    _call(base, "PUT", f"/v1/villages/{village}", district, {"library_name": "Perpustakaan Desa"})
    sid = str(uuid.uuid4())
    report = {"submission_id": sid, "village_code": village, "type": "visits", "date": "2026-11-02", "visitors": 5}
    _call(base, "POST", "/v1/reports", district, report)
    stakeholder = _call(
        base,
        "POST",
        "/v1/stakeholders",
        district,
        {"name": "Kepala Desa", "kind": "village_head", "village_code": village},
    )["stakeholder_id"]
    commitment = _call(
        base,
        "POST",
        "/v1/commitments",
        district,
        {"stakeholder_id": stakeholder, "kind": "policy", "description": "Perdes", "due_date": "2027-06-30"},
    )["commitment_id"]
    ids = {
        "tenant_id": regency,
        "key_id": viewer["key_id"],
        "village_code": village,
        "submission_id": sid,
        "stakeholder_id": stakeholder,
        "commitment_id": commitment,
    }
    return {
        f"{regency} district_admin": Caller(f"{regency} district_admin", district, ids),
        f"{regency} operator": Caller(f"{regency} operator", operator["secret"], ids),
        f"{regency} viewer": Caller(f"{regency} viewer", viewer["secret"], ids),
    }


def make_callers(base: str, admin: str) -> list[Caller]:
    """The platform admin, a national viewer, and three roles of each of two tenants."""
    national = _call(base, "POST", "/v1/admin/keys", admin, {"role": "national_viewer", "label": "dash"})
    callers = [Caller("platform_admin", admin), Caller("national_viewer", national["secret"])]
    callers += _tenant(base, admin, GROBOGAN, GROBOGAN_VILLAGE).values()
    callers += _tenant(base, admin, PATI, PATI_VILLAGE).values()
    # The platform admin's own path parameters: the first tenant's ids (it may act on any tenant).
    callers[0].ids = dict(callers[2].ids)
    return callers


def _run_one(
    operation: Any,
    caller: Caller,
    mode: GenerationMode,
    examples: int,
    real_ids: bool,
    base: str,
    session: requests.Session,
    result: FuzzResult,
) -> None:
    label = f"{operation.method.upper()} {operation.path}"
    names = re.findall(r"{(\w+)}", operation.path)
    fixed = {name: caller.ids[name] for name in names if name in caller.ids} if real_ids else None
    if real_ids and (not names or len(fixed or {}) != len(names)):
        return
    strategy = operation.as_strategy(generation_mode=mode, path_parameters=fixed)
    checks = NEGATIVE_CHECKS if mode is GenerationMode.NEGATIVE else POSITIVE_CHECKS
    headers = {"Authorization": f"Bearer {caller.secret}"}

    @hypothesis.settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=False,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        verbosity=hypothesis.Verbosity.quiet,
    )
    @given(case=strategy, data=st.data())
    def fuzz(case: Any, data: Any) -> None:
        if DEBUG:
            print("   ", caller.name, mode.value, case.as_curl_command(headers)[:300], flush=True)
        response = case.call(base_url=base, session=session, headers=headers, timeout=30)
        result.requests += 1
        result.statuses[response.status_code] += 1
        result.by_operation[label] += 1
        try:
            case.validate_response(response, checks=checks, headers=headers)
        except (Exception, BaseExceptionGroup) as exc:  # collect every finding, keep fuzzing the others
            text = str(exc).strip().splitlines()
            result.failures.append(
                f"[{caller.name}, {mode.value}{', real ids' if real_ids else ''}] {label} -> "
                f"{response.status_code}: {' | '.join(text[:6])[:600]}\n    reproduce: {case.as_curl_command(headers)}"
            )

    # Unsatisfiable: nothing to generate in this mode (e.g. no way to break a parameterless operation).
    with contextlib.suppress(hypothesis.errors.Unsatisfiable):
        fuzz()


def _operation(result: Ok[APIOperation[Any, Any, Any, Any]] | Err[InvalidSchema]) -> APIOperation[Any, Any, Any, Any]:
    """An operation of the schema; a schema the fuzzer cannot read is an error, not a skipped operation."""
    if isinstance(result, Err):
        raise result.err()
    return result.ok()


def run(base: str, admin: str, *, examples: int, log: Callable[[str], None] = print) -> FuzzResult:
    """Fuzz every operation with every caller; returns the figures and every failed check."""
    started = time.monotonic()
    callers = make_callers(base, admin)
    schema = schemathesis.openapi.from_url(base + "/v1/openapi.json")
    operations = [_operation(o) for o in schema.get_all_operations()]
    only = os.environ.get("TPBIS_FUZZ_ONLY")
    if only:
        operations = [o for o in operations if only in o.path]
    result = FuzzResult()
    session = requests.Session()
    for operation in operations:
        for caller in callers:
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                _run_one(operation, caller, mode, examples, False, base, session, result)
            _run_one(operation, caller, GenerationMode.POSITIVE, examples, True, base, session, result)
        label = f"{operation.method.upper()} {operation.path}"
        log(f"  {label}: {result.by_operation[label]} requests")
    result.seconds = time.monotonic() - started
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=12, help="cases per (operation, key, mode)")
    parser.add_argument("--min-requests", type=int, default=2000, help="fail when fewer requests were made")
    parser.add_argument("--url", help="a running stack (needs --admin-key); default: start one")
    parser.add_argument("--admin-key", help="the platform-admin secret of the stack at --url")
    parser.add_argument("--report", help="write the figures as JSON here")
    args = parser.parse_args(argv)
    stack = None
    if args.url:
        base, admin = args.url.rstrip("/"), args.admin_key
        if not admin:
            parser.error("--url needs --admin-key")
    else:
        from tests.e2e.conftest import start_stack

        stack = start_stack()
        base, admin = stack.base, stack.admin
    try:
        print(f"fuzzing {base} with {args.examples} examples per (operation, key, mode)", flush=True)
        result = run(base, admin, examples=args.examples)
    finally:
        if stack is not None:
            if DEBUG:
                stack.process.send_signal(signal.SIGUSR1)
                time.sleep(1)
                print("".join(list(stack.output)[-200:]))
            stack.stop()
    for failure in result.failures:
        print("FAILED " + failure)
    print(result.summary())
    if args.report:
        with open(args.report, "w") as out:
            json.dump(
                {
                    "requests": result.requests,
                    "operations": len(result.by_operation),
                    "server_errors": result.server_errors,
                    "check_failures": len(result.failures),
                    "statuses": dict(result.statuses),
                    "seconds": round(result.seconds, 1),
                },
                out,
                indent=2,
            )
    ok = not result.failures and result.server_errors == 0 and result.requests >= args.min_requests
    if result.requests < args.min_requests:
        print(f"FAILED: only {result.requests} requests (< {args.min_requests})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
