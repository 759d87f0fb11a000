"""The district's review list: reports whose figures are unusual for the tenant (accepted, counted,
marked `needs_review`), the outlier rules that decide it, and taking a report off the list."""

from __future__ import annotations

import datetime as dt

from chalicelib.clock import utcnow
from chalicelib.domain.principal import Principal, Role
from chalicelib.domain.reports import Report
from chalicelib.domain.reviews import ReviewRule, effective_rules
from chalicelib.errors import FieldProblem, InvalidInputError, VersionConflictError
from chalicelib.services.reports import READERS, visible_report
from chalicelib.stores import for_tenant

REVIEWERS = (Role.DISTRICT_ADMIN,)


def rules(*, principal: Principal) -> tuple[list[ReviewRule], set[tuple[str, str]]]:
    """The rules in force for the caller's tenant, and which of them are the tenant's own."""
    principal.require(*READERS)
    own = for_tenant(principal.tenant).review_rules.get()
    return effective_rules(own), {(r.type.value, r.field) for r in own}


def set_rules(*, principal: Principal, new: list[ReviewRule], now: dt.datetime | None = None) -> None:
    """Replace the tenant's own rules (a field without one takes the national default again).
    Reports already stored keep their marks; the rules apply to what is posted or corrected next."""
    principal.require(*REVIEWERS)
    seen: set[tuple[str, str]] = set()
    for i, rule in enumerate(new):
        if (rule.type.value, rule.field) in seen:
            raise InvalidInputError(
                "one rule per field", details=[FieldProblem(f"rules.{i}", f"a second rule for {rule.field}")]
            )
        seen.add((rule.type.value, rule.field))
    for_tenant(principal.tenant).review_rules.put(new, by=principal.key_id, at=now or utcnow())


def waiting(*, principal: Principal, limit: int, cursor: str | None) -> tuple[list[Report], str | None]:
    """The reports waiting for review, newest first (an operator's: of its villages)."""
    principal.require(*READERS)
    only = principal.villages if principal.role is Role.OPERATOR else None
    return for_tenant(principal.tenant).reports.needing_review(village_codes=only, limit=limit, cursor=cursor)


def mark_reviewed(*, principal: Principal, submission_id: str, now: dt.datetime | None = None) -> Report:
    """Take a report off the review list: its figures stand. A report not on the list is answered as is."""
    principal.require(*REVIEWERS)
    reports = for_tenant(principal.tenant).reports
    for _ in range(3):
        current = visible_report(principal, submission_id, reports)
        if not current.needs_review:
            return current
        updated = current.reviewed(by=principal.key_id, at=now or utcnow())
        try:
            reports.replace(updated, expected_version=current.version)
            return updated
        except VersionConflictError:
            continue  # changed meanwhile: look again
    raise VersionConflictError("the report keeps changing; reload it and retry")
