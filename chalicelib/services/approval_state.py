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


class Approvals:
    """The regencies' approvals as one export (or one read) needs them: each (regency, month) state
    read once, and the regencies with figures listed once, however many levels and periods ask."""

    def __init__(self) -> None:
        self._states: dict[tuple[str, str], bool] = {}
        self._regencies: set[str] | None = None

    def regencies(self) -> set[str]:
        """Every regency with figures (the denominator of a province's and the nation's share)."""
        if self._regencies is None:
            stocks = platform().national_figures.read_level("regency", STOCK)
            self._regencies = {code for code in stocks if code != REGENCY_DIRECT}
        return self._regencies

    def approved(self, regencies: Iterable[str], period: Period) -> dict[str, bool]:
        """For each regency: whether every month of `period` is approved (a quarter or year is final
        when all its months are). Months are asked latest first, and only of the regencies that
        approved every later one: the latest is the one least often approved."""
        result = dict.fromkeys(sorted(set(regencies)), False)
        candidates = list(result)
        for month in reversed([str(m) for m in period.months()]):
            if not candidates:
                break
            self._read((code, month) for code in candidates)
            candidates = [code for code in candidates if self._states[(code, month)]]
        result.update(dict.fromkeys(candidates, True))
        return result

    def _read(self, pairs: Iterable[tuple[str, str]]) -> None:
        missing = [pair for pair in pairs if pair not in self._states]
        if missing:
            stored = platform().approvals.states(missing)
            for pair in missing:
                self._states[pair] = pair in stored and stored[pair].state is PeriodState.APPROVED


def approval_blocks(
    level: str, codes: Iterable[str], period: Period, approvals: Approvals | None = None
) -> dict[str, dict[str, Any]]:
    """The `approval` block of each scope of a national level: `figures` (`approved` when every
    regency in it approved the period, else `provisional`), `regencies_approved`, `regencies` and
    `approved_pct`. `approvals` shares what was read with the other levels and periods of an export."""
    approvals = approvals or Approvals()
    codes = list(codes)
    regencies = set(codes) if level == "regency" else approvals.regencies()
    approved = approvals.approved(regencies, period)
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
