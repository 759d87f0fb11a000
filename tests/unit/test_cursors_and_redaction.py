"""Paging cursors are opaque and bound to their listing; logs never carry secrets."""

from __future__ import annotations

import pytest

from chalicelib.errors import MalformedRequestError
from chalicelib.observability import redact
from chalicelib.repositories.base import decode_cursor, encode_cursor


def test_a_cursor_round_trips_within_its_own_listing() -> None:
    key = {"owner": {"S": "33.15"}, "key_id": {"S": "abc"}}
    assert decode_cursor(encode_cursor(key), scope={"owner": "33.15"}) == key


def test_no_next_page_means_no_cursor() -> None:
    assert encode_cursor(None) is None
    assert decode_cursor(None, scope={}) is None


def test_a_cursor_of_another_tenant_is_refused() -> None:
    cursor = encode_cursor({"owner": {"S": "33.18"}, "key_id": {"S": "abc"}})
    with pytest.raises(MalformedRequestError):
        decode_cursor(cursor, scope={"owner": "33.15"})


@pytest.mark.parametrize("cursor", ["%%%", "bm90IGpzb24", "W10", "eyJhIjoxfQ", "eyJhIjp7Ik4iOiIxIn19"])
def test_a_garbled_cursor_is_refused(cursor: str) -> None:
    with pytest.raises(MalformedRequestError):
        decode_cursor(cursor, scope={})


def test_redaction_removes_issued_secrets_and_bearer_tokens() -> None:
    secret = "tpbis_0123456789abcdef_" + "A" * 43
    text = redact(f"key {secret} and header Authorization: Bearer my-own-secret, done")
    assert secret not in text
    assert "my-own-secret" not in text
    assert "done" in text
