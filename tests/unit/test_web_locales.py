"""The web app's two languages name the same strings: nothing falls back to Indonesian in English."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

LOCALES = Path(__file__).resolve().parents[2] / "web" / "src" / "locales"


def _keys(tree: dict[str, Any], prefix: str = "") -> set[str]:
    """Every string's dotted key; i18next's plural forms (`_one`, `_other`) count as one."""
    keys: set[str] = set()
    for name, value in tree.items():
        if isinstance(value, dict):
            keys |= _keys(value, f"{prefix}{name}.")
        else:
            keys.add(re.sub(r"_(one|other)$", "", f"{prefix}{name}"))
    return keys


def test_english_and_indonesian_have_the_same_strings() -> None:
    id_keys, en_keys = (_keys(json.loads((LOCALES / f"{n}.json").read_text(encoding="utf-8"))) for n in ("id", "en"))

    assert len(id_keys) > 300
    assert sorted(id_keys - en_keys) == []
    assert sorted(en_keys - id_keys) == []


def test_every_string_is_text() -> None:
    for name in ("id", "en"):
        tree = json.loads((LOCALES / f"{name}.json").read_text(encoding="utf-8"))
        stack = [tree]
        while stack:
            for value in stack.pop().values():
                if isinstance(value, dict):
                    stack.append(value)
                else:
                    assert isinstance(value, str) and value.strip(), (name, value)
