"""Domain errors become HTTP answers through one table, and a rejected report keeps the error it is."""

from __future__ import annotations

import json

import pytest
from chalice.app import Response

from chalicelib import errors
from chalicelib.api.errors import from_exception, reshape, status_of
from chalicelib.domain.reports import ItemError


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (errors.PayloadTooLargeError("too big"), 413),
        (errors.UnsupportedMediaTypeError("not JSON"), 415),
        (errors.TenantSuspendedError("suspended"), 403),
        (errors.PeriodLockedError(["2026-11"]), 409),
        (errors.InvalidInputError("bad"), 422),
        (errors.IncompleteRunError("the rollup of 33.15 failed"), 500),  # a job's error, in the same table
    ],
)
def test_each_domain_error_has_its_status_in_the_one_table(error: errors.DomainError, status: int) -> None:
    assert status_of(error) == status
    response = from_exception(error)
    assert response.status_code == status
    assert json.loads(response.body)["error"]["code"] == error.code


def test_chalices_unsupported_media_type_answer_is_the_domain_error_with_the_original_headers() -> None:
    chalice_answer = Response(
        body={"Code": "UnsupportedMediaType", "Message": "Unsupported media type: text/plain"},
        status_code=415,
        headers={"Access-Control-Allow-Origin": "*"},
    )
    reshaped = reshape(chalice_answer)
    assert reshaped.status_code == 415
    assert json.loads(reshaped.body)["error"] == {
        "code": "unsupported_media_type",
        "message": "Unsupported media type: text/plain",
        "details": [],
    }
    assert reshaped.headers["Access-Control-Allow-Origin"] == "*"
    assert reshaped.headers["Content-Type"] == "application/json"


def test_other_chalice_answers_keep_their_status_and_get_the_error_shape() -> None:
    reshaped = reshape(Response(body={"Code": "MethodNotAllowedError", "Message": "no"}, status_code=405))
    assert reshaped.status_code == 405
    assert json.loads(reshaped.body)["error"]["code"] == "method_not_allowed"


@pytest.mark.parametrize(
    ("error", "kind", "status"),
    [
        (errors.PeriodLockedError(["2026-11"]), errors.ConflictError, 409),
        (errors.PermissionDeniedError("not your village"), errors.PermissionDeniedError, 403),
        (errors.InvalidInputError("unknown village", code="unknown_village"), errors.InvalidInputError, 422),
    ],
)
def test_a_rejected_item_raises_as_the_error_it_was_made_from(
    error: errors.DomainError, kind: type[errors.DomainError], status: int
) -> None:
    item = ItemError.of(error)
    raised = item.exception()
    assert type(raised) is kind
    assert (raised.code, raised.message, status_of(raised)) == (error.code, error.message, status)


def test_a_rejected_item_without_a_kind_is_invalid_input_with_its_fields() -> None:
    problem = errors.FieldProblem("visitors", "must be a whole number")
    raised = ItemError("validation_error", "the report is not valid", (problem,)).exception()
    assert isinstance(raised, errors.InvalidInputError)
    assert raised.details == [problem] and status_of(raised) == 422
