"""The one place where errors become HTTP responses, all in the same JSON shape."""

from __future__ import annotations

import json
from typing import Any

from chalice.app import Response

from chalicelib import errors
from chalicelib.observability import logger

STATUS: list[tuple[type[errors.DomainError], int]] = [
    (errors.MalformedRequestError, 400),
    (errors.NotAuthenticatedError, 401),
    (errors.PermissionDeniedError, 403),
    (errors.NotFoundError, 404),
    (errors.AlreadyExistsError, 409),
    (errors.ConflictError, 409),
    (errors.NotAcceptableError, 406),
    (errors.PayloadTooLargeError, 413),
    (errors.UnsupportedMediaTypeError, 415),
    (errors.InvalidInputError, 422),
    (errors.InvalidTransitionError, 422),
    (errors.RateLimitedError, 429),
    (errors.ServiceUnavailableError, 503),
    (errors.IncompleteRunError, 500),
]

# Chalice's own refusals that are domain errors: answered through the table above, like a view's.
_CHALICE_ERRORS: dict[str, type[errors.DomainError]] = {"UnsupportedMediaType": errors.UnsupportedMediaTypeError}
# Chalice's other error responses (their `Code`) and what they become.
_CHALICE_CODES = {
    "BadRequestError": "bad_request",
    "UnauthorizedError": "unauthenticated",
    "ForbiddenError": "forbidden",
    "NotFoundError": "not_found",
    "MethodNotAllowedError": "method_not_allowed",
    "RequestTimeoutError": "request_timeout",
    "ConflictError": "conflict",
    "UnprocessableEntityError": "validation_error",
    "TooManyRequestsError": "too_many_requests",
    "InternalServerError": "internal_error",
}


def error_body(code: str, message: str, details: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The error shape: {"error": {"code", "message", "details": [{"field", "message", "code"?, "params"?}]}}."""
    return {"error": {"code": code, "message": message, "details": details or []}}


def error_response(
    status: int,
    code: str,
    message: str,
    details: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """A JSON error response."""
    return Response(
        body=json.dumps(error_body(code, message, details)),
        status_code=status,
        headers={"Content-Type": "application/json", **(headers or {})},
    )


def status_of(error: errors.DomainError) -> int:
    """The HTTP status of a domain error."""
    for kind, status in STATUS:
        if isinstance(error, kind):
            return status
    return 400


def from_exception(exc: Exception) -> Response:
    """The response for anything a view raised."""
    if isinstance(exc, errors.DomainError):
        details = [d.as_dict() for d in exc.details]
        status = status_of(exc)
        headers = {"Retry-After": "2"} if status == 503 else None
        if isinstance(exc, errors.RateLimitedError):
            headers = {"Retry-After": str(exc.retry_after)}
        return error_response(status, exc.code, exc.message, details, headers)
    if errors.is_throttling(exc):
        logger.warning("data store throttled the request after retries", extra={"error": type(exc).__name__})
        return error_response(
            503, "service_unavailable", "the service is busy; retry shortly", headers={"Retry-After": "2"}
        )
    logger.exception("unhandled error")
    return error_response(500, "internal_error", "an internal error occurred; it has been logged")


def reshape(response: Response) -> Response:
    """Rewrite a Chalice-made error response ({"Code", "Message"}) into the error shape."""
    if response.status_code < 400:
        return response
    body = response.body
    if isinstance(body, str | bytes):
        try:
            body = json.loads(body)
        except ValueError:
            return response
    if isinstance(body, dict) and "Code" in body and "error" not in body:
        message = str(body.get("Message", ""))
        domain = _CHALICE_ERRORS.get(str(body["Code"]))
        if domain is not None:
            reshaped = from_exception(domain(message))
        else:
            reshaped = error_response(response.status_code, _CHALICE_CODES.get(str(body["Code"]), "error"), message)
        reshaped.headers = {**response.headers, **reshaped.headers}
        return reshaped
    return response
