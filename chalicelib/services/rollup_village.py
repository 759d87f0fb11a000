"""One village's part of a rollup: its stock and its dirty months, recomputed from its sources.

Per year of dirty months, one query of its reports and one of its commitment facts, from its first
to its last dirty month of that year; its partnerships come from a sparse index, read only when
they may have changed (`_kept_series`: not for a village without any unless its dirty months hold
one). When what its official figures depend on changed since its stock was stored (joining or
deactivation, cohort, whether it has a baseline and of which indicators, the tenant's deadline:
`VillageBasis.key`), every month it has reports or facts in is recomputed instead, from one query of each over its
whole history: a change of a baseline, `joined_on` or a deactivation reaches every month it
affects through the change feed, like a correction.

A rebuild reads none of this per village: its tenant's history is read whole (`TenantHistory`: one
paged query of the reports, one of the facts) and every village is computed from it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from chalicelib import areas
from chalicelib.clock import local_today
from chalicelib.domain.baselines import derived_baseline, first_full_months, matures_in, recorded_milli
from chalicelib.domain.indicators import (
    Stock,
    TransitionFact,
    partnership_series,
    sum_figures,
    village_figures,
)
from chalicelib.domain.official_figures import VillageBasis, first_received, official_flows
from chalicelib.domain.periods import LATEST_DATE, Period, month_key
from chalicelib.domain.reports import EARLIEST_DATE, Report, ReportType
from chalicelib.domain.rollup_plan import STOCK, FigureKey
from chalicelib.domain.villages import Village
from chalicelib.services.rollup_problems import ProblemLog
from chalicelib.stores import ReportStore, for_tenant
from chalicelib.stores.reports import TenantReports, Unreadable

FactSource = Callable[[str, str, dt.date, dt.date], list[TransitionFact]]
PARTNER = ReportType.PARTNERSHIP


@dataclass(frozen=True)
class TenantHistory:
    """Everything a tenant's figures are computed from, read whole: its reports by village and its
    commitment facts by scope, in a few paged queries (a rebuild's, where every village is dirty and
    recomputes its whole history: one query per village and source would be three per village)."""

    reports: TenantReports
    facts: dict[str, list[TransitionFact]]

    def months(self) -> set[tuple[str, str]]:
        """Every (month, scope) with a report or a fact."""
        found = {(month_key(r.content.date), code) for code, rs in self.reports.by_village.items() for r in rs}
        return found | {(month_key(f.on), scope) for scope, facts in self.facts.items() for f in facts}

    def reports_of(self, code: str, start: dt.date, end: dt.date) -> list[Report]:
        return [r for r in self.reports.by_village.get(code, []) if start <= r.content.date <= end]

    def facts_of(self, scope: str, start: dt.date, end: dt.date) -> list[TransitionFact]:
        return [f for f in self.facts.get(scope, []) if start <= f.on <= end]


def read_history(tenant_id: str) -> TenantHistory:
    """A tenant's whole history: one paged query of its reports and, at the same time, one of its facts."""
    stores = for_tenant(tenant_id)
    with ThreadPoolExecutor(max_workers=1) as pool:
        facts = pool.submit(stores.advocacy.facts.every_fact)
        return TenantHistory(stores.reports.every_report(), facts.result())


@dataclass
class VillageSources:
    """Where a tenant's villages are recomputed from, and with what (one per tenant and run): queries
    of its stores per village, or its history read whole."""

    tenant_id: str
    reports: ReportStore  # the tenant's: its village-month reads and partnerships
    facts: FactSource
    problems: ProblemLog
    deadline_day: int
    now: dt.datetime
    history: TenantHistory | None = None

    def reports_between(self, code: str, start: dt.date, end: dt.date, unreadable: Unreadable) -> list[Report]:
        if self.history is not None:
            return self.history.reports_of(code, start, end)
        return self.reports.in_village_between(code, start, end, unreadable=unreadable)

    def facts_between(self, scope: str, start: dt.date, end: dt.date) -> list[TransitionFact]:
        if self.history is not None:
            return self.history.facts_of(scope, start, end)
        return self.facts(self.tenant_id, scope, start, end)

    def partnerships_of(self, code: str, unreadable: Unreadable) -> list[Report]:
        if self.history is not None:
            return [r for r in self.history.reports_of(code, EARLIEST_DATE, LATEST_DATE) if r.content.type is PARTNER]
        return self.reports.partnerships_of(code, unreadable=unreadable)


@dataclass
class _Loaded:
    """A village's reports read so far in this run, by the spans they cover."""

    spans: list[tuple[dt.date, dt.date, list[Report]]] = field(default_factory=list)

    def covering(self, start: dt.date, end: dt.date) -> list[Report] | None:
        for first, last, reports in self.spans:
            if first <= start and end <= last:
                return [r for r in reports if start <= r.content.date <= end]
        return None


def basis_of(
    village: Village | None, code: str, baseline: Mapping[str, int] | None, deadline_day: int
) -> VillageBasis | None:
    """A registered village's basis (None for a code that is not registered: commitments only)."""
    if village is None:
        return None
    return VillageBasis.of(
        joined=village.joined,
        deactivated_on=village.deactivated_on,
        baseline=baseline,
        cohort=village.cohort,
        deadline_day=deadline_day,
        tz=areas.timezone_of(code),
    )


def compute_village(
    sources: VillageSources,
    code: str,
    months: set[str],
    *,
    village: Village | None,
    stored_stock: Mapping[str, Any] | None,
) -> tuple[dict[FigureKey, dict[str, Any]], set[str], VillageBasis | None]:
    """The village's recomputed stock and months, the months computed (the dirty ones, or every one
    it has data in when its basis changed), and its basis."""
    problems = sources.problems

    unreadable_seen: list[str] = []

    def unreadable(submission_id: str, exc: Exception) -> None:
        unreadable_seen.append(submission_id)
        problems.failed(code, submission_id, exc)

    if sources.history is not None:  # read with the tenant's: told here, once
        for submission_id, exc in sources.history.reports.unreadable.get(code, []):
            unreadable(submission_id, exc)
    loaded = _Loaded()

    def reports_between(start: dt.date, end: dt.date) -> list[Report]:
        found = loaded.covering(start, end)
        if found is None:
            found = problems.screen(code, sources.reports_between(code, start, end, unreadable))
            loaded.spans.append((start, end, found))
        return found

    baseline = _baseline(village, code, months, stored_stock, reports_between, sources.now)
    basis = basis_of(village, code, baseline, sources.deadline_day)
    fresh: dict[FigureKey, dict[str, Any]] = {}
    basis_key = basis.key() if basis else None
    spans: list[tuple[dt.date, dt.date, list[Period]]] = []
    if (stored_stock or {}).get("basis") != basis_key:
        everything = reports_between(EARLIEST_DATE, LATEST_DATE)
        all_facts = sources.facts_between(code, EARLIEST_DATE, LATEST_DATE)
        months = months | {month_key(r.content.date) for r in everything} | {month_key(f.on) for f in all_facts}
        spans.append((EARLIEST_DATE, LATEST_DATE, [Period.parse(m) for m in sorted(months)]))
        facts_of: Callable[[dt.date, dt.date], list[TransitionFact]] = lambda start, end: all_facts  # noqa: E731
    else:
        by_year: dict[int, list[Period]] = defaultdict(list)
        for text in sorted(months):
            month = Period.parse(text)
            by_year[month.year].append(month)
        spans += [(dirty[0].start, dirty[-1].end, dirty) for dirty in by_year.values()]
        facts_of = lambda start, end: sources.facts_between(code, start, end)  # noqa: E731
    for start, end, dirty in spans:
        span_reports, span_facts = reports_between(start, end), facts_of(start, end)
        for month in dirty:
            flows = village_figures(span_reports, span_facts, month)
            fresh[FigureKey("village", str(month), code)] = with_official(
                dict(flows), basis, first_received(span_reports, month), month
            )

    series = _kept_series(stored_stock, basis_key, loaded, unreadable_seen)
    if series is None:
        series = partnership_series(problems.screen(code, sources.partnerships_of(code, unreadable)))
    active = 1 if village is not None and village.active else 0
    stock = Stock(active, series, basis.reach() if basis else {}).as_values()
    stock["basis"] = basis_key
    if basis and basis.cohort:
        stock["cohort"] = basis.cohort
    if village is not None and village.baseline is None and baseline is not None:
        # kept, and reused while its joining day and its three months do not change
        stock["derived_baseline"] = {"from": str(village.joined), "monthly": dict(baseline)}
    fresh[FigureKey("village", STOCK, code)] = stock
    return fresh, months, basis


def _kept_series(
    stored_stock: Mapping[str, Any] | None, basis_key: object, loaded: _Loaded, unreadable_seen: list[str]
) -> dict[str, int] | None:
    """The stored partnership series when it cannot have changed, else None (read them again).

    It cannot when the stock was stored with the same basis, its series is empty and no report of the
    dirty months (void ones too) is a partnership or unreadable: a partnership that counts puts +1 on
    its first month, which no earlier end can cancel, so a village with one has a non-empty series;
    one corrected or voided lies in a dirty month, one moved away was counted here before. A village
    with partnerships reads them (a sparse index) every time its months are recomputed."""
    if stored_stock is None or stored_stock.get("basis") != basis_key or unreadable_seen:
        return None
    stored = stored_stock.get("partnership_series")
    if stored is None or stored:
        return None
    if any(r.content.type is ReportType.PARTNERSHIP for _, _, reports in loaded.spans for r in reports):
        return None
    return {}


def with_official(
    figures: dict[str, Any], basis: VillageBasis | None, received: dt.datetime | None, period: Period
) -> dict[str, Any]:
    """A village's figures for a period with its official flows, its cohort and when its first report
    for the period was received (for its quarter and year)."""
    if basis is None:
        return figures
    figures.update(official_flows(basis, figures, received, period))
    if basis.cohort:
        figures["cohort"] = basis.cohort
    if received is not None:
        figures["first_received"] = received.isoformat()
    return figures


def sum_months(months: list[Mapping[str, Any]], basis: VillageBasis | None, period: Period) -> dict[str, Any]:
    """A village's quarter or year from its months: flows add up, it reported if it did in any month,
    and its official flows are those of the longer period (expected in it, on time by its deadline)."""
    figures: dict[str, Any] = dict(sum_figures(months))
    figures["villages_reporting"] = min(1, figures["villages_reporting"])
    times = [dt.datetime.fromisoformat(m["first_received"]) for m in months if m.get("first_received")]
    return with_official(figures, basis, min(times) if times else None, period)


def _baseline(
    village: Village | None,
    code: str,
    dirty: set[str],
    stored_stock: Mapping[str, Any] | None,
    reports_between: Callable[[dt.date, dt.date], list[Report]],
    now: dt.datetime,
) -> dict[str, int] | None:
    """The village's monthly baseline in thousandths: recorded, or derived from its first three full
    months once they are over (kept with its stock, recomputed when one of them is dirty)."""
    if village is None:
        return None
    if village.baseline is not None:
        return recorded_milli(village.baseline.monthly)
    joined = village.joined
    today = local_today(code, now=now)
    if joined is None or month_key(today) < matures_in(joined):
        return None
    three = first_full_months(joined)
    cached = (stored_stock or {}).get("derived_baseline") or {}
    if cached.get("from") == str(joined) and not dirty & set(three):
        return {str(k): int(v) for k, v in cached["monthly"].items()}
    first, last = Period.parse(three[0]), Period.parse(three[-1])
    reports = reports_between(first.start, last.end)
    values = {m: village_figures(reports, [], Period.parse(m)) for m in three}
    return derived_baseline(joined, values, today=today)
