"""Report bodies are validated once, as decoded, with the strictness of JSON input; each report
type is declared once and its posted and corrected variants are derived from it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from chalicelib.domain.reports import ReportType
from chalicelib.errors import InvalidInputError
from chalicelib.schemas.report_types import CORRECTIONS, REPORTS, TYPES
from chalicelib.schemas.reports import parse_correction, parse_submission

SID = "0B6E7A52-3C4D-4E5F-8A9B-0C1D2E3F4A5B"


def visits(**change: Any) -> dict[str, Any]:
    return {"submission_id": SID, "type": "visits", "village_code": "33.15.01.2001", "date": "2026-11-05"} | {
        "visitors": 12,
        **change,
    }


def problems(body: dict[str, Any]) -> dict[str, str]:
    _, (item,) = parse_submission(body)
    assert item.error is not None, "expected the report to be rejected"
    return {d.field: d.message for d in item.error.details}


def test_a_valid_report_is_read_into_its_content_with_dates_from_iso_text() -> None:
    single, (item,) = parse_submission(visits(recorded_at="2026-11-05T08:30:00+07:00", women=5))
    assert single is True and item.error is None and item.content is not None
    assert item.submission_id == SID.lower()
    assert item.content.date == dt.date(2026, 11, 5)
    assert item.content.recorded_at == dt.datetime(2026, 11, 5, 8, 30, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    assert item.content.type is ReportType.VISITS
    assert item.content.fields == {"visitors": 12, "women": 5}


@pytest.mark.parametrize("value", [20261105, 1.5, True, ["2026-11-05"]])
def test_a_date_that_is_not_text_is_refused_as_json_input_would_be(value: Any) -> None:
    assert problems(visits(date=value)) == {"date": "Input should be a valid date"}


@pytest.mark.parametrize("value", ["2026-11-05T00:00:00", "1700000000", "05-11-2026", "2026-13-01"])
def test_a_date_is_only_an_iso_calendar_day(value: str) -> None:
    assert problems(visits(date=value))["date"].startswith("Input should be a valid date in the format YYYY-MM-DD")


def test_a_recorded_time_given_as_a_number_is_refused() -> None:
    assert problems(visits(recorded_at=1700000000)) == {"recorded_at": "Input should be a valid datetime"}


def test_counts_are_not_coerced_from_text_or_fractions() -> None:
    assert set(problems(visits(visitors="12", women=1.0))) == {"visitors", "women"}


def test_an_unknown_type_is_reported_at_the_type_field() -> None:
    assert set(problems(visits(type="concert"))) == {"type"}


def test_a_correction_needs_its_expected_version_and_gives_the_new_content() -> None:
    body = {k: v for k, v in visits(visitors=30).items() if k != "submission_id"}
    version, content = parse_correction({**body, "expected_version": 2})
    assert version == 2 and content.fields == {"visitors": 30}
    with pytest.raises(InvalidInputError) as refused:
        parse_correction(body)
    assert [d.field for d in refused.value.details] == ["expected_version"]
    with pytest.raises(InvalidInputError):
        parse_correction({**body, "expected_version": 2, "submission_id": SID})


def test_each_type_has_a_posted_and_a_corrected_variant_with_only_its_own_extra_field() -> None:
    for variants, extra in ((REPORTS, "submission_id"), (CORRECTIONS, "expected_version")):
        assert [v.__bases__[0] for v in variants] == list(TYPES.values())
        for variant, base in zip(variants, TYPES.values(), strict=True):
            assert set(variant.model_fields) - set(base.model_fields) == {extra}
            assert variant.model_fields[extra].is_required()
    assert [v.__name__ for v in REPORTS][:2] == ["VisitsReport", "ActivityReport"]


def coded(body: dict[str, Any]) -> dict[str, tuple[str | None, dict[str, Any] | None]]:
    _, (item,) = parse_submission(body)
    assert item.error is not None, "expected the report to be rejected"
    return {d.field: (d.code, d.params) for d in item.error.details}


@pytest.mark.parametrize(
    ("change", "field", "code", "params"),
    [
        ({"visitors": None}, "visitors", "required", None),
        ({"visitors": "12"}, "visitors", "whole_number", None),
        ({"visitors": 1.5}, "visitors", "whole_number", None),
        ({"visitors": -1}, "visitors", "at_least", {"limit": 0}),
        ({"visitors": 10**6}, "visitors", "at_most", {"limit": 99999}),
        ({"visitors": 10, "women": 20}, "women", "parts_exceed_total", None),
        ({"extra": 1}, "extra", "unknown_field", None),
        ({"date": "05/11/2026"}, "date", "date", None),
        ({"date": "2009-12-31"}, "date", "too_early", {"first": "2010-01-01"}),
        ({"village_code": "3315"}, "village_code", "format", {"format": "village_code"}),
        ({"submission_id": "x"}, "submission_id", "format", {"format": "uuid"}),
        ({"type": "nope"}, "type", "one_of", {"expected": "visits, activity, media, partnership, ict"}),
    ],
)
def test_each_field_problem_names_its_code_and_the_figures_its_wording_needs(
    change: dict[str, Any], field: str, code: str, params: dict[str, Any] | None
) -> None:
    body = visits(**change)
    if change.get("visitors", 0) is None:
        del body["visitors"]
    found = coded(body)
    assert found[field][0] == code
    if code == "parts_exceed_total":
        assert found[field][1] == {
            "rule": "women + men <= visitors",
            "counted": 20,
            "total_field": "visitors",
            "total": 10,
        }
    else:
        assert found[field][1] == params


def test_a_null_where_a_text_is_required_is_told_required_not_a_type() -> None:
    _, (item,) = parse_submission({**visits(), "village_code": None})
    assert item.error is not None
    [detail] = [d for d in item.error.details if d.field == "village_code"]
    assert (detail.code, detail.message) == ("required", "Input should be a valid string")


def test_a_partnership_ending_before_it_began_names_the_date_it_may_not_precede() -> None:
    body = {
        "submission_id": SID,
        "village_code": "33.15.01.2001",
        "type": "partnership",
        "date": "2026-11-02",
        "partner_name": "Koperasi Sido Makmur",
        "partner_kind": "community",
        "agreement": "mou",
        "ends_on": "2026-10-31",
    }
    assert coded(body) == {"ends_on": ("before", {"other": "date"})}


def test_a_link_starts_with_http_or_https_and_is_told_so() -> None:
    media = {"submission_id": SID, "village_code": "33.15.01.2001", "type": "media", "date": "2026-11-02"}
    body = {**media, "medium": "online_news", "outlet": "Radar Kudus", "url": "ftp://berita.example.id/p"}
    assert coded(body) == {"url": ("format", {"format": "url"})}
    assert problems(body) == {"url": "must be a web address starting with http:// or https://"}
    for url in ("http://desa.example.id/berita", "https://desa.example.id/berita"):
        assert parse_submission({**body, "url": url})[1][0].error is None, url
