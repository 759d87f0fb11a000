"""Upload the built web app (web/dist) to a deployed stack's web bucket and refresh CloudFront.

Run: python scripts/deploy_web.py STAGE   (`make deploy` runs it after `cdk deploy`, with the same credentials)
Bundles go first and are never deleted (a page still open keeps loading its own), index.html last,
each object with the Cache-Control of web/security-headers.json; then index.html is invalidated.
"""

from __future__ import annotations

import json
import mimetypes
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "web" / "dist"
TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".html": "text/html; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
}


def cache_rules() -> dict[str, str]:
    """Cache-Control by top folder (`assets`, `areas`) and for everything else (`index`)."""
    return dict(json.loads((ROOT / "web" / "security-headers.json").read_text())["cache"])


def plan(dist: Path) -> list[tuple[str, Path, str, str]]:
    """(key, file, content type, cache control) for every file, in upload order: index.html last."""
    rules = cache_rules()
    files = sorted(p for p in dist.rglob("*") if p.is_file())
    entries = []
    for path in files:
        key = path.relative_to(dist).as_posix()
        kind = TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        entries.append((key, path, kind, rules.get(key.split("/", 1)[0], rules["index"])))
    return sorted(entries, key=lambda e: (e[0] == "index.html", not e[0].startswith("assets/"), e[0]))


def upload(s3: Any, bucket: str, dist: Path = DIST) -> list[str]:
    """Put every file of `dist` into `bucket`; the keys in the order written."""
    if not (dist / "index.html").is_file():
        raise SystemExit(f"{dist} has no index.html: run `make web` first")
    written = []
    for key, path, kind, cache_control in plan(dist):
        s3.put_object(Bucket=bucket, Key=key, Body=path.read_bytes(), ContentType=kind, CacheControl=cache_control)
        written.append(key)
    return written


def outputs(cloudformation: Any, stack_name: str) -> dict[str, str]:
    """The stack's outputs by key."""
    (stack,) = cloudformation.describe_stacks(StackName=stack_name)["Stacks"]
    return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}


def main(stage: str) -> None:
    """Upload web/dist to stack tpbis-<stage> and invalidate its index.html."""
    import boto3

    found = outputs(boto3.client("cloudformation"), f"tpbis-{stage}")
    written = upload(boto3.client("s3"), found["WebBucketName"])
    boto3.client("cloudfront").create_invalidation(
        DistributionId=found["WebDistributionId"],
        InvalidationBatch={
            "Paths": {"Quantity": 2, "Items": ["/index.html", "/"]},
            "CallerReference": str(time.time()),
        },
    )
    print(f"{len(written)} files in s3://{found['WebBucketName']}; {found.get('WebUrl', '')}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "dev")
