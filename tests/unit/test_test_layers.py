"""How the tests are arranged: the unit layer needs no moto, tests never import benchmarks, and only one
module reaches into moto's internals."""

from __future__ import annotations

import ast
import functools
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# moto's public surface: the in-process mock and the local server. Anything else is its internals.
MOTO_PUBLIC = {("moto", "mock_aws"), ("moto.server", "ThreadedMotoServer")}
MOTO_INTERNALS_MODULE = "devstack/moto_internals.py"


def _python_files(*folders: str) -> list[Path]:
    return sorted(p for folder in folders for p in (ROOT / folder).rglob("*.py") if "node_modules" not in p.parts)


@functools.cache
def _imports(path: Path) -> tuple[tuple[str, str | None], ...]:
    """(module, name) of every import in a file, at any depth (name None for `import module`)."""
    found: list[tuple[str, str | None]] = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.extend((alias.name, None) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.extend((node.module, alias.name) for alias in node.names)
    return tuple(found)


def _is_moto(module: str) -> bool:
    return module == "moto" or module.startswith("moto.")


def test_importing_the_unit_tests_and_their_conftest_imports_no_moto() -> None:
    modules = ["tests.conftest", *(f"tests.unit.{p.stem}" for p in sorted((ROOT / "tests/unit").glob("test_*.py")))]
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m == 'moto' or m.startswith('moto.')))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_no_unit_test_imports_moto_anywhere_in_its_body() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}: {module}"
        for path in _python_files("tests/unit")
        if path.name != "test_test_layers.py"  # this file names moto's modules as data only
        for module, _ in _imports(path)
        if _is_moto(module)
    ]
    assert offenders == []


def test_the_import_scan_finds_moto_imported_inside_a_function(tmp_path: Path) -> None:
    probe = tmp_path / "test_probe.py"
    probe.write_text("def test_x():\n    from moto import mock_aws\n    import moto.dynamodb\n")
    assert [m for m, _ in _imports(probe) if _is_moto(m)] == ["moto", "moto.dynamodb"]


def test_a_unit_test_asking_for_moto_directly_or_through_a_fixture_is_refused() -> None:
    from tests.unit.conftest import moto_fixtures_of

    assert moto_fixtures_of(["world", "aws"]) == ["aws"]
    assert moto_fixtures_of(["tenants", "api", "aws", "admin_key"]) == ["admin_key", "api", "aws", "tenants"]
    assert moto_fixtures_of(["world", "marked", "monkeypatch", "tmp_path"]) == []


def test_no_test_module_imports_the_benchmarks() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}: {module}"
        for path in _python_files("tests")
        for module, _ in _imports(path)
        if module == "benchmarks" or module.startswith("benchmarks.")
    ]
    assert offenders == []


def test_only_the_moto_internals_module_imports_more_of_moto_than_its_public_mock_and_server() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}: {module} {name or ''}"
        for path in _python_files("tests", "benchmarks", "devstack", "chalicelib")
        if path.relative_to(ROOT).as_posix() != MOTO_INTERNALS_MODULE
        for module, name in _imports(path)
        if _is_moto(module) and (module, name) not in MOTO_PUBLIC
    ]
    assert offenders == []


def test_the_import_scan_sees_moto_internals_where_they_are() -> None:
    internal = [(m, n) for m, n in _imports(ROOT / MOTO_INTERNALS_MODULE) if _is_moto(m)]
    assert ("moto.dynamodb.models", "DynamoDBBackend") in internal
    assert all(pair not in MOTO_PUBLIC for pair in internal)
