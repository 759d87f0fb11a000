"""The key that signs paging cursors comes from configuration: Secrets Manager in AWS, read once per container."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest

from chalicelib.config import cursor_secret, get_settings


@pytest.fixture(autouse=True)
def _fresh(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ("TPBIS_CURSOR_SECRET_ARN", "TPBIS_CURSOR_SECRET"):
        monkeypatch.delenv(name, raising=False)
    cursor_secret.cache_clear()
    get_settings.cache_clear()
    yield
    cursor_secret.cache_clear()
    get_settings.cache_clear()


def test_the_secret_named_by_its_arn_is_read_once(aws: None, monkeypatch: pytest.MonkeyPatch) -> None:
    client = boto3.client("secretsmanager", region_name="ap-southeast-3")
    arn = client.create_secret(Name="tpbis-test-cursor", SecretString="k" * 64)["ARN"]
    monkeypatch.setenv("TPBIS_CURSOR_SECRET_ARN", arn)
    assert cursor_secret() == b"k" * 64
    client.put_secret_value(SecretId=arn, SecretString="changed")
    assert cursor_secret() == b"k" * 64  # cached for the container's life


def test_a_configured_value_is_used_outside_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TPBIS_CURSOR_SECRET", "local-cursor-key")
    assert cursor_secret() == b"local-cursor-key"


def test_a_deployed_stage_without_a_secret_fails_instead_of_inventing_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TPBIS_STAGE", "prod")
    with pytest.raises(RuntimeError, match="cursor secret"):
        cursor_secret()


def test_the_test_stage_makes_one_random_key_per_process() -> None:
    first = cursor_secret()
    assert len(first) == 32 and cursor_secret() == first
