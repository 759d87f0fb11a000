"""A realized budget against its pledge, and the outlier rules that mark a report for review (no AWS)."""

from __future__ import annotations

from datetime import date

import pytest

from chalicelib.domain.budgets import MAX_REALIZED_RATIO, check_realized
from chalicelib.domain.reports import ReportContent, ReportType, ReviewFlag, Side
from chalicelib.domain.reviews import DEFAULT_RULES, ReviewRule, effective_rules, outliers
from chalicelib.errors import InvalidInputError

T = ReportType


def test_a_realized_budget_up_to_ten_times_its_pledge_is_accepted() -> None:
    assert MAX_REALIZED_RATIO == 10
    check_realized(pledged=1_000_000, realized=10_000_000)
    check_realized(pledged=1_000_000, realized=0)


def test_a_realized_budget_one_rupiah_over_ten_times_its_pledge_is_refused_naming_the_limit() -> None:
    with pytest.raises(InvalidInputError) as refused:
        check_realized(pledged=1_000_000, realized=10_000_001)
    (problem,) = refused.value.details
    assert problem.field == "realized_amount_idr"
    assert "10000000" in problem.message and "1000000" in problem.message


def test_a_zero_pledge_allows_only_a_zero_realization() -> None:
    check_realized(pledged=0, realized=0)
    with pytest.raises(InvalidInputError):
        check_realized(pledged=0, realized=1)


@pytest.mark.parametrize(("pledged", "realized"), [(None, 10**12), (5, None), (None, None)])
def test_without_both_amounts_there_is_nothing_to_compare(pledged: int | None, realized: int | None) -> None:
    check_realized(pledged=pledged, realized=realized)


def _visits(visitors: int | None) -> ReportContent:
    fields = {} if visitors is None else {"visitors": visitors}
    return ReportContent("33.15.01.2001", T.VISITS, date(2026, 11, 2), fields)


def test_the_national_defaults_apply_when_a_tenant_sets_no_rule_of_its_own() -> None:
    assert effective_rules([]) == list(DEFAULT_RULES)
    assert len({rule.key for rule in DEFAULT_RULES}) == len(DEFAULT_RULES)  # one rule per field


def test_a_tenants_rule_replaces_the_default_for_its_field_in_place() -> None:
    own = ReviewRule(T.VISITS, "visitors", max=5_000, min=10)
    merged = effective_rules([own])
    assert merged[0] == own
    assert merged[1:] == list(DEFAULT_RULES[1:])


def test_a_tenants_rules_for_other_fields_come_after_the_defaults_ordered_by_type_and_field() -> None:
    extra = [ReviewRule(T.VISITS, "women", max=900), ReviewRule(T.ACTIVITY, "youth", max=300)]
    merged = effective_rules(extra)
    assert merged[: len(DEFAULT_RULES)] == list(DEFAULT_RULES)
    assert merged[len(DEFAULT_RULES) :] == [extra[1], extra[0]]


def test_a_figure_at_the_review_maximum_needs_no_review_and_one_above_it_does() -> None:
    rules = [ReviewRule(T.VISITS, "visitors", max=1_000)]
    assert outliers(_visits(1_000), rules) == ()
    (flag,) = outliers(_visits(1_001), rules)
    assert flag == ReviewFlag("visitors", 1_001, Side.ABOVE, 1_000)
    assert flag.reason == "visitors 1001 is above this regency's review maximum 1000"


def test_a_figure_below_a_tenants_review_minimum_needs_review() -> None:
    rules = [ReviewRule(T.VISITS, "visitors", max=1_000, min=5)]
    assert outliers(_visits(5), rules) == ()
    (flag,) = outliers(_visits(4), rules)
    assert flag == ReviewFlag("visitors", 4, Side.BELOW, 5)
    assert flag.reason == "visitors 4 is below this regency's review minimum 5"


def test_rules_of_another_report_type_or_of_an_absent_field_are_not_applied() -> None:
    assert outliers(_visits(10_000), [ReviewRule(T.ICT, "visitors", max=1)]) == ()
    assert outliers(_visits(None), [ReviewRule(T.VISITS, "visitors", max=1, min=5)]) == ()


def test_every_broken_rule_gives_its_own_reason() -> None:
    content = ReportContent(
        "33.15.01.2001", T.ICT, date(2026, 11, 2), {"computer_sessions": 501, "internet_users": 1_001, "trainees": 3}
    )
    flags = outliers(content, effective_rules([]))
    assert flags == (
        ReviewFlag("computer_sessions", 501, Side.ABOVE, 500),
        ReviewFlag("internet_users", 1_001, Side.ABOVE, 1_000),
    )


@pytest.mark.parametrize(
    "flag", [ReviewFlag("visitors", 5_000, Side.ABOVE, 1_000), ReviewFlag("trainees", 0, Side.BELOW, 2)]
)
def test_a_flag_is_read_back_from_its_sentence(flag: ReviewFlag) -> None:
    assert ReviewFlag.of_reason(flag.reason) == flag


@pytest.mark.parametrize("text", ["", "visitors", "visitors 5000 is near this regency's review maximum 1000"])
def test_a_sentence_that_is_not_a_flag_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="not a review reason"):
        ReviewFlag.of_reason(text)
