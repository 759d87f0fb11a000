"""Cold-start import time of `app` against a bare `chalice` + `boto3` import.

Each sample is a fresh interpreter that times only its imports; the two kinds of sample
alternate so that both see the same machine load. Prints medians and their ratio.
Run: make bench   (or python -m benchmarks.cold_start [repeats])
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROBE = "import time; t = time.perf_counter(); {imports}; print(time.perf_counter() - t)"
BASELINE = "import chalice, boto3"
APP = "import app"
# What the first request that touches data loads on top (the API modules import services lazily).
APP_WITH_STORAGE = "import app, chalicelib.services.tenants, chalicelib.services.auth"
# ... and, in Lambda with active tracing, the Tracer the first request's span makes (it imports
# aws_xray_sdk and patches botocore). LAMBDA_TASK_ROOT is how Powertools knows it runs in Lambda.
APP_TRACED = APP_WITH_STORAGE + "; chalicelib.observability.tracer()"
IN_LAMBDA = {"LAMBDA_TASK_ROOT": str(ROOT)}


def sample(imports: str, extra_env: dict[str, str] | None = None) -> float:
    """Seconds one fresh interpreter spends on `imports`."""
    env = {**os.environ, "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION", "ap-southeast-3")}
    env.update(extra_env or {})
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(imports=imports)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return float(out.stdout.strip().splitlines()[-1])


def measure(repeats: int) -> dict[str, float]:
    """Median import seconds of the baseline and of the app, and their ratio."""
    sample(APP)  # warm the file cache and .pyc files once, for both
    base, app, full, traced = [], [], [], []
    for _ in range(repeats):
        base.append(sample(BASELINE))
        app.append(sample(APP))
        full.append(sample(APP_WITH_STORAGE))
        traced.append(sample(APP_TRACED, IN_LAMBDA))
    b, a, f, t = (statistics.median(x) for x in (base, app, full, traced))
    return {
        "baseline_ms": b * 1000,
        "app_ms": a * 1000,
        "ratio": a / b,
        "full_ms": f * 1000,
        "full_ratio": f / b,
        "traced_ms": t * 1000,
        "traced_ratio": t / b,
    }


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    result = measure(repeats)
    print(f"cold-start imports, median of {repeats} fresh interpreters each, alternating:")
    print(f"  chalice + boto3 : {result['baseline_ms']:7.1f} ms")
    print(f"  app             : {result['app_ms']:7.1f} ms")
    print(f"  ratio app/base  : {result['ratio']:7.2f}x   (target <= 1.5x)")
    print(
        f"  app + storage stack (what the first data request adds): {result['full_ms']:.1f} ms, "
        f"{result['full_ratio']:.2f}x"
    )
    print(
        f"  ... with tracing on, as in Lambda (the Tracer, botocore patched): {result['traced_ms']:.1f} ms, "
        f"{result['traced_ratio']:.2f}x"
    )


if __name__ == "__main__":
    main()
