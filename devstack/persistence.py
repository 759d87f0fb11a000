"""The local stack's data kept in a folder: moto keeps everything in memory, and nothing of its own
survives a restart.

A snapshot is one file, `state.json`: every item of every table (DynamoDB JSON) and every object of
the export bucket (base64). It is taken every few seconds when moto wrote an item since the last
one (an idle stack costs nothing), and once more on stop, after the API has stopped taking
requests; it is written to a temporary file and renamed, so a crash leaves the previous snapshot
whole. The tables are read in-process under devstack.atomic's lock
(the one moto's item operations take), so a snapshot is one point in time: no half of a transaction.
On start, before the API serves, the snapshot is written back with batch writes.

A crash (or `kill -9`) loses what was written since the last snapshot: at most SNAPSHOT_SECONDS.
Run leases are not restored: no run survives a restart.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import threading
from pathlib import Path
from typing import Any

import boto3

from chalicelib.config import Settings
from chalicelib.tables import ALL_TABLES, CHANGES
from devstack import moto_internals

SNAPSHOT_SECONDS = 5.0
FILE = "state.json"
PREVIOUS = "state.previous.json"  # what FRESH=1 set aside
FORMAT = 1


_WRITES = ("put_item", "update_item", "delete_item", "transact_write_items")
_generation = [0]  # item writes moto made in this process: no write since a snapshot, no new snapshot


def count_writes() -> None:
    """Count moto's DynamoDB item writes in this process (idempotent), so an idle stack costs no snapshot."""
    backend = moto_internals.dynamodb_backend_class()
    for name in _WRITES:
        current = getattr(backend, name)
        if getattr(current, "__tpbis_counted__", False):
            continue

        def counted(*args: Any, __original: Any = current, **kwargs: Any) -> Any:
            try:
                return __original(*args, **kwargs)
            finally:
                _generation[0] += 1

        counted.__tpbis_counted__ = True  # type: ignore[attr-defined]
        setattr(backend, name, counted)


def _table_items(name: str, region: str) -> list[dict[str, Any]]:
    """Every item of a moto table, in DynamoDB JSON, read in this process (the caller holds the lock)."""
    return moto_internals.table_items(name, region)


class Snapshots:
    """Saves the embedded AWS's data to `folder` and restores it."""

    def __init__(self, folder: Path, settings: Settings, *, interval: float = SNAPSHOT_SECONDS) -> None:
        self.folder, self.settings, self.interval = folder, settings, interval
        self._digest = ""
        self._generation = -1
        count_writes()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._saving = threading.Lock()

    @property
    def path(self) -> Path:
        return self.folder / FILE

    def set_aside(self) -> bool:
        """Start empty (FRESH=1): the last snapshot is renamed, not deleted; whether there was one."""
        if not self.path.exists():
            return False
        os.replace(self.path, self.folder / PREVIOUS)
        return True

    def state(self) -> dict[str, Any]:
        """Everything the service stored, now."""
        from devstack.atomic import _LOCK

        tables: dict[str, list[dict[str, Any]]] = {}
        with _LOCK:  # moto's item operations wait: one point in time for every table
            for spec in ALL_TABLES:
                tables[spec.name] = _table_items(self.settings.table_name(spec.name), self.settings.region)
        s3 = boto3.client("s3", region_name=self.settings.region)
        objects: dict[str, dict[str, str]] = {}
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=self.settings.bucket_name):
            for entry in page.get("Contents", []):
                got = s3.get_object(Bucket=self.settings.bucket_name, Key=entry["Key"])
                objects[entry["Key"]] = {
                    "content_type": got.get("ContentType", "application/octet-stream"),
                    "body": base64.b64encode(got["Body"].read()).decode(),
                }
        return {"format": FORMAT, "tables": tables, "objects": objects}

    def save(self, *, force: bool = False) -> bool:
        """Write a snapshot if anything was written since the last one (`force`: look anyway);
        whether one was written. Every change of the bucket (the exports) comes with table writes."""
        with self._saving:
            generation = _generation[0]
            if generation == self._generation and not force:
                return False
            raw = json.dumps(self.state(), sort_keys=True, separators=(",", ":")).encode()
            self._generation = generation
            digest = hashlib.sha256(raw).hexdigest()
            if digest == self._digest:
                return False
            self.folder.mkdir(parents=True, exist_ok=True)
            temporary = self.folder / (FILE + ".tmp")
            with open(temporary, "wb") as out:
                out.write(raw)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, self.path)
            self._digest = digest
            return True

    def restore(self) -> tuple[int, int] | None:
        """Write the last snapshot back into the (empty) embedded AWS; (items, objects) restored, or
        None when there is none."""
        if not self.path.exists():
            return None
        state = json.loads(self.path.read_bytes())
        if state.get("format") != FORMAT:
            raise SystemExit(f"{self.path} is not a snapshot this version can read; move it away or use FRESH=1")
        dynamodb = boto3.client("dynamodb", region_name=self.settings.region)
        items = 0
        for spec in ALL_TABLES:
            name = self.settings.table_name(spec.name)
            rows = [row for row in state["tables"].get(spec.name, []) if not _is_lease(spec.name, row)]
            for start in range(0, len(rows), 25):
                requests: Any = {name: [{"PutRequest": {"Item": row}} for row in rows[start : start + 25]]}
                while requests:  # moto processes every item; this only follows the protocol
                    requests = dynamodb.batch_write_item(RequestItems=requests).get("UnprocessedItems") or None
            items += len(rows)
        s3 = boto3.client("s3", region_name=self.settings.region)
        for key, obj in state.get("objects", {}).items():
            s3.put_object(
                Bucket=self.settings.bucket_name,
                Key=key,
                Body=base64.b64decode(obj["body"]),
                ContentType=obj["content_type"],
            )
        self._digest = hashlib.sha256(self.path.read_bytes()).hexdigest()
        self._generation = _generation[0]
        return items, len(state.get("objects", {}))

    def start(self) -> None:
        """Save every `interval` seconds (when something changed) until stop()."""

        def loop() -> None:
            while not self._stop.wait(self.interval):
                try:
                    self.save()
                except Exception as exc:  # a failed snapshot must not stop the stack; the next one retries
                    print(f"snapshot failed: {exc!r}", flush=True)

        self._thread = threading.Thread(target=loop, name="snapshots", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the periodic saves and take the last snapshot (call it after the API stopped)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
        self.save(force=True)


def _is_lease(table: str, row: dict[str, Any]) -> bool:
    return table == CHANGES.name and row.get("pk", {}).get("S") == "lease"
