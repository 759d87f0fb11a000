"""What authentication and sign-up cost in DynamoDB, on moto, through the local API Gateway.

Prints, per authenticated request with one key (many requests within a minute), the DynamoDB
requests and item writes (the key's last use is written at most once a minute, not per request);
and per sign-up, accepted and refused by the per-address limit, the requests, the item writes and
the handler's median time.
Run: make bench   (or python -m benchmarks.access [requests])
"""

from __future__ import annotations

import statistics
import sys
import time
from typing import Any

from benchmarks.support import counting_dynamodb, quiet_aws_environment

quiet_aws_environment()

from moto import mock_aws  # noqa: E402

ADMIN = "bench-platform-admin-secret-0123456789"
REGENCIES = ("33.15", "33.18", "13.07", "13.72", "35.07", "33.01", "33.02", "33.03", "33.04", "33.05")


def _signup(code: str) -> dict[str, str]:
    return {"regency_code": code, "office_name": "Dinas", "contact_name": "Sri", "contact_email": "sri@example.id"}


def run(requests: int) -> dict[str, float]:
    with mock_aws():
        from app import app
        from chalicelib.config import get_settings
        from chalicelib.services.keys import install_bootstrap_key
        from devstack.resources import create_all
        from tests.http_client import ApiClient

        get_settings.cache_clear()
        create_all(get_settings())
        install_bootstrap_key(ADMIN)
        api = ApiClient(app)
        api.gateway.source_ip = "198.51.100.1"
        signup_ms: list[float] = []
        with counting_dynamodb() as counter:
            for code in REGENCIES:  # the limit's worth from one address
                started = time.perf_counter()
                assert api.post("/v1/signup", json=_signup(code)).status == 202
                signup_ms.append(time.perf_counter() - started)
            figures: dict[str, Any] = {
                "signup_requests": counter.total_requests / len(REGENCIES),
                "signup_writes": counter.item_writes / len(REGENCIES),
            }
            counter.reset()
            started = time.perf_counter()
            assert api.post("/v1/signup", json=_signup("33.06")).status == 429
            figures.update(
                refused_ms=(time.perf_counter() - started) * 1000,
                refused_requests=counter.total_requests,
                refused_writes=counter.item_writes,
            )
        approved = api.post("/v1/admin/tenants/33.15/approve", key=ADMIN)
        viewer = api.post("/v1/keys", key=approved.json["admin_key"]["secret"], json={"role": "viewer", "label": "v"})
        secret = viewer.json["secret"]
        request_ms: list[float] = []
        with counting_dynamodb() as counter:
            for _ in range(requests):
                started = time.perf_counter()
                assert api.get("/v1/tenant", key=secret).status == 200
                request_ms.append(time.perf_counter() - started)
            figures.update(
                auth_requests=counter.total_requests / requests,
                auth_writes=counter.item_writes,
            )
        figures.update(
            signup_ms=statistics.median(signup_ms) * 1000,
            request_ms=statistics.median(request_ms) * 1000,
        )
        return figures


def main() -> None:
    requests = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    f = run(requests)
    print("Authentication and sign-up, moto in-process:")
    print(
        f"  GET /v1/tenant x {requests}, one key : {f['auth_requests']:.2f} DynamoDB requests per request, "
        f"{f['auth_writes']} item writes in all (target: 1, the key's last use), {f['request_ms']:.2f} ms median"
    )
    print(
        f"  POST /v1/signup accepted   : {f['signup_requests']:.2f} requests and {f['signup_writes']:.2f} item "
        f"writes per sign-up (the address's counter and the application), {f['signup_ms']:.2f} ms median"
    )
    print(
        f"  POST /v1/signup refused 429: {f['refused_requests']} request and {f['refused_writes']} item writes, "
        f"{f['refused_ms']:.2f} ms"
    )


if __name__ == "__main__":
    main()
