"""One tenant's part of a rollup run: its dirty villages, their kecamatan and the regency.

Villages are recomputed from their sources a few at once (TPBIS_ROLLUP_READ_CONCURRENCY, 4: their
queries are independent, so a tenant waits for the slowest of a few rather than for the sum); a bad
report is left out and recorded (services/rollup_problems.py), a village whose computation fails is
recorded and left dirty, and the others go on. `should_stop` is asked before each village is started:
once the run's time budget is spent, the villages left keep their markers and the sums are made of
what was done (every figure stored is then as true as before; the next run does the rest).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from chalicelib.config import get_settings
from chalicelib.domain.approvals import PeriodSettings
from chalicelib.domain.indicators import commitment_figures
from chalicelib.domain.official_figures import VillageBasis
from chalicelib.domain.periods import Period, PeriodKind
from chalicelib.domain.rollup_plan import (
    REGENCY_DIRECT,
    REGENCY_SCOPE,
    STOCK,
    FigureKey,
    Touched,
    dirty_scopes,
    periods_of_month,
)
from chalicelib.services.rollup_problems import ProblemLog
from chalicelib.services.rollup_village import (
    FactSource,
    TenantHistory,
    VillageSources,
    compute_village,
    sum_months,
)
from chalicelib.stores import FigurePort, for_tenant

if TYPE_CHECKING:
    from chalicelib.services.rollup import RollupSummary
    from chalicelib.stores.rollup import Marker

__all__ = ["FactSource", "TenantResult", "roll_tenant"]


@dataclass
class TenantResult:
    """What a tenant's part of a run did."""

    periods: set[str]  # the regency periods written (for the national markers)
    done: set[str] = field(default_factory=set)  # the scopes computed: their markers may be cleared
    stopped_at: str | None = None  # the first village not started when the budget ran out
    again_at: dt.datetime | None = None  # when the changes it had to leave (unsettled, newer) are settled


def roll_tenant(
    tenant_id: str,
    markers: list[Marker],
    *,
    store: FigurePort | None = None,
    facts: FactSource,
    now: dt.datetime,
    summary: RollupSummary,
    should_stop: Callable[[], bool] = lambda: False,
    resume_village: str = "",
    history: TenantHistory | None = None,
) -> TenantResult:
    """Recompute a tenant's dirty villages (until `should_stop`; from `resume_village` round to it, so
    none waits forever behind villages that keep changing), their kecamatan and the regency, into
    `store` (the tenant's figures; its handle's, `for_tenant(tenant_id).figures`, when not given).

    Everything the sums need, what is stored under every key about to be written, the dirty villages'
    registrations, the tenant's settings and its problems flag come in one batch read (100 keys a
    request, over four tables) planned from the markers, rather than one query per (parent, period); a
    village whose basis changed recomputes more months, and only their keys are read after. The
    tenant's problems are queried only when its flag does not say it has none.

    With the tenant's `history` (a rebuild's, after every figure was dropped), its villages are computed
    from it instead of one query per village and source, and no stored figure is read: none is stored."""
    village_months, direct_months = dirty_scopes((m.month, m.scopes) for m in markers)
    direct_periods = {period for month in direct_months for period in periods_of_month(month)}
    stores = for_tenant(tenant_id)
    store = store if store is not None else stores.figures
    planned = Touched.of(tenant_id, village_months, direct_periods).keys(village_months) if history is None else set()
    inputs = stores.rollup_inputs.read(village_months, planned)
    problems = ProblemLog(tenant_id, now=now, store=stores.problems, seen=inputs.problems)
    villages, stored = inputs.villages, inputs.figures
    settings = inputs.settings or PeriodSettings()  # read only when a village is dirty: none needs them else
    sources = VillageSources(tenant_id, stores.reports, facts, problems, settings.deadline_day, now, history)
    result = TenantResult(periods={STOCK})
    fresh: dict[FigureKey, dict[str, Any]] = {}  # figures recomputed by this run
    computed_months: dict[str, set[str]] = {}
    bases: dict[str, VillageBasis | None] = {}

    def compute(village: str) -> tuple[dict[FigureKey, dict[str, Any]], set[str], VillageBasis | None]:
        stock = stored.get(FigureKey("village", STOCK, village))
        return compute_village(
            sources, village, village_months[village], village=villages.get(village), stored_stock=stock
        )

    order = sorted(village_months, key=lambda code: (code < resume_village, code))
    reads = 1 if history is not None else get_settings().rollup_read_concurrency  # a history is in memory
    with ThreadPoolExecutor(max_workers=reads) as pool:
        for first in range(0, len(order), reads):  # a few villages at once, their reads in parallel
            started: list[tuple[str, Future[Any]]] = []
            for village in order[first : first + reads]:
                if should_stop():
                    result.stopped_at = village
                    break
                summary.villages += 1
                started.append((village, pool.submit(compute, village)))
            for village, computing in started:
                try:
                    computed, months, bases[village] = computing.result()
                except Exception as exc:  # recorded (throttling is raised again); the other villages go on
                    problems.failed(village, None, exc)
                    continue
                problems.village_done(village)
                fresh.update(computed)
                result.done.add(village)
                computed_months[village] = months
            if result.stopped_at:
                break

    direct_by_year: dict[int, set[Period]] = defaultdict(set)
    for period in direct_periods:
        direct_by_year[period.year].add(period)
    for year, periods_of_year in sorted(direct_by_year.items()):
        span = Period(year, PeriodKind.YEAR, 1)
        year_facts = sources.facts_between(REGENCY_SCOPE, span.start, span.end)
        for period in periods_of_year:
            fresh[FigureKey("kecamatan", str(period), REGENCY_DIRECT)] = dict(commitment_figures(year_facts, period))
    if direct_months:
        result.done.add(REGENCY_SCOPE)

    touched = Touched.of(tenant_id, computed_months, direct_periods)
    unread = touched.keys(computed_months) - planned if history is None else set()
    if unread:  # months a changed basis added
        stored = {**stored, **store.read_keys(unread)}
    result.periods = set(touched.regency_periods)
    sums = touched.sums(
        lambda key: fresh.get(key, stored.get(key)),
        lambda village, months, period: sum_months(months, bases.get(village), period),
    )
    summary.aggregates_written += store.write(fresh | sums, now=now, stored=stored)
    problems.save()
    summary.reports_failed += problems.reports_failed
    summary.villages_failed += problems.villages_failed
    return result
