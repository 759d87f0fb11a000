"""Every PynamoDB model of the service, for tests that check them all."""

from __future__ import annotations

import importlib
import pkgutil

from pynamodb.models import Model

import chalicelib.repositories


def all_models() -> list[type[Model]]:
    """Every Model subclass defined in chalicelib.repositories."""
    for module in pkgutil.iter_modules(chalicelib.repositories.__path__):
        importlib.import_module(f"chalicelib.repositories.{module.name}")
    found: list[type[Model]] = []
    stack = list(Model.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.startswith("chalicelib.repositories") and hasattr(cls.Meta, "spec"):
            found.append(cls)
    return sorted(found, key=lambda m: m.__name__)
