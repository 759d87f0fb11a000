"""The nesting bound read before parsing: brackets inside strings do not count, and no text confuses it."""

from __future__ import annotations

import pytest

from chalicelib.api.http import MAX_DEPTH, _too_deep


@pytest.mark.parametrize(
    ("text", "too_deep"),
    [
        ("[" * MAX_DEPTH + "]" * MAX_DEPTH, False),
        ("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), True),
        ('{"a":' * (MAX_DEPTH + 1) + "1" + "}" * (MAX_DEPTH + 1), True),
        ('["' + "[" * 1000 + '"]', False),  # inside a string
        ('["\\"' + "[" * 1000 + '"]', False),  # after an escaped quote, still inside the string
        ("[" * 20 + '"\\\\"' + "[" * 20, True),  # an escaped backslash ends the string: 40 deep
        ("[" * 40 + '"' + 'a\\"' * 1000, True),  # an unterminated string, then nothing
        ("[" * 40 + '"' + 'a\\"' * 1000 + "\\", True),
        ('"' * 100_000, False),
        ("[]" * 100_000, False),  # many, but never deep
    ],
)
def test_depth_is_counted_outside_strings(text: str, too_deep: bool) -> None:
    assert _too_deep(text) is too_deep
