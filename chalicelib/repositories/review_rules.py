"""Each tenant's own outlier rules: one item per tenant, replaced as a whole."""

from __future__ import annotations

import datetime as dt

from pynamodb.attributes import JSONAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.models import Model

from chalicelib.domain.reports import ReportType
from chalicelib.domain.reviews import ReviewRule
from chalicelib.repositories.base import table_meta
from chalicelib.tables import REVIEW_RULES


class ReviewRulesRecord(Model):
    """Storage shape of a tenant's rules."""

    Meta = table_meta(REVIEW_RULES)

    tenant_id = UnicodeAttribute(hash_key=True)
    rules = JSONAttribute()  # [{"type", "field", "min", "max"}]
    updated_at = UTCDateTimeAttribute()
    updated_by = UnicodeAttribute()


class ReviewRulesRepository:
    """The outlier rules of one tenant."""

    def __init__(self, *, tenant_id: str) -> None:
        if not tenant_id:
            raise ValueError("a review-rules repository needs a tenant")
        self.tenant_id = tenant_id

    def get(self) -> list[ReviewRule]:
        """The tenant's own rules (none: the national defaults apply)."""
        try:
            record = ReviewRulesRecord.get(self.tenant_id)
        except ReviewRulesRecord.DoesNotExist:
            return []
        return [ReviewRule(ReportType(r["type"]), r["field"], int(r["max"]), int(r["min"])) for r in record.rules]

    def put(self, rules: list[ReviewRule], *, by: str, at: dt.datetime) -> None:
        """Replace the tenant's own rules."""
        raw = [{"type": r.type.value, "field": r.field, "min": r.min, "max": r.max} for r in rules]
        ReviewRulesRecord(self.tenant_id, rules=raw, updated_at=at, updated_by=by).save()
