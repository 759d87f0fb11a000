"""The review list's outlier rules: requests and responses."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from chalicelib.domain.reports import ReportType
from chalicelib.domain.reviews import ReviewRule
from chalicelib.schemas.common import PublicModel, RequestModel
from chalicelib.schemas.report_types import MAX_COUNT

# The counts a rule may bound, per report type (media and partnership reports carry none).
COUNTS: dict[str, tuple[str, ...]] = {
    "visits": ("visitors", "women", "men", "children", "youth", "disabled"),
    "activity": ("participants", "women", "youth", "entrepreneurs", "disabled"),
    "ict": ("computer_sessions", "internet_users", "trainees"),
}


class ReviewRuleIn(RequestModel):
    """Reports of `type` whose `field` is below `min` or above `max` are marked needs_review."""

    type: Literal["visits", "activity", "ict"]
    field: str = Field(min_length=1, max_length=40, examples=["visitors"])
    min: int = Field(default=0, ge=0, le=MAX_COUNT)
    max: int = Field(ge=0, le=MAX_COUNT, examples=[1500])

    @field_validator("field")
    @classmethod
    def _a_count_of_the_type(cls, field: str, info: ValidationInfo) -> str:
        kind = info.data.get("type")
        if kind is not None and field not in COUNTS[kind]:
            counts = ", ".join(COUNTS[kind])
            raise PydanticCustomError(
                "one_of", "must be one of the counts of {type}: {expected}", {"type": kind, "expected": counts}
            )
        return field

    @field_validator("max")
    @classmethod
    def _not_below_min(cls, most: int, info: ValidationInfo) -> int:
        least = info.data.get("min")
        if least is not None and most < least:
            raise PydanticCustomError("at_least", "must not be below min ({limit})", {"limit": least})
        return most

    def rule(self) -> ReviewRule:
        """The domain rule."""
        return ReviewRule(ReportType(self.type), self.field, self.max, self.min)


class ReviewRulesUpdate(RequestModel):
    """The tenant's own rules, replacing those it had (an empty list: the national defaults)."""

    rules: list[ReviewRuleIn] = Field(max_length=20)


class ReviewRulePublic(PublicModel):
    """A rule in force, and whether it is the tenant's own or the national default."""

    type: ReportType
    field: str
    min: int
    max: int
    source: Literal["default", "tenant"]


class ReviewRules(PublicModel):
    """The outlier rules in force for the tenant."""

    rules: list[ReviewRulePublic]

    @classmethod
    def of(cls, rules: list[ReviewRule], own: set[tuple[str, str]]) -> ReviewRules:
        sources = ["tenant" if (r.type.value, r.field) in own else "default" for r in rules]
        return cls(rules=[ReviewRulePublic.read(r, source=s) for r, s in zip(rules, sources, strict=True)])
