"""Jobs' own records: the last successful run of each job, and the lease that lets one run at a time.

They live in the changes table (one small item each), beside the feed the jobs read. `JobRuns` and
`JobLeases` are the ports (chalicelib/stores/rollup.py) over the functions below.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from pynamodb.attributes import JSONAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.models import Model

from chalicelib.repositories.base import condition_held, table_meta
from chalicelib.tables import CHANGES


class JobRun(Model):
    """The last successful run of a job (for its lag metric and its status)."""

    Meta = table_meta(CHANGES)

    pk = UnicodeAttribute(hash_key=True)  # "job"
    sk = UnicodeAttribute(range_key=True)  # the job's name
    finished_at = UTCDateTimeAttribute()
    summary = JSONAttribute(null=True)


def record_job_run(name: str, *, finished_at: datetime, summary: Mapping[str, Any]) -> None:
    """Remember a job's last successful run."""
    JobRun("job", name, finished_at=finished_at, summary=dict(summary)).save()


def last_job_run(name: str) -> tuple[datetime, dict[str, Any]] | None:
    """When a job last succeeded, and its summary."""
    try:
        run = JobRun.get("job", name, consistent_read=True)
    except JobRun.DoesNotExist:
        return None
    return run.finished_at, dict(run.summary or {})


class JobLease(Model):
    """Who runs a job now, until when: one run at a time, whoever starts it."""

    Meta = table_meta(CHANGES)

    pk = UnicodeAttribute(hash_key=True)  # "lease"
    sk = UnicodeAttribute(range_key=True)  # the job's name
    holder = UnicodeAttribute()
    expires_at = UTCDateTimeAttribute()


def acquire_lease(name: str, *, holder: str, now: datetime, seconds: float) -> bool:
    """Take the job's lease if nobody holds it or its holder's time is up; whether it was taken."""
    lease = JobLease("lease", name, holder=holder, expires_at=now + timedelta(seconds=seconds))
    return condition_held(lambda: lease.save(condition=JobLease.pk.does_not_exist() | (JobLease.expires_at < now)))


def release_lease(name: str, *, holder: str) -> None:
    """Give the lease back (only if `holder` still has it)."""
    condition_held(lambda: JobLease("lease", name).delete(condition=JobLease.holder == holder))


class JobRuns:
    """The last successful run of each job (the JobRunPort)."""

    def last_run(self, name: str) -> tuple[datetime, dict[str, Any]] | None:
        """When the job last succeeded, and its summary."""
        return last_job_run(name)

    def record_run(self, name: str, *, finished_at: datetime, summary: Mapping[str, Any]) -> None:
        """Remember a job's last successful run."""
        record_job_run(name, finished_at=finished_at, summary=summary)


class JobLeases:
    """The jobs' leases (the LeasePort)."""

    def acquire_lease(self, name: str, *, holder: str, now: datetime, seconds: float) -> bool:
        """Take the job's lease if it is free or its holder's time is up; whether it was taken."""
        return acquire_lease(name, holder=holder, now=now, seconds=seconds)

    def release_lease(self, name: str, *, holder: str) -> None:
        """Give the lease back, if `holder` still has it."""
        release_lease(name, holder=holder)
