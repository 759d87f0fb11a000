"""Give moto's DynamoDB the atomicity of the real one under concurrent requests.

DynamoDB applies each write (and each transaction) atomically: a conditional put checks and writes
as one step, and no read sees half of a transaction. moto does neither across threads: two threads
can both pass the same `attribute_not_exists` check and both write, and a transaction that fails
restores a deep copy of the tables taken before it started (undoing other threads' writes made
meanwhile), and a scan that lists a table while another thread deletes from it fails ("dictionary
changed size during iteration"). One re-entrant lock around moto's item operations gives that back.

Used by the local stack (`make run`, devstack/__main__.py) and by every test on moto (the `aws`
fixture): one implementation, so the local stack behaves like the tests under concurrent requests.
Cost: moto's item operations run one at a time, which they nearly do anyway under the GIL.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any

from devstack import moto_internals

# Every DynamoDBBackend method that reads or writes items. Batch operations call these per item
# (a batch is not atomic in DynamoDB either); reads are included so none sees half a transaction.
OPERATIONS = (
    "put_item",
    "update_item",
    "delete_item",
    "transact_write_items",
    "get_item",
    "query",
    "scan",
)

_LOCK = threading.RLock()
_MARK = "__tpbis_atomic__"


def _locked(original: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(original)
    def locked(*args: Any, **kwargs: Any) -> Any:
        with _LOCK:
            return original(*args, **kwargs)

    setattr(locked, _MARK, original)
    return locked


def install() -> Callable[[], None]:
    """Serialize moto's DynamoDB item operations in this process (idempotent); returns a function
    that undoes what this call installed (nothing when it was installed already)."""
    backend = moto_internals.dynamodb_backend_class()
    installed: list[tuple[str, Callable[..., Any]]] = []
    for name in OPERATIONS:
        current = getattr(backend, name)
        if hasattr(current, _MARK):
            continue
        setattr(backend, name, _locked(current))
        installed.append((name, current))

    def uninstall() -> None:
        for name, original in installed:
            setattr(backend, name, original)

    return uninstall


def is_installed() -> bool:
    """Whether moto's DynamoDB is serialized in this process."""
    backend = moto_internals.dynamodb_backend_class()
    return all(hasattr(getattr(backend, name), _MARK) for name in OPERATIONS)


@contextmanager
def serialized() -> Iterator[None]:
    """moto's DynamoDB serialized for the duration of the block."""
    uninstall = install()
    try:
        yield
    finally:
        uninstall()
