"""The local stack's snapshots (devstack/persistence.py) on moto: what is saved comes back, leases do not."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import boto3

from chalicelib.config import get_settings
from chalicelib.domain.tenants import Tenant, TenantStatus
from chalicelib.repositories import jobs
from chalicelib.repositories.tenants import TenantRepository
from devstack.persistence import Snapshots
from devstack.resources import create_all

NOW = dt.datetime(2026, 11, 20, 3, 0, tzinfo=dt.UTC)


def _empty_the_store() -> None:
    settings = get_settings()
    dynamodb = boto3.client("dynamodb", region_name=settings.region)
    for name in dynamodb.list_tables()["TableNames"]:
        dynamodb.delete_table(TableName=name)
    s3 = boto3.resource("s3", region_name=settings.region)
    s3.Bucket(settings.bucket_name).objects.all().delete()
    create_all(settings)


def test_a_snapshot_brings_back_items_and_files_but_no_run_lease(aws: None, tmp_path: Path) -> None:
    settings = get_settings()
    TenantRepository().add(Tenant("33.15", "Kabupaten Grobogan", "Dinas", "Sri", "s@x.id", TenantStatus.ACTIVE, NOW))
    assert jobs.acquire_lease("rollup", holder="killed", now=NOW, seconds=900)
    s3 = boto3.client("s3", region_name=settings.region)
    s3.put_object(
        Bucket=settings.bucket_name, Key="national/2026-11/indicators.csv", Body=b"a,b\n", ContentType="text/csv"
    )
    snapshots = Snapshots(tmp_path, settings)
    assert snapshots.save() is True
    assert snapshots.save() is False, "nothing was written since: no second snapshot"

    _empty_the_store()
    assert TenantRepository().get("33.15") is None
    restored = Snapshots(tmp_path, settings).restore()

    assert restored is not None and restored[1] == 1
    assert TenantRepository().get("33.15") is not None
    got = s3.get_object(Bucket=settings.bucket_name, Key="national/2026-11/indicators.csv")
    assert (got["Body"].read(), got["ContentType"]) == (b"a,b\n", "text/csv")
    assert jobs.acquire_lease("rollup", holder="new", now=NOW, seconds=900), "no run survives a restart"


def test_without_a_snapshot_nothing_is_restored_and_fresh_sets_the_old_one_aside(aws: None, tmp_path: Path) -> None:
    snapshots = Snapshots(tmp_path, get_settings())
    assert snapshots.restore() is None
    assert snapshots.set_aside() is False
    assert snapshots.save(force=True) is True
    assert snapshots.set_aside() is True
    assert not (tmp_path / "state.json").exists() and (tmp_path / "state.previous.json").exists()
