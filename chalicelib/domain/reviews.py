"""Outlier rules, as DHIS2's min-max values: a plausible report whose figure is unusual for its tenant
is accepted, counted, and marked `needs_review` until the district office has looked at it.

Each rule bounds one count of one report type. National defaults apply until a tenant sets its own
bound for that field (a city library sees more visitors a day than a village one).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from chalicelib.domain.reports import ReportContent, ReportType, ReviewFlag, Side


@dataclass(frozen=True)
class ReviewRule:
    """A report whose `field` is below `min` or above `max` needs review."""

    type: ReportType
    field: str
    max: int
    min: int = 0

    @property
    def key(self) -> tuple[ReportType, str]:
        """What a rule bounds: one field of one report type."""
        return (self.type, self.field)


# A day at a village library: well above a busy day, far below the hard limits of the schemas.
DEFAULT_RULES: tuple[ReviewRule, ...] = (
    ReviewRule(ReportType.VISITS, "visitors", 1_000),
    ReviewRule(ReportType.ACTIVITY, "participants", 500),
    ReviewRule(ReportType.ICT, "computer_sessions", 500),
    ReviewRule(ReportType.ICT, "internet_users", 1_000),
    ReviewRule(ReportType.ICT, "trainees", 200),
)


def effective_rules(overrides: Iterable[ReviewRule]) -> list[ReviewRule]:
    """The national defaults with a tenant's own rules in place of those for the same field."""
    own = {rule.key: rule for rule in overrides}
    merged = [own.pop(rule.key, rule) for rule in DEFAULT_RULES]
    return merged + sorted(own.values(), key=lambda r: (r.type.value, r.field))


def outliers(content: ReportContent, rules: Sequence[ReviewRule]) -> tuple[ReviewFlag, ...]:
    """The figures of a report outside their range under `rules` (empty: it needs no review)."""
    flags = []
    for rule in rules:
        value = content.fields.get(rule.field) if rule.type is content.type else None
        if not isinstance(value, int):
            continue
        if value > rule.max:
            flags.append(ReviewFlag(rule.field, value, Side.ABOVE, rule.max))
        elif value < rule.min:
            flags.append(ReviewFlag(rule.field, value, Side.BELOW, rule.min))
    return tuple(flags)
