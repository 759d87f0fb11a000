"""The review-rule store's contract, on DynamoDB and in memory."""

from __future__ import annotations

import datetime as dt

from chalicelib.domain.reports import ReportType
from chalicelib.domain.reviews import ReviewRule
from chalicelib.stores import ReviewRuleStore
from tests.contract.conftest import StoresOf

AT = dt.datetime(2026, 11, 5, 8, 30, tzinfo=dt.UTC)
TYPE = next(iter(ReportType))
RULES = [ReviewRule(TYPE, "visitors", max=500, min=1), ReviewRule(TYPE, "books_lent", max=300)]


def test_a_tenant_without_rules_of_its_own_has_none(stores_of: StoresOf) -> None:
    store: ReviewRuleStore = stores_of("33.15").review_rules

    assert store.get() == []


def test_rules_put_are_read_back_in_order_and_a_second_put_replaces_them(stores_of: StoresOf) -> None:
    store = stores_of("33.15").review_rules

    store.put(RULES, by="admin", at=AT)
    assert store.get() == RULES

    store.put(RULES[1:], by="admin", at=AT)
    assert store.get() == RULES[1:]

    store.put([], by="admin", at=AT)
    assert store.get() == []


def test_a_tenants_rules_are_not_another_tenants(stores_of: StoresOf) -> None:
    stores_of("33.22").review_rules.put(RULES, by="admin", at=AT)

    assert stores_of("33.15").review_rules.get() == []
