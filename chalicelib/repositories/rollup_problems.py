"""What the rollup could not count: one item per bad report (or village whose computation failed).

Items live in the changes table, in one partition (bad items are rare), sorted by
`<tenant>#<village>#<submission id>` so a tenant's problems are one query and the platform
admin's list is the partition in order. The rollup replaces a tenant's problems after each of
its runs: found again, an item keeps its first sighting; a report read without failing, or a
village computed, loses its item.

Beside them, one small flag item per tenant (partition `rollup-problem-flag`) says whether the tenant
is known to have none, so the rollup reads it with its other first reads (one batch) and queries the
problems only when there may be some: saving problems first marks the flag not clean and moves its
generation on; a run that found none marks it clean only if the generation is still the one it read.
A missing flag means "not known": the problems are read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.models import Model

from chalicelib.errors import MalformedRequestError
from chalicelib.repositories.base import condition_held, decode_cursor, encode_cursor, table_meta
from chalicelib.stores.rollup import Problem, ProblemState
from chalicelib.tables import CHANGES

__all__ = [
    "Problem",
    "ProblemFlagRecord",
    "ProblemRecords",
    "TenantProblems",
    "count",
    "flag_key",
    "of_tenant",
    "page",
    "problem_key",
    "state_of",
]

_PARTITION = "rollup-problem"
_FLAGS = "rollup-problem-flag"
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


class ProblemFlagRecord(Model):
    """Storage shape of a tenant's problems flag."""

    Meta = table_meta(CHANGES)

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)  # the tenant id
    clean = BooleanAttribute()
    generation = NumberAttribute()


def flag_key(tenant_id: str) -> tuple[str, str]:
    """The key of a tenant's problems flag."""
    return _FLAGS, tenant_id


def state_of(record: ProblemFlagRecord | None) -> ProblemState:
    """What a flag read (or its absence) says."""
    return ProblemState() if record is None else ProblemState(bool(record.clean), int(record.generation))


def _not_clean(tenant_id: str) -> None:
    """Mark the tenant's flag not clean and move its generation on (before problems are written)."""
    ProblemFlagRecord(*flag_key(tenant_id)).update(
        actions=[ProblemFlagRecord.clean.set(False), ProblemFlagRecord.generation.add(1)]
    )


def _mark_clean(tenant_id: str, seen: ProblemState) -> bool:
    unchanged = (
        ProblemFlagRecord.pk.does_not_exist()
        if seen.generation is None
        else ProblemFlagRecord.generation == seen.generation
    )
    flag = ProblemFlagRecord(*flag_key(tenant_id), clean=True, generation=seen.generation or 0)
    return condition_held(lambda: flag.save(condition=unchanged))


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
                    problem_key(p.tenant_id, p.village_code, p.submission_id),
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


@dataclass(frozen=True)
class TenantProblems:
    """One tenant's problems (the ProblemPort): the sort keys of another tenant are never named."""

    tenant_id: str

    def recorded(self) -> list[Problem]:
        """Every problem of the tenant, in village and report order."""
        known = of_tenant(self.tenant_id)
        return [known[key] for key in sorted(known)]

    def save(self, problems: Iterable[Problem]) -> None:
        """Store problems of this tenant."""
        problems = list(problems)
        if any(p.tenant_id != self.tenant_id for p in problems):
            raise ValueError(f"a problem of another tenant than {self.tenant_id}")
        _not_clean(self.tenant_id)
        save(problems)

    def mark_clean(self, seen: ProblemState) -> bool:
        """Record that the tenant has no problem, unless the flag moved on since `seen` was read."""
        return _mark_clean(self.tenant_id, seen)

    def remove(self, items: Iterable[tuple[str, str | None]]) -> None:
        """Forget the problems of these (village, report or None) items."""
        remove(problem_key(self.tenant_id, village, submission) for village, submission in items)

    def page(self, *, limit: int, cursor: str | None) -> tuple[list[Problem], str | None]:
        """One page of the tenant's problems."""
        return page(tenant_id=self.tenant_id, limit=limit, cursor=cursor)


class ProblemRecords:
    """Every tenant's problems (the ProblemDirectory)."""

    def page(self, *, tenant_id: str | None, limit: int, cursor: str | None) -> tuple[list[Problem], str | None]:
        """One page of one tenant's problems or of all."""
        return page(tenant_id=tenant_id, limit=limit, cursor=cursor)

    def count(self) -> int:
        """How many problems are recorded."""
        return count()
