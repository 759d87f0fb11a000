"""In-memory twins of the rollup's stores (chalicelib/stores/rollup.py), for unit tests of services.
tests/contract holds them to the behaviour of the PynamoDB ones."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from chalicelib.domain.rollup_plan import FigureKey, is_national, of_tenant
from chalicelib.repositories.changes import Marker


@dataclass
class MemoryTables:
    """What the in-memory stores share: figures by key, markers by (tenant, month), leases by name."""

    figures: dict[FigureKey, dict[str, Any]] = field(default_factory=dict)
    markers: dict[tuple[str, str], set[str]] = field(default_factory=lambda: defaultdict(set))
    leases: dict[str, tuple[str, dt.datetime]] = field(default_factory=dict)


@dataclass
class MemoryFigures:
    """A figure store over MemoryTables, bound to a tenant (or, with tenant_id None, the national levels)."""

    tables: MemoryTables
    tenant_id: str | None = None

    def _check(self, key: FigureKey) -> FigureKey:
        allowed = is_national(key) if self.tenant_id is None else of_tenant(self.tenant_id, key)
        if not allowed:
            raise ValueError(f"{key} is not a figure of this store")
        return key

    def read_keys(self, keys: Iterable[FigureKey]) -> dict[FigureKey, dict[str, Any]]:
        wanted = [self._check(k) for k in keys]
        return {k: dict(self.tables.figures[k]) for k in wanted if k in self.tables.figures}

    def read_level(self, level: str, period: str) -> dict[str, dict[str, Any]]:
        own_row = self.tenant_id is not None and level == "regency"
        self._check(FigureKey(level, period, str(self.tenant_id) if own_row else ""))
        return {
            k.code: dict(v)
            for k, v in self.tables.figures.items()
            if (k.level, k.period) == (level, period) and self._visible(k)
        }

    def _visible(self, key: FigureKey) -> bool:
        return is_national(key) if self.tenant_id is None else of_tenant(self.tenant_id, key)

    def write(
        self,
        items: Mapping[FigureKey, Mapping[str, Any]],
        *,
        now: dt.datetime,
        stored: Mapping[FigureKey, Mapping[str, Any]],
    ) -> int:
        changed = {self._check(k): dict(v) for k, v in items.items() if dict(stored.get(k, {})) != dict(v)}
        self.tables.figures.update(changed)
        return len(changed)


@dataclass
class MemoryFeed:
    """A tenant's change feed over MemoryTables."""

    tables: MemoryTables
    tenant_id: str

    def mark(self, changes: Iterable[tuple[str, str]], *, now: dt.datetime | None = None) -> int:
        by_month: dict[str, set[str]] = defaultdict(set)
        for month, scope in changes:
            by_month[month].add(scope)
        for month, scopes in by_month.items():
            self.tables.markers[(self.tenant_id, month)] |= scopes
        return sum(-(-len(scopes) // 100) for scopes in by_month.values())

    def pending(self) -> list[Marker]:
        """The tenant's dirty months with their scopes."""
        return [
            Marker(t, m, {scope: "" for scope in s}, None)
            for (t, m), s in sorted(self.tables.markers.items())
            if t == self.tenant_id and s
        ]


@dataclass
class MemoryLease:
    """The jobs' lease over MemoryTables."""

    tables: MemoryTables

    def acquire_lease(self, name: str, *, holder: str, now: dt.datetime, seconds: float) -> bool:
        held = self.tables.leases.get(name)
        if held is not None and held[1] >= now:
            return False
        self.tables.leases[name] = (holder, now + dt.timedelta(seconds=seconds))
        return True

    def release_lease(self, name: str, *, holder: str) -> None:
        if self.tables.leases.get(name, ("", dt.datetime.min))[0] == holder:
            del self.tables.leases[name]
