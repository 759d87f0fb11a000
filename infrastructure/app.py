"""The CDK app: `python infrastructure/app.py` writes the CloudFormation template to infrastructure/cdk.out.

Offline: no AWS credentials or CDK CLI needed. The stage comes from `-c stage=...` (CDK CLI) or
TPBIS_STAGE, `dev` by default; `-c alarm_email=...` subscribes an address to the alarms.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, sys.path[0] is this directory; the project root must come first instead so that
# `import app` (Chalice packaging) finds the service's app.py and `infrastructure` is a package.
if sys.path and Path(sys.path[0]).resolve() == ROOT / "infrastructure":
    sys.path[0] = str(ROOT)
# Importing the service needs a region (Powertools' idempotency layer makes its client at import).
os.environ.setdefault("AWS_DEFAULT_REGION", os.environ.get("CDK_DEFAULT_REGION", "ap-southeast-3"))
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

import aws_cdk as cdk  # noqa: E402

from infrastructure.nag import add_checks  # noqa: E402
from infrastructure.stack import TpbisStack  # noqa: E402
from infrastructure.stages import STAGES  # noqa: E402

DEFAULT_OUTDIR = ROOT / "infrastructure" / "cdk.out"


def build(stage: str, *, outdir: Path = DEFAULT_OUTDIR, alarm_email: str | None = None) -> tuple[cdk.App, TpbisStack]:
    """The app with one stack for `stage`, checked by cdk-nag when synthesized."""
    if stage not in STAGES:
        raise SystemExit(f"unknown stage {stage!r}: one of {sorted(STAGES)}")
    # S3 server access logs delivered under a bucket policy rather than a (deprecated) ACL.
    app = cdk.App(outdir=str(outdir), context={"@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy": True})
    env = cdk.Environment(account=os.environ.get("CDK_DEFAULT_ACCOUNT"), region=os.environ.get("CDK_DEFAULT_REGION"))
    stack = TpbisStack(app, stage, options=STAGES[stage], work_dir=outdir, alarm_email=alarm_email, env=env)
    add_checks(app)
    return app, stack


def main() -> None:
    """Synthesize the stage given on the command line (CDK context) or in TPBIS_STAGE."""
    probe = cdk.App()  # reads the CLI's context and output directory
    stage = probe.node.try_get_context("stage") or os.environ.get("TPBIS_STAGE") or "dev"
    email = probe.node.try_get_context("alarm_email")
    outdir = Path(os.environ.get("CDK_OUTDIR") or DEFAULT_OUTDIR)
    app, _ = build(stage, outdir=outdir, alarm_email=email)
    app.synth()


if __name__ == "__main__":
    main()
