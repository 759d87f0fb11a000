"""Import a module when it is first used, not when its importer loads (cold-start economy).

The API modules reach services through this, so a Lambda container that answers a health
check or the OpenAPI document never loads PynamoDB and botocore's client stack. The stdlib's
LazyLoader is not safe when several threads touch the module first at once (the local server is
threaded): this proxy calls `importlib.import_module`, which holds the import lock of the module
while it loads, and hands out the real module's attributes.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any


class LazyModule:
    """A stand-in for a module, imported on first attribute access."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._module: ModuleType | None = None

    def __getattr__(self, attribute: str) -> Any:
        if self._module is None:
            self._module = importlib.import_module(self._name)
        return getattr(self._module, attribute)


def lazy_import(name: str) -> Any:
    """The module `name`, loaded on first attribute access."""
    return LazyModule(name)
