"""One synth of the `dev` stack per test session (packaging and synth take several seconds)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

STAGE = "dev"


@dataclass(frozen=True)
class Synthesized:
    """The synthesized stack: its template as JSON, and where the cloud assembly lives."""

    template: dict[str, Any]
    template_path: Path
    outdir: Path

    def resources(self, resource_type: str) -> dict[str, dict[str, Any]]:
        """The template's resources of one type, by logical id."""
        return {k: r for k, r in self.template["Resources"].items() if r["Type"] == resource_type}

    def functions(self) -> dict[str, dict[str, Any]]:
        """Lambda functions (SAM) by Chalice function name (`tpbis-dev-<name>`)."""
        prefix = f"tpbis-{STAGE}-"
        return {
            r["Properties"]["FunctionName"].removeprefix(prefix): r
            for r in self.resources("AWS::Serverless::Function").values()
        }


@pytest.fixture(scope="session")
def synthesized(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    """Synthesize the app as `make synth` does (cdk-nag included: a finding would fail here)."""
    from infrastructure.app import build

    outdir = tmp_path_factory.mktemp("cdk.out")
    app, stack = build(STAGE, outdir=outdir)
    app.synth()
    template_path = outdir / f"{stack.artifact_id}.template.json"
    return Synthesized(json.loads(template_path.read_text()), template_path, outdir)


@pytest.fixture(scope="session")
def template(synthesized: Synthesized) -> Any:
    """The same template for `aws_cdk.assertions`."""
    from aws_cdk.assertions import Template

    return Template.from_json(synthesized.template)
