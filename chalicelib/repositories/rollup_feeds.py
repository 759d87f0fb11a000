"""The change feeds as the rollup's ports (chalicelib/stores/rollup.py): a tenant's feed and the national
step's, each with the clearing of what a run processed, and every tenant's dirty months at once.

They are made of the change feed's public functions (chalicelib/repositories/changes.py), which own
the markers' storage shape; a feed clears only markers that it would have read itself. A tenant's
feed announces the changes that open a marker to the fresh-on-change rollup."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from chalicelib.domain.rollup_plan import NATION
from chalicelib.repositories import changes as feeds
from chalicelib.repositories import rollup_nudges as nudges
from chalicelib.repositories.changes import Marker


def _own(marker: Marker, owner: str) -> Marker:
    if marker.tenant_id != owner:
        raise ValueError(f"a marker of {marker.tenant_id} is not this feed's ({owner})")
    return marker


@dataclass(frozen=True)
class TenantFeed:
    """One tenant's change feed (the FeedPort)."""

    tenant_id: str

    def __post_init__(self) -> None:
        feeds.feed(self.tenant_id)  # refuses the nation: its feed is the national one

    def mark(self, changes: Iterable[tuple[str, str]], *, now: datetime | None = None) -> int:
        """Mark (month, scope) pairs dirty; the number of writes made. A mark that announces a marker
        item (it opened it, or the item's last change is past the settle window) asks for a
        fresh-on-change plan (repositories/rollup_nudges.py: one pending at a time)."""
        marked = feeds.feed(self.tenant_id).mark(changes, now=now)
        if marked.announced:
            nudges.after_change(now)
        return marked.writes

    def pending(self) -> list[Marker]:
        """The tenant's dirty months with their scopes."""
        return feeds.feed(self.tenant_id).pending()

    def clear(self, marker: Marker, scopes: Iterable[str]) -> int:
        """Remove processed scopes still holding the token the marker was read with."""
        return feeds.clear(_own(marker, self.tenant_id), scopes)


class NationFeed:
    """The national step's feed (the NationalFeedPort)."""

    def mark(self, province: str, periods: Iterable[str], *, now: datetime | None = None) -> int:
        """Mark a province's periods dirty; the number of writes made."""
        return feeds.national_feed().mark(province, periods, now=now)

    def pending(self) -> list[Marker]:
        """The dirty periods with their dirty provinces."""
        return feeds.national_feed().pending()

    def clear(self, marker: Marker, scopes: Iterable[str]) -> int:
        """Remove processed provinces still holding the token the marker was read with."""
        return feeds.clear(_own(marker, NATION), scopes)


class TenantFeeds:
    """Every tenant's dirty months (the DirtyTenants port)."""

    def pending(self) -> list[Marker]:
        """Every tenant's dirty months, in one query."""
        return feeds.pending()
