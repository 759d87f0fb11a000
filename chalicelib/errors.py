"""Domain errors: raised by services and repositories, mapped to HTTP in one place (api/errors.py)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldProblem:
    """One problem with one input field (`field` is a dotted path, or "" for the whole input)."""

    field: str
    message: str


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


class InvalidTransitionError(DomainError):
    """A state change that the workflow does not allow from the current state."""

    code = "invalid_transition"


class ServiceUnavailableError(DomainError):
    """A dependency is throttling or failing; the client may retry."""

    code = "service_unavailable"
