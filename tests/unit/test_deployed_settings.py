"""The settings a stack is built with: the rollup queue's from the synth's environment, nothing else,
and the same values handed to its functions."""

from __future__ import annotations

import pytest

from chalicelib.config import deployed_environment, deployed_settings


def test_the_queue_s_settings_come_from_the_synth_s_environment_and_go_to_the_functions(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TPBIS_ROLLUP_MAX_RECEIVES", "5")
    monkeypatch.setenv("TPBIS_ROLLUP_CONCURRENCY", "40")
    monkeypatch.setenv("TPBIS_ROLLUP_QUEUE", "rollup-blue")
    monkeypatch.setenv("TPBIS_TABLE_PREFIX", "elsewhere-")  # the stack names its tables by stage alone

    settings = deployed_settings("prod")

    assert (settings.stage, settings.rollup_max_receives, settings.rollup_concurrency) == ("prod", 5, 40)
    assert (settings.rollup_queue_name, settings.rollup_dlq_name) == ("rollup-blue", "rollup-blue-dlq")
    assert settings.table_name("reports") == "tpbis-prod-reports"
    assert deployed_environment(settings) == {
        "TPBIS_ROLLUP_QUEUE": "rollup-blue",
        "TPBIS_ROLLUP_CONCURRENCY": "40",
        "TPBIS_ROLLUP_MAX_RECEIVES": "5",
    }


def test_without_them_the_defaults_and_no_queue_name(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in ("TPBIS_ROLLUP_MAX_RECEIVES", "TPBIS_ROLLUP_CONCURRENCY", "TPBIS_ROLLUP_QUEUE"):
        monkeypatch.delenv(variable, raising=False)

    settings = deployed_settings("dev")

    assert deployed_environment(settings) == {"TPBIS_ROLLUP_CONCURRENCY": "10", "TPBIS_ROLLUP_MAX_RECEIVES": "3"}
    assert settings.rollup_queue_name == "tpbis-dev-rollup"


def test_a_value_out_of_bounds_stops_the_synth(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TPBIS_ROLLUP_CONCURRENCY", "1")  # an event source takes at least 2
    with pytest.raises(ValueError, match="rollup_concurrency"):
        deployed_settings("dev")
