"""ODK's own XForms engine (tests/odk/fill.mjs on @getodk/xforms-engine), run in Node as a subprocess."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

ODK = Path(__file__).resolve().parents[1] / "odk"


def run_engine(server_url: str, forms: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Let the engine list, download, fill and submit `forms` ({formID: {values, violate}}) on a server."""
    node = shutil.which("node")
    assert node, "Node 20+ is needed for ODK's engine"
    assert (ODK / "node_modules" / "@getodk" / "xforms-engine").is_dir(), "run `make odk-engine` (make test does)"
    with tempfile.NamedTemporaryFile("w", suffix=".json") as plan:
        json.dump({"server": server_url, "forms": forms}, plan)
        plan.flush()
        done = subprocess.run(
            [node, str(ODK / "fill.mjs"), plan.name], cwd=ODK, capture_output=True, text=True, timeout=180
        )
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout))
