"""`make load`: village libraries posting report batches against the local stack, for a bounded time.

Starts `python -m devstack` on a free port (or targets a running stack with --url and --admin-key),
sets up the tenants (one regency per 10 villages, an operator key per village, every village
registered), then runs one thread per village for --seconds: each posts a batch of --batch new reports
(mixed types, dated this month or last), waits --think seconds, and again. A 503 is retried after its
Retry-After like a phone would (counted, not as an error); anything else non-2xx is an error.
Prints throughput (requests/s and reports/s), latency percentiles and the error count.

    python -m benchmarks.load [--villages 50] [--seconds 60] [--batch 10] [--think 0.0] [--url URL --admin-key K]
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import random
import statistics
import sys
import threading
import time
import urllib.parse
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from tests.factories import signup_payload

# Real Kemendagri regencies of Central Java; ten villages of each.
REGENCIES = ("33.15", "33.18", "33.19", "33.20", "33.21", "33.22", "33.23", "33.24", "33.25", "33.26")
KINDS = ("visits", "activity", "media", "partnership", "ict")


def village_codes(regency: str, count: int) -> list[str]:
    """The first `count` villages of a regency (real Kemendagri codes)."""
    from chalicelib import areas

    return [a.code for a in areas.villages_of_province(regency[:2]) if a.code.startswith(regency + ".")][:count]


class Http:
    """One keep-alive connection per thread (what a phone's HTTP client does between batches)."""

    def __init__(self, base: str) -> None:
        parsed = urllib.parse.urlsplit(base)
        self.host, self.port = parsed.hostname or "127.0.0.1", parsed.port or 80
        self.connection: http.client.HTTPConnection | None = None

    def call(self, method: str, path: str, body: Any = None, key: str | None = None) -> tuple[int, dict[str, str], Any]:
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Content-Type": "application/json"}
        if key:
            headers["Authorization"] = f"Bearer {key}"
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
            try:
                self.connection.request(method, path, body=data, headers=headers)
                response = self.connection.getresponse()
                raw = response.read()
                return response.status, dict(response.getheaders()), json.loads(raw) if raw else None
            except (ConnectionError, http.client.HTTPException):
                self.connection.close()
                self.connection = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


@dataclass
class Village:
    code: str
    key: str


@dataclass
class Figures:
    """What the clients measured."""

    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    outcomes: Counter[str] = field(default_factory=Counter)
    rejections: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _must(answer: tuple[int, dict[str, str], Any], *ok: int) -> Any:
    status, _, body = answer
    if status not in ok:
        raise RuntimeError(f"setup failed: {status} {body}")
    return body


def set_up(base: str, admin: str, villages: int) -> list[Village]:
    """Approved tenants, registered villages and an operator key per village."""
    client = Http(base)
    found: list[Village] = []
    for regency in REGENCIES:
        if len(found) >= villages:
            break
        codes = village_codes(regency, min(10, villages - len(found)))
        _must(client.call("POST", "/v1/signup", signup_payload(regency)), 202, 409)
        approved = _must(client.call("POST", f"/v1/admin/tenants/{regency}/approve", key=admin), 200)
        district = approved["admin_key"]["secret"]
        for code in codes:
            _must(client.call("PUT", f"/v1/villages/{code}", {"library_name": f"Perpusdes {code}"}, district), 200, 201)
            operator = _must(
                client.call("POST", "/v1/keys", {"role": "operator", "label": code, "villages": [code]}, district), 201
            )
            found.append(Village(code, operator["secret"]))
    if len(found) < villages:
        raise RuntimeError(f"only {len(found)} villages could be set up")
    return found


def _batch(village: str, size: int, rng: random.Random, today: dt.date) -> list[dict[str, Any]]:
    batch = []
    for _ in range(size):
        kind = rng.choice(KINDS)
        day = today - dt.timedelta(days=rng.randint(0, 40))
        body: dict[str, Any] = {
            "submission_id": str(uuid.uuid4()),
            "village_code": village,
            "type": kind,
            "date": day.isoformat(),
        }
        fields: dict[str, dict[str, Any]] = {
            "visits": {"visitors": rng.randint(3, 80), "women": 3},
            "activity": {"title": "Kelas literasi", "category": "training", "participants": 20, "women": 11},
            "media": {"outlet": "Radio", "medium": "radio"},
            "partnership": {"partner_name": "Koperasi", "partner_kind": "community", "agreement": "mou"},
            "ict": {"computer_sessions": 12, "internet_users": 9},
        }
        body.update(fields[kind])
        batch.append(body)
    return batch


def run_village(
    base: str, village: Village, args: argparse.Namespace, stop_at: float, figures: Figures, seed: int
) -> None:
    client = Http(base)
    rng = random.Random(seed)
    today = dt.date.today()
    if args.think:  # phones do not start in step: spread the first batches over one pause
        time.sleep(min(rng.uniform(0, args.think), max(0.0, stop_at - time.monotonic())))
    while time.monotonic() < stop_at:
        batch = _batch(village.code, args.batch, rng, today)
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            try:
                status, headers, body = client.call("POST", "/v1/reports", {"reports": batch}, village.key)
            except Exception as exc:  # a dropped connection counts as an error
                with figures.lock:
                    figures.errors.append(f"{type(exc).__name__}: {exc}")
                break
            elapsed = time.perf_counter() - started
            with figures.lock:
                figures.latencies.append(elapsed)
                figures.statuses[status] += 1
                if status == 200:
                    figures.outcomes.update(r["status"] for r in body["results"])
                    figures.rejections.update(
                        e["code"] + ": " + e["message"] for r in body["results"] for e in r.get("errors") or []
                    )
                elif status != 503:
                    figures.errors.append(f"{status} {str(body)[:200]}")
            if status == 503:
                time.sleep(float(headers.get("Retry-After", "1")))
                continue  # the same batch again, as a phone does
            break
        if args.think:  # never past the end: the run's wall time is the load's
            time.sleep(min(args.think * rng.uniform(0.5, 1.5), max(0.0, stop_at - time.monotonic())))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Village libraries posting report batches for a bounded time.")
    parser.add_argument("--villages", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--batch", type=int, default=10, help="reports per request")
    parser.add_argument("--think", type=float, default=0.0, help="mean seconds a village waits between batches (±50%%)")
    parser.add_argument("--url", help="a running stack (with --admin-key); default: start one")
    parser.add_argument("--admin-key")
    parser.add_argument("--json", help="also write the figures as JSON here")
    args = parser.parse_args(argv)

    stack = None
    if args.url:
        if not args.admin_key:
            parser.error("--url needs --admin-key")
        base, admin = args.url.rstrip("/"), args.admin_key
    else:
        from tests.e2e.conftest import start_stack

        stack = start_stack()
        base, admin = stack.base, stack.admin
    try:
        print(f"setting up {args.villages} villages on {base} ...", flush=True)
        villages = set_up(base, admin, args.villages)
        figures = Figures()
        print(f"{len(villages)} villages posting batches of {args.batch} for {args.seconds:.0f} s ...", flush=True)
        started = time.monotonic()
        stop_at = started + args.seconds
        threads = [
            threading.Thread(target=run_village, args=(base, v, args, stop_at, figures, i), daemon=True)
            for i, v in enumerate(villages)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=args.seconds + 120)
        wall = time.monotonic() - started
    finally:
        if stack is not None:
            stack.stop()

    lat = figures.latencies
    requests = len(lat)
    stored = figures.outcomes["accepted"]
    result = {
        "villages": len(villages),
        "seconds": round(wall, 1),
        "batch": args.batch,
        "requests": requests,
        "requests_per_s": round(requests / wall, 1),
        "reports_accepted": stored,
        "reports_per_s": round(stored / wall, 1),
        "outcomes": dict(figures.outcomes),
        "statuses": dict(figures.statuses),
        "p50_ms": round(statistics.median(lat) * 1000, 1) if lat else None,
        "p95_ms": round(percentile(lat, 0.95) * 1000, 1) if lat else None,
        "p99_ms": round(percentile(lat, 0.99) * 1000, 1) if lat else None,
        "errors": len(figures.errors),
    }
    print(
        f"\n{result['villages']} villages, {result['seconds']} s, batches of {args.batch}:\n"
        f"  throughput: {result['requests_per_s']} requests/s, {result['reports_per_s']} reports/s "
        f"({requests} requests, {stored} reports accepted)\n"
        f"  latency per batch: p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, p99 {result['p99_ms']} ms\n"
        f"  statuses: {result['statuses']}; outcomes: {result['outcomes']}\n"
        f"  errors: {result['errors']}"
    )
    for reason, n in figures.rejections.most_common(5):
        print(f"  rejected x{n}: {reason}")
    for error in figures.errors[:10]:
        print("  error:", error)
    if args.json:
        with open(args.json, "w") as out:
            json.dump(result, out, indent=2)
    return 0 if not figures.errors and requests else 1


if __name__ == "__main__":
    sys.exit(main())
