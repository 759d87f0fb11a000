"""Which file a URL path names in the built web app, and its cache rule: nothing outside web/dist."""

from __future__ import annotations

from pathlib import Path

import pytest

from devstack import static


@pytest.fixture
def dist(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html>")
    (tmp_path / "assets" / "index-abcdef12.js").write_text("")
    (tmp_path.parent / "secret.txt").write_text("no")
    monkeypatch.setenv("TPBIS_WEB_DIST", str(tmp_path))
    return tmp_path


def test_the_root_is_index_html_revalidated_and_bundles_are_immutable(dist: Path) -> None:
    rules = static.policy()["cache"]
    assert static.resolve("/") == (dist / "index.html", rules["index"])
    assert static.resolve("/?lang=en") == (dist / "index.html", rules["index"])
    assert static.resolve("/assets/index-abcdef12.js") == (dist / "assets" / "index-abcdef12.js", rules["assets"])


@pytest.mark.parametrize(
    "path", ["/../secret.txt", "/assets/../../secret.txt", "//etc/passwd", "/assets", "/missing.js"]
)
def test_paths_outside_the_app_directories_and_missing_files_name_nothing(dist: Path, path: str) -> None:
    assert static.resolve(path) is None
