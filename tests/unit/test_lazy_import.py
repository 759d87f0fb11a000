"""Lazily imported modules load once, on first use, even when many threads use them first at once."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

from chalicelib.lazy import lazy_import


@pytest.fixture
def probe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[str, str], ModuleType]:
    """A module of this name and source, importable from now on, imported lazily."""

    def lazily(name: str, source: str) -> ModuleType:
        (tmp_path / f"{name}.py").write_text(source)
        monkeypatch.syspath_prepend(str(tmp_path))
        return lazy_import(name)

    return lazily


def test_a_lazy_module_is_not_imported_until_used_and_then_is_the_real_module(
    probe: Callable[[str, str], ModuleType],
) -> None:
    module = probe("tpbis_probe_lazy", "VALUE = 42\n")
    assert isinstance(module, ModuleType) and module.__name__ == "tpbis_probe_lazy"
    assert "tpbis_probe_lazy" not in sys.modules
    assert module.VALUE == 42
    assert "tpbis_probe_lazy" in sys.modules


def test_many_threads_using_a_lazy_module_first_all_see_it_whole(probe: Callable[[str, str], ModuleType]) -> None:
    # A slow module body widens the window in which a half-loaded module could be seen.
    module = probe("tpbis_probe_slow", "import time\ntime.sleep(0.2)\ndef answer():\n    return 42\n")
    results: list[object] = []
    barrier = threading.Barrier(8)

    def use() -> None:
        barrier.wait()
        try:
            results.append(module.answer())
        except Exception as exc:  # what a half-loaded module would raise
            results.append(exc)

    threads = [threading.Thread(target=use) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [42] * 8
