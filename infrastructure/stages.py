"""Per-stage deployment options: throttling, log retention, alarm thresholds."""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk.aws_logs import RetentionDays


@dataclass(frozen=True)
class StageOptions:
    """What differs between a development and a production deployment."""

    throttle_rate: float  # steady requests per second for the whole API stage
    throttle_burst: int
    # POST /v1/signup for every caller together: the ceiling above the app's per-address limit
    signup_throttle_rate: float
    signup_throttle_burst: int
    log_retention: RetentionDays
    error_rate_threshold: float  # fraction of API requests answered 5xx that raises the alarm
    rollup_missed_runs: int  # consecutive rollup intervals without a success before alarming


STAGES: dict[str, StageOptions] = {
    "dev": StageOptions(
        throttle_rate=20,
        throttle_burst=40,
        signup_throttle_rate=1,
        signup_throttle_burst=5,
        log_retention=RetentionDays.TWO_WEEKS,
        error_rate_threshold=0.05,
        rollup_missed_runs=4,
    ),
    "prod": StageOptions(
        throttle_rate=200,
        throttle_burst=400,
        signup_throttle_rate=2,
        signup_throttle_burst=10,
        log_retention=RetentionDays.THREE_MONTHS,
        error_rate_threshold=0.01,
        rollup_missed_runs=3,
    ),
}
