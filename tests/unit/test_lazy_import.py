"""Lazily imported modules load once, on first use, even when many threads use them first at once."""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from types import ModuleType

import pytest

from chalicelib.lazy import lazy_import


def test_a_lazy_module_is_not_imported_until_used_and_then_is_the_real_module(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "tpbis_probe_lazy.py").write_text("VALUE = 42\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    module = lazy_import("tpbis_probe_lazy")
    assert isinstance(module, ModuleType) and module.__name__ == "tpbis_probe_lazy"
    assert "tpbis_probe_lazy" not in sys.modules
    assert module.VALUE == 42
    assert "tpbis_probe_lazy" in sys.modules


def test_many_threads_using_a_lazy_module_first_all_see_it_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A slow module body widens the window in which a half-loaded module could be seen.
    (tmp_path / "tpbis_probe_slow.py").write_text("import time\ntime.sleep(0.2)\ndef answer():\n    return 42\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    module = lazy_import("tpbis_probe_slow")
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
