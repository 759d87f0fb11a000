"""What the rollup could not count: one item per bad report (or village whose computation failed).

Items live in the changes table, in one partition (bad items are rare), sorted by
`<tenant>#<village>#<submission id>` so a tenant's problems are one query and the platform
admin's list is the partition in order. The rollup replaces a tenant's problems after each of
its runs: found again, an item keeps its first sighting; a report read without failing, or a
village computed, loses its item.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.models import Model

from chalicelib.errors import MalformedRequestError
from chalicelib.repositories.base import decode_cursor, encode_cursor, table_meta
from chalicelib.tables import CHANGES

_PARTITION = "rollup-problem"
VILLAGE_WIDE = "-"  # the submission id of a problem that is no single report's


class ProblemRecord(Model):
    """Storage shape of a rollup problem."""

    Meta = table_meta(CHANGES)

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)  # "<tenant>#<village>#<submission id or ->"
    error = UnicodeAttribute()
    message = UnicodeAttribute()
    first_seen_at = UTCDateTimeAttribute()
    last_seen_at = UTCDateTimeAttribute()
    runs = NumberAttribute(default=1)


@dataclass(frozen=True)
class Problem:
    """A report (or a village) the rollup could not count, and why."""

    tenant_id: str
    village_code: str
    submission_id: str | None  # None: the village's computation failed, not one report
    error: str  # the exception's type
    message: str
    first_seen_at: dt.datetime
    last_seen_at: dt.datetime
    runs: int = 1

    @property
    def sort_key(self) -> str:
        return problem_key(self.tenant_id, self.village_code, self.submission_id)


def problem_key(tenant_id: str, village_code: str, submission_id: str | None) -> str:
    """The sort key of a problem."""
    return f"{tenant_id}#{village_code}#{submission_id or VILLAGE_WIDE}"


def _domain(record: ProblemRecord) -> Problem:
    tenant_id, village_code, submission_id = record.sk.split("#", 2)
    return Problem(
        tenant_id=tenant_id,
        village_code=village_code,
        submission_id=None if submission_id == VILLAGE_WIDE else submission_id,
        error=record.error,
        message=record.message,
        first_seen_at=record.first_seen_at,
        last_seen_at=record.last_seen_at,
        runs=int(record.runs),
    )


def of_tenant(tenant_id: str) -> dict[str, Problem]:
    """A tenant's recorded problems, by sort key."""
    records = ProblemRecord.query(_PARTITION, ProblemRecord.sk.startswith(f"{tenant_id}#"), consistent_read=True)
    return {record.sk: _domain(record) for record in records}


def save(problems: Iterable[Problem]) -> None:
    """Store problems (replacing what is stored under their keys)."""
    with ProblemRecord.batch_write() as batch:
        for p in problems:
            batch.save(
                ProblemRecord(
                    _PARTITION,
                    p.sort_key,
                    error=p.error,
                    message=p.message[:500],
                    first_seen_at=p.first_seen_at,
                    last_seen_at=p.last_seen_at,
                    runs=p.runs,
                )
            )


def remove(sort_keys: Iterable[str]) -> None:
    """Forget problems that are solved."""
    with ProblemRecord.batch_write() as batch:
        for key in sort_keys:
            batch.delete(ProblemRecord(_PARTITION, key))


def page(*, tenant_id: str | None, limit: int, cursor: str | None) -> tuple[list[Problem], str | None]:
    """One page of problems in tenant, village, report order: a tenant's, or (None) everyone's."""
    condition = ProblemRecord.sk.startswith(f"{tenant_id}#") if tenant_id else None
    first = decode_cursor(cursor, scope={"pk": _PARTITION})
    if first is not None and (
        set(first) != {"pk", "sk"} or (tenant_id and not first["sk"]["S"].startswith(f"{tenant_id}#"))
    ):
        raise MalformedRequestError("the cursor does not belong to this listing", code="invalid_cursor")
    results = ProblemRecord.query(_PARTITION, condition, limit=limit, last_evaluated_key=first, consistent_read=True)
    return [_domain(r) for r in results], encode_cursor(results.last_evaluated_key)


def count() -> int:
    """How many problems are recorded, over every tenant (the rollup's metric)."""
    return ProblemRecord.count(_PARTITION, consistent_read=True)
