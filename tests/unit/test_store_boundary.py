"""Services obtain storage from `chalicelib.stores`, never from the repositories."""

from __future__ import annotations

import ast
from pathlib import Path

SERVICES = Path(__file__).resolve().parents[2] / "chalicelib" / "services"
REPOSITORIES = "chalicelib.repositories"


def _imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            names |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
    return names


def _repositories(names: set[str]) -> list[str]:
    return sorted(n for n in names if n == REPOSITORIES or n.startswith(REPOSITORIES + "."))


def test_no_service_imports_a_repository() -> None:
    offenders = {path.name: _repositories(_imported(path)) for path in sorted(SERVICES.glob("*.py"))}

    assert {name: found for name, found in offenders.items() if found} == {}


def test_the_check_sees_an_import_of_a_repository_in_either_form(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text("import chalicelib.repositories.jobs\nfrom chalicelib.repositories import aggregates\n")

    assert _repositories(_imported(probe)) == [
        "chalicelib.repositories",
        "chalicelib.repositories.aggregates",
        "chalicelib.repositories.jobs",
    ]
