"""Shared fixtures: a clean environment, moto's AWS with every table, the API client and tenants."""

from __future__ import annotations

# Before anything imports boto3, PynamoDB or the app: no real AWS, no leftover endpoints.
from tests.support.environment import use_moto_environment

use_moto_environment(credentials="testing", stage="test", AWS_ACCOUNT_ID_ENDPOINT_MODE="disabled")

from collections.abc import Iterator  # noqa: E402

import pytest  # noqa: E402

from chalicelib.config import get_settings  # noqa: E402
from tests.factories import Tenants  # noqa: E402
from tests.http_client import ApiClient  # noqa: E402

ADMIN_SECRET = "platform-admin-secret-for-tests-0123456789"


@pytest.fixture
def aws() -> Iterator[None]:
    """A fresh moto account with every table, the export bucket and the event bus. Its DynamoDB is
    serialized (devstack.atomic, also what `make run` installs): DynamoDB applies each write atomically
    and serves a scan while other requests delete, where moto, unguarded, lets two threads pass one
    check-then-write and fails a scan whose table another thread changes under it."""
    from moto import mock_aws  # here, not at the top: the unit layer (tests/unit) runs without moto

    from devstack.atomic import serialized

    get_settings.cache_clear()
    with mock_aws(), serialized():
        from chalicelib import aws_clients
        from devstack.resources import create_all

        aws_clients.reset()
        create_all(get_settings())
        yield
        aws_clients.reset()


@pytest.fixture
def api(aws: None) -> ApiClient:
    """The API, through the local gateway, on moto."""
    from app import app

    return ApiClient(app)


@pytest.fixture
def admin_key(aws: None) -> str:
    """The platform admin's secret."""
    from chalicelib.services.keys import install_bootstrap_key

    install_bootstrap_key(ADMIN_SECRET)
    return ADMIN_SECRET


@pytest.fixture
def tenants(api: ApiClient, admin_key: str) -> Tenants:
    """Makes approved tenants with keys of every role."""
    return Tenants(api, admin_key)


@pytest.fixture
def settle_now(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No settle window: a rollup counts what was written just before it."""
    monkeypatch.setenv("TPBIS_ROLLUP_SETTLE_SECONDS", "0")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()  # settings changed by a test are not seen by the next
