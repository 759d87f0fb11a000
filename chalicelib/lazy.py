"""Import a module when it is first used, not when its importer loads (cold-start economy).

The API modules reach services through this, so a Lambda container that answers a health
check or the OpenAPI document never loads PynamoDB and botocore's client stack. The stdlib's
LazyLoader is not safe when several threads touch the module first at once (the local server is
threaded): this proxy calls `importlib.import_module`, which holds the import lock of the module
while it loads, and hands out the real module's attributes.

Types are not given up: an importer writes

    if TYPE_CHECKING:
        from chalicelib.services import villages as service
    else:
        service = lazy_import("chalicelib.services.villages")

so that mypy checks every call against the real module, and at run time the import waits for first use.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any


class LazyModule(ModuleType):
    """A stand-in for a module, imported on first attribute access."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self._module: ModuleType | None = None

    def __getattr__(self, attribute: str) -> Any:
        module = self._module
        if module is None:
            module = self._module = importlib.import_module(self.__name__)
        return getattr(module, attribute)


def lazy_import(name: str) -> ModuleType:
    """The module `name`, loaded on first attribute access."""
    return LazyModule(name)
