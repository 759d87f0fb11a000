"""Fixtures the API tests share: a tenant with registered villages, and a record of which views ran."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.factories import TenantKeys, Tenants, tenant_with_villages
from tests.http_client import ApiClient


@pytest.fixture
def office(tenants: Tenants, api: ApiClient) -> TenantKeys:
    """Grobogan, approved, with its two test villages registered."""
    return tenant_with_villages(tenants, api)


@pytest.fixture
def views_run(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The authorizer outcomes that reached a protected route's view (each such view reads one first):
    empty when the gateway refused every request."""
    from chalicelib.api import auth, http

    reached: list[str] = []
    real: Callable[..., Any] = auth.principal_from_context

    def spy(context: dict[str, Any] | None) -> Any:
        reached.append(str(((context or {}).get("authorizer") or {}).get("outcome")))
        return real(context)

    monkeypatch.setattr(http, "principal_from_context", spy)
    return reached
