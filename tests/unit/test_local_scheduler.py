"""The local scheduler runs rate expressions and daily crons like EventBridge."""

from __future__ import annotations

from datetime import UTC, datetime

from chalicelib.domain.schedules import interval_of
from devstack.scheduler import next_daily_run, scheduled_functions


def test_a_daily_cron_fires_next_at_its_utc_time() -> None:
    before = datetime(2026, 11, 3, 22, 59, 59, tzinfo=UTC)
    assert next_daily_run("cron(0 23 * * ? *)", before) == datetime(2026, 11, 3, 23, 0, tzinfo=UTC)
    at = datetime(2026, 11, 3, 23, 0, tzinfo=UTC)
    assert next_daily_run("cron(0 23 * * ? *)", at) == datetime(2026, 11, 4, 23, 0, tzinfo=UTC)


def test_other_expressions_are_not_daily_crons() -> None:
    now = datetime(2026, 11, 3, tzinfo=UTC)
    for expression in ("cron(0 23 ? * MON *)", "cron(0/5 * * * ? *)", "cron(0 24 * * ? *)", "rate(1 day)"):
        assert next_daily_run(expression, now) is None, expression
    assert interval_of("rate(2 hours)") == 7200


def test_the_reminder_job_is_scheduled_locally() -> None:
    from app import app

    jobs = {job.name: job for job in scheduled_functions(app)}
    start = datetime(2026, 11, 3, 12, 0, tzinfo=UTC).timestamp()
    assert jobs["send_commitment_reminders"].next_after(start) == datetime(2026, 11, 3, 23, 0, tzinfo=UTC).timestamp()
