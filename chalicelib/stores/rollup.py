"""The rollup's stores: the figures (bound to a tenant or to the national levels), a tenant's change
feed, the national step's feed, and the jobs' lease."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Protocol

from chalicelib.domain.rollup_plan import FigureKey

if TYPE_CHECKING:
    from chalicelib.repositories.changes import Marker


class FigurePort(Protocol):
    """Figures by FigureKey. A store bound to a tenant refuses (ValueError) any key that is not of its
    regency; the national store any key that is not of a national level."""

    def read_keys(self, keys: Iterable[FigureKey]) -> Mapping[FigureKey, Mapping[str, Any]]:
        """The stored figures of these keys; absent ones are left out."""
        ...

    def read_level(self, level: str, period: str) -> Mapping[str, Mapping[str, Any]]:
        """Every stored scope of a level for a period, by code (a tenant's store: its own only)."""
        ...

    def write(
        self,
        items: Mapping[FigureKey, Mapping[str, Any]],
        *,
        now: dt.datetime,
        stored: Mapping[FigureKey, Mapping[str, Any]],
    ) -> int:
        """Store the items that differ from `stored` (what the caller read); how many were written."""
        ...


class FeedPort(Protocol):
    """A tenant's change feed."""

    @property
    def tenant_id(self) -> str: ...

    def mark(self, changes: Iterable[tuple[str, str]], *, now: dt.datetime | None = None) -> int:
        """Mark (month, scope) pairs dirty; the number of writes made (one per month and hundred scopes)."""
        ...

    def pending(self) -> list[Marker]:
        """The tenant's dirty months with their scopes (a scope's token is the feed's business)."""
        ...


class LeasePort(Protocol):
    """One run of a job at a time, whoever starts it."""

    def acquire_lease(self, name: str, *, holder: str, now: dt.datetime, seconds: float) -> bool:
        """Take the lease if it is free or its holder's time is up; whether it was taken."""
        ...

    def release_lease(self, name: str, *, holder: str) -> None:
        """Give the lease back, if `holder` still has it."""
        ...
