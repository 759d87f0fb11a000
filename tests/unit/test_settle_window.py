"""The settle window fits in the delay of the plan message that fresh on change sends for it."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from chalicelib.config import Settings
from chalicelib.queues import MAX_DELAY_SECONDS
from chalicelib.repositories.rollup_nudges import MARGIN_SECONDS


def test_the_longest_settle_window_and_its_margin_are_one_message_s_delay() -> None:
    longest = Settings(rollup_settle_seconds=MAX_DELAY_SECONDS - MARGIN_SECONDS)
    assert longest.rollup_settle_seconds + MARGIN_SECONDS == MAX_DELAY_SECONDS


def test_a_window_longer_than_a_message_can_wait_is_refused() -> None:
    with pytest.raises(ValidationError, match="rollup_settle_seconds"):
        Settings(rollup_settle_seconds=MAX_DELAY_SECONDS - MARGIN_SECONDS + 1)


def test_a_send_behind_a_claim_gives_up_in_seconds() -> None:
    from chalicelib import aws_clients

    aws_clients.sqs.cache_clear()
    config = aws_clients.sqs().meta.config
    worst = (config.connect_timeout + config.read_timeout) * config.retries["total_max_attempts"]
    assert worst <= 30, "a claim held through boto3's defaults (60 s a try, and retries) blocks every plan"
    aws_clients.sqs.cache_clear()
