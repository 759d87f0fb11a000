"""What Chalice packages for Lambda (requirements.txt) is exactly the runtime dependencies of pyproject.toml."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_requirements_txt_lists_the_runtime_dependencies_of_pyproject_with_the_same_bounds() -> None:
    runtime = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    packaged = [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
    assert sorted(packaged) == sorted(runtime)
    assert any(dep.startswith("aws-lambda-powertools[tracer]") for dep in runtime)  # the Tracer needs aws_xray_sdk
