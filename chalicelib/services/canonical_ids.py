"""Reports stored under a submission id that is not lower case (before ids were made canonical).

Run once after the upgrade (`tpbis canonical-ids --apply`; without `--apply` it only tells):

- no lower-case twin: the report moves to its lower-case id (one transaction; content, history and
  version kept), so every lookup and every retry finds it again;
- a twin with the same content: the same report stored twice and counted twice; the non-canonical
  copy is voided (kept, counted nowhere, its history says why) and its month is recomputed;
- a twin with other content: two different reports that share an id; both stay as they are, and
  the summary lists them for the district office to correct or void.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from chalicelib.clock import utcnow
from chalicelib.domain.reports import ReportStatus, canonical_id
from chalicelib.stores import for_tenant, platform

ACTOR = "canonical-ids"  # the `by` of the history entries it writes


@dataclass
class CanonicalIdsSummary:
    """What a run found and did (`applied` False: what it would do)."""

    applied: bool
    moved: list[str] = field(default_factory=list)
    voided_copies: list[str] = field(default_factory=list)
    conflicting: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        """The summary as JSON-able data (ids as `tenant/id`)."""
        return {
            "applied": self.applied,
            "moved": self.moved,
            "voided_copies": self.voided_copies,
            "conflicting": self.conflicting,
        }


def canonicalize(*, apply: bool) -> CanonicalIdsSummary:
    """Find every non-canonical report id and, with `apply`, resolve it as the module says."""
    summary = CanonicalIdsSummary(applied=apply)
    now = utcnow()
    for tenant_id, sid in platform().report_ids.non_canonical_ids():
        stores = for_tenant(tenant_id)
        repo = stores.reports
        report, twin = repo.get(sid), repo.get(canonical_id(sid))
        if report is None:
            continue  # gone since the scan
        name = f"{tenant_id}/{sid}"
        if twin is None:
            summary.moved.append(name)
            if apply:
                repo.rekey(report, new_id=canonical_id(sid))
        elif twin.fingerprint == report.fingerprint:
            summary.voided_copies.append(name)
            if apply and report.status is ReportStatus.ACTIVE:
                month_village = (report.content.month, report.content.village_code)
                stores.changes.mark([month_village], now=now)
                repo.replace(report.voided(by=ACTOR, at=now), expected_version=report.version)
        else:
            summary.conflicting.append(name)
    return summary
