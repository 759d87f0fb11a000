"""The template passes cfn-lint, and cdk-nag's AwsSolutions findings are all fixed or acknowledged."""

from __future__ import annotations

import json

import pytest
from cfnlint.api import lint_file

from tests.infrastructure.conftest import Synthesized

pytestmark = pytest.mark.slow


def test_cfn_lint_finds_no_error_in_the_template(synthesized: Synthesized) -> None:
    matches = lint_file(synthesized.template_path)
    errors = [str(m) for m in matches if m.rule.id.startswith("E")]
    assert errors == []


def test_cdk_nag_leaves_no_unacknowledged_finding(synthesized: Synthesized) -> None:
    report = json.loads((synthesized.outdir / "validation-report.json").read_text())
    (nag,) = [p for p in report["pluginReports"] if p["pluginName"] == "AwsSolutions"]
    assert nag["conclusion"] == "success"
    assert nag["violations"] == []


def test_every_acknowledged_finding_has_a_written_reason(synthesized: Synthesized) -> None:
    report = json.loads((synthesized.outdir / "validation-report.json").read_text())
    (nag,) = [p for p in report["pluginReports"] if p["pluginName"] == "AwsSolutions"]
    for finding in nag["suppressedViolations"]:
        assert len(finding["reason"]) > 40, finding["ruleName"]
        # One finding (rule and resource), never a whole rule: a rule without finding ids (the cursor
        # secret's rotation) is acknowledged on its one resource only.
        if "[" not in finding["ruleName"]:
            assert finding["ruleName"] == "AwsSolutions-SMG4", finding["ruleName"]
            paths = [c["constructPath"] for c in finding["violatingConstructs"]]
            assert len(paths) == 1 and paths[0].endswith("/CursorSecret/Resource"), paths
