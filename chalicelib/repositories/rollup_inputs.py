"""What one tenant's part of a rollup run reads before it computes: its dirty villages, its reporting
settings, the stored figures it plans to sum or overwrite and its problems flag. They lie in four
tables; one BatchGetItem takes keys of all of them, so a tenant with one change reads them in one or
two requests rather than four or five. Also the regencies' approved months, which the national reads weigh."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from chalicelib.domain.approvals import MonthApproval
from chalicelib.domain.rollup_plan import FigureKey
from chalicelib.repositories.aggregates import AggregateRecord, TenantFigures
from chalicelib.repositories.base import batch_get_tables
from chalicelib.repositories.periods import SETTINGS_SK, SettingsRecord, settings_of, states_of
from chalicelib.repositories.rollup_problems import ProblemFlagRecord, flag_key, state_of
from chalicelib.repositories.villages import VillageRecord
from chalicelib.stores.rollup import RunInputs

__all__ = ["RegencyApprovals", "RunInputReader", "RunInputs", "read_run_inputs"]


def read_run_inputs(figures: TenantFigures, villages: Iterable[str], keys: Iterable[FigureKey]) -> RunInputs:
    """The villages among `villages` that are registered, the tenant's settings (when any village is
    asked for: only villages need them), the figures stored under `keys` (absent ones left out) and the
    tenant's problems flag, in shared batch reads of 100 keys."""
    tenant_id = figures.tenant_id
    rows = figures.rows(keys)
    village_keys = [(tenant_id, code) for code in villages]
    found: dict[Any, list[Any]] = batch_get_tables(
        {
            VillageRecord: village_keys,
            SettingsRecord: [(tenant_id, SETTINGS_SK)] if village_keys else [],
            AggregateRecord: list(rows),
            ProblemFlagRecord: [flag_key(tenant_id)],
        }
    )
    settings = cast(list[SettingsRecord], found[SettingsRecord])
    flags = cast(list[ProblemFlagRecord], found[ProblemFlagRecord])
    return RunInputs(
        villages={r.village_code: r.to_domain() for r in cast(list[VillageRecord], found[VillageRecord])},
        settings=settings_of(settings[0] if settings else None) if village_keys else None,
        figures=figures.of_records(rows, cast(list[AggregateRecord], found[AggregateRecord])),
        problems=state_of(flags[0] if flags else None),
    )


@dataclass(frozen=True)
class RunInputReader:
    """A tenant's run inputs (the RunInputPort), read beside its figures' store."""

    figures: TenantFigures

    def read(self, villages: Iterable[str], keys: Iterable[FigureKey]) -> RunInputs:
        """The registered dirty villages, the settings and the stored figures, in shared batch reads."""
        return read_run_inputs(self.figures, villages, keys)


class RegencyApprovals:
    """The regencies' approved months across tenants (the ApprovalDirectory)."""

    def states(self, tenant_months: Iterable[tuple[str, str]]) -> dict[tuple[str, str], MonthApproval]:
        """The stored state of (tenant, month) pairs, in batch reads."""
        return states_of(tenant_months)
