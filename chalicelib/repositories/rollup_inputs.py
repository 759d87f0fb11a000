"""What one tenant's part of a rollup run reads before it computes: its dirty villages, its reporting
settings and the stored figures it plans to sum or overwrite. The three lie in three tables; one
BatchGetItem takes keys of all of them, so a tenant with one change reads them in one or two requests
rather than three or four."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from chalicelib.domain.approvals import PeriodSettings
from chalicelib.domain.rollup_plan import FigureKey
from chalicelib.domain.villages import Village
from chalicelib.repositories.aggregates import AggregateRecord, Stored, TenantFigures
from chalicelib.repositories.base import batch_get_tables
from chalicelib.repositories.periods import SETTINGS_SK, SettingsRecord, settings_of
from chalicelib.repositories.villages import VillageRecord


@dataclass(frozen=True)
class RunInputs:
    """A tenant's registered villages among the dirty ones, its settings, and the stored figures read."""

    villages: dict[str, Village]
    settings: PeriodSettings
    figures: dict[FigureKey, Stored]


def read_run_inputs(figures: TenantFigures, villages: Iterable[str], keys: Iterable[FigureKey]) -> RunInputs:
    """The villages among `villages` that are registered, the tenant's settings and the figures stored
    under `keys` (absent ones left out), in shared batch reads of 100 keys."""
    tenant_id = figures.tenant_id
    rows = figures.rows(keys)
    found: dict[Any, list[Any]] = batch_get_tables(
        {
            VillageRecord: [(tenant_id, code) for code in villages],
            SettingsRecord: [(tenant_id, SETTINGS_SK)],
            AggregateRecord: list(rows),
        }
    )
    settings = cast(list[SettingsRecord], found[SettingsRecord])
    return RunInputs(
        villages={r.village_code: r.to_domain() for r in cast(list[VillageRecord], found[VillageRecord])},
        settings=settings_of(settings[0] if settings else None),
        figures=figures.of_records(rows, cast(list[AggregateRecord], found[AggregateRecord])),
    )
