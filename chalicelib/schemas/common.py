"""Shapes shared by every area: the error body, paging, and the base models."""

from __future__ import annotations

from collections.abc import Collection

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from chalicelib.errors import FieldProblem


def problems_of(error: ValidationError, prefix: str = "", tags: Collection[str] = ()) -> list[FieldProblem]:
    """Field problems from a pydantic validation error (`field` as a dotted path). `tags` are the
    discriminator values of a tagged union: pydantic puts them first in the path; they are dropped."""
    problems = []
    for item in error.errors(include_url=False):
        loc = list(item.get("loc", ()))
        if loc and loc[0] in tags:
            loc = loc[1:]
        if item.get("type") in ("union_tag_not_found", "union_tag_invalid"):
            loc = ["type"]
        path = ".".join(str(part) for part in loc)
        message = str(item.get("msg", "invalid")).removeprefix("Value error, ")
        problems.append(FieldProblem(f"{prefix}{path}" if path else prefix.rstrip("."), message))
    return problems


class RequestModel(BaseModel):
    """Base of every request body: unknown fields are refused, types are not coerced."""

    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True, defer_build=True)


class QueryModel(BaseModel):
    """Base of every query-string model: unknown parameters are refused (values arrive as text)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)


class PublicModel(BaseModel):
    """Base of every response body."""

    model_config = ConfigDict(extra="forbid", defer_build=True)


class ErrorDetail(PublicModel):
    """One problem with one field."""

    field: str
    message: str


class ErrorInfo(PublicModel):
    """What went wrong."""

    code: str = Field(description="Stable machine-readable code, e.g. validation_error, not_found, conflict.")
    message: str
    details: list[ErrorDetail] = Field(default_factory=list)


class ErrorResponse(PublicModel):
    """The body of every 4xx and 5xx response."""

    error: ErrorInfo


class PageQuery(QueryModel):
    """Paging parameters of every listing."""

    limit: int = Field(default=50, ge=1, le=100)
    cursor: str | None = Field(default=None, max_length=2048)


class HealthResponse(PublicModel):
    """The service is up."""

    status: str
