"""Uploading the built web app to its bucket (moto's S3): cache rules, content types and order."""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest

from scripts.deploy_web import cache_rules, upload


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    (tmp_path / "assets").mkdir()
    (tmp_path / "areas").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html>")
    (tmp_path / "assets" / "index-4f2a9c.js").write_text("export {}")
    (tmp_path / "assets" / "index-77aa01.css").write_text("body{}")
    (tmp_path / "areas" / "33.15.json").write_text("{}")
    return tmp_path


def test_every_file_gets_its_cache_rule_and_type_and_index_html_is_written_last(aws: None, dist: Path) -> None:
    s3 = boto3.client("s3", region_name="ap-southeast-3")
    s3.create_bucket(Bucket="web", CreateBucketConfiguration={"LocationConstraint": "ap-southeast-3"})

    written = upload(s3, "web", dist)

    assert written[-1] == "index.html" and written[:2] == ["assets/index-4f2a9c.js", "assets/index-77aa01.css"]
    rules = cache_rules()
    expected = {
        "index.html": (rules["index"], "text/html; charset=utf-8"),
        "assets/index-4f2a9c.js": (rules["assets"], "text/javascript; charset=utf-8"),
        "assets/index-77aa01.css": (rules["assets"], "text/css; charset=utf-8"),
        "areas/33.15.json": (rules["areas"], "application/json"),
    }
    for key, (cache_control, kind) in expected.items():
        head = s3.head_object(Bucket="web", Key=key)
        assert (head["CacheControl"], head["ContentType"]) == (cache_control, kind), key


def test_an_unbuilt_app_is_refused_before_anything_is_written(aws: None, tmp_path: Path) -> None:
    s3 = boto3.client("s3", region_name="ap-southeast-3")
    s3.create_bucket(Bucket="web", CreateBucketConfiguration={"LocationConstraint": "ap-southeast-3"})

    with pytest.raises(SystemExit, match="make web"):
        upload(s3, "web", tmp_path)
    assert s3.list_objects_v2(Bucket="web").get("KeyCount") == 0
