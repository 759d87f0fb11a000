"""Whether national figures are final: each regency's approval of a period, and the share of
approved regencies of a province and of the nation (read from the approved periods when read)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from chalicelib.domain.approvals import PeriodState
from chalicelib.domain.periods import Period
from chalicelib.domain.rollup_plan import NATION, REGENCY_DIRECT, STOCK
from chalicelib.stores import platform


def _share(approved: int, total: int) -> float | None:
    return None if total == 0 else round(approved / total * 100, 1)


def regencies_approved(regencies: Iterable[str], period: Period) -> dict[str, bool]:
    """For each regency: whether every month of `period` is approved (a quarter or year is final
    when all its months are)."""
    codes = sorted(set(regencies))
    months = [str(m) for m in period.months()]
    stored = platform().approvals.states((code, month) for code in codes for month in months)
    return {
        code: all((code, month) in stored and stored[(code, month)].state is PeriodState.APPROVED for month in months)
        for code in codes
    }


def approval_blocks(level: str, codes: Iterable[str], period: Period) -> dict[str, dict[str, Any]]:
    """The `approval` block of each scope of a national level: `figures` (`approved` when every
    regency in it approved the period, else `provisional`), `regencies_approved`, `regencies` and
    `approved_pct`."""
    codes = list(codes)
    if level == "regency":
        regencies = set(codes)
    else:
        stocks = platform().national_figures.read_level("regency", STOCK)
        regencies = {code for code in stocks if code != REGENCY_DIRECT}
    approved = regencies_approved(regencies, period)
    blocks = {}
    for code in codes:
        inside = [r for r in regencies if code == NATION or r == code or r.startswith(code + ".")]
        done = sum(approved[r] for r in inside)
        blocks[code] = {
            "figures": PeriodState.APPROVED.value if inside and done == len(inside) else PeriodState.PROVISIONAL.value,
            "regencies_approved": done,
            "regencies": len(inside),
            "approved_pct": _share(done, len(inside)),
        }
    return blocks
