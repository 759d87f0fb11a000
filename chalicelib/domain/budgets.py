"""How far a realized budget may be from its pledge."""

from __future__ import annotations

from chalicelib.errors import FieldProblem, InvalidInputError

# A budget may be realized above its pledge (a budget revision adds to it), but not more than ten
# times over: beyond that the figure is a typo (three zeros too many), not a generous village.
MAX_REALIZED_RATIO = 10


def check_realized(*, pledged: int | None, realized: int | None) -> None:
    """A realized amount may not exceed MAX_REALIZED_RATIO times the pledged one (422 otherwise)."""
    if realized is None or pledged is None or realized <= MAX_REALIZED_RATIO * pledged:
        return
    raise InvalidInputError(
        f"the realized amount cannot be more than {MAX_REALIZED_RATIO} times the pledged amount_idr",
        details=[
            FieldProblem(
                "realized_amount_idr",
                f"at most {MAX_REALIZED_RATIO * pledged} ({MAX_REALIZED_RATIO} x the pledged {pledged})",
                code="at_most",
                params={"limit": MAX_REALIZED_RATIO * pledged},
            )
        ],
    )
