"""Domain errors: raised by services and repositories, mapped to HTTP in one place (api/errors.py)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class FieldProblem:
    """One problem with one input field (`field` is a dotted path, or "" for the whole input). `code`
    names the problem for a client that words it in its own language (`required`, `too_long`, ...),
    with the figures it needs in `params` (`{"max": 80}`); None where only the message says it."""

    field: str
    message: str
    code: str | None = None
    params: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        """As the error shape's `details` carry it (code and params only when there are)."""
        shown: dict[str, Any] = {"field": self.field, "message": self.message}
        if self.code:
            shown["code"] = self.code
        if self.params:
            shown["params"] = self.params
        return shown


class DomainError(Exception):
    """Base of every error the service raises on purpose."""

    code = "error"

    def __init__(self, message: str, *, details: list[FieldProblem] | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.details = details or []
        if code:
            self.code = code


class InvalidInputError(DomainError):
    """The input is well-formed but breaks a rule (unknown area code, bad value)."""

    code = "validation_error"


class MalformedRequestError(DomainError):
    """The request cannot be read at all (bad JSON, bad cursor, bad content type)."""

    code = "bad_request"


class PayloadTooLargeError(DomainError):
    """The request body is larger than the configured limit."""

    code = "payload_too_large"


class NotAcceptableError(DomainError):
    """The answer exists only in a type the request's Accept header does not take (a binary download)."""

    code = "not_acceptable"


class UnsupportedMediaTypeError(DomainError):
    """The request body is not of a type the route reads (a JSON route sent a form)."""

    code = "unsupported_media_type"


class NotAuthenticatedError(DomainError):
    """No credentials, or credentials that match no active key."""

    code = "unauthenticated"


class PermissionDeniedError(DomainError):
    """The caller is known but its role or scope does not allow this."""

    code = "forbidden"


class TenantSuspendedError(PermissionDeniedError):
    """The caller's tenant is suspended or not yet approved."""

    code = "tenant_suspended"


class NotFoundError(DomainError):
    """No such resource for this caller (another tenant's resource looks exactly the same)."""

    code = "not_found"


class AlreadyExistsError(DomainError):
    """A resource with this identity exists already."""

    code = "already_exists"


class ConflictError(DomainError):
    """The request conflicts with the resource's current state."""

    code = "conflict"


class VersionConflictError(ConflictError):
    """`expected_version` is not the resource's current version."""

    code = "version_conflict"


class PeriodLockedError(ConflictError):
    """A report dated in an approved (or automatically locked) month may not be added or changed."""

    code = "period_locked"

    def __init__(self, months: list[str]):
        listed = ", ".join(months)
        super().__init__(
            f"the figures of {listed} are approved: reports dated in that month can no longer be added, "
            "corrected or voided; ask the district office to reopen the month"
        )
        self.months = months
        # For operators reading Bahasa Indonesia (the OpenRosa path answers in it).
        self.message_id = (
            f"Data bulan {listed} sudah disahkan: laporan bertanggal bulan itu tidak dapat ditambah, "
            "dikoreksi, atau dibatalkan. Mintalah dinas perpustakaan kabupaten membuka kembali bulan tersebut."
        )


class InvalidTransitionError(DomainError):
    """A state change that the workflow does not allow from the current state."""

    code = "invalid_transition"


class RateLimitedError(DomainError):
    """The caller sent more requests of this kind than its limit allows; it may retry later."""

    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = max(1, retry_after)


class ServiceUnavailableError(DomainError):
    """A dependency is throttling or failing; the client may retry."""

    code = "service_unavailable"


class IncompleteRunError(DomainError):
    """A job did part of its work and failed the rest, which stays marked and is retried on its next run
    (the invocation must still fail: that is what its alarm counts)."""

    code = "incomplete_run"


# DynamoDB's codes for throttling that survived the client's retries.
THROTTLING_CODES = frozenset({"ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded"})
# Reasons DynamoDB gives for cancelling a transaction that mean "retry later".
THROTTLED_CANCELLATIONS = frozenset({"ThrottlingError", "ProvisionedThroughputExceeded", "RequestLimitExceeded"})


def is_throttling(exc: BaseException) -> bool:
    """Whether the data store refused the work for load (after the client's own retries): the error
    itself, or any error in its cause chain (Powertools' idempotency layer and PynamoDB wrap botocore's),
    and a transaction cancelled because one of its items was throttled."""
    for current in cause_chain(exc):
        if isinstance(current, ServiceUnavailableError) or error_code(current) in THROTTLING_CODES:
            return True
        if cancellation_codes(current) & THROTTLED_CANCELLATIONS:
            return True
    return False


def cause_chain(exc: BaseException) -> Iterator[BaseException]:
    """The exception and what caused it, each once (PynamoDB and Powertools raise theirs while handling
    botocore's, which is then their context)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def error_code(exc: BaseException) -> str | None:
    """The AWS error code an exception carries (PynamoDB's cause_response_code, botocore's response), if
    any; duck-typed so this module stays light."""
    code = getattr(exc, "cause_response_code", None)
    response = getattr(exc, "response", None)
    if code is None and isinstance(response, dict):
        code = response.get("Error", {}).get("Code")
    return code if isinstance(code, str) else None


def cancellation_codes(exc: BaseException) -> set[str]:
    """The reason codes of a cancelled DynamoDB transaction (PynamoDB's or botocore's error); empty otherwise."""
    reasons = getattr(exc, "cancellation_reasons", None)  # PynamoDB's TransactWriteError
    if reasons is None:
        response = getattr(exc, "response", None)  # botocore's TransactionCanceledException
        reasons = response.get("CancellationReasons") if isinstance(response, dict) else None
    codes = set()
    for reason in reasons or []:
        code = reason.get("Code") if isinstance(reason, dict) else getattr(reason, "code", None)
        if isinstance(code, str):
            codes.add(code)
    return codes
