"""Shapes shared by every area: the error body, paging, and the base models."""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import date, datetime
from typing import Annotated, Any, ClassVar, Generic, Protocol, Self, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_serializer,
)
from pydantic_core import PydanticCustomError

from chalicelib import areas
from chalicelib.domain.reports import EARLIEST_DATE
from chalicelib.errors import FieldProblem

# Text is text: C0 and C1 control characters (NUL, ESC...), DEL, the line and paragraph separators and
# the bidirectional embeddings, overrides and isolates (which make text display as something else).
_NOT_TEXT = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_NOT_TEXT_MULTILINE = re.compile(r"[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_NIK = re.compile(r"\d{16}")


def text_problem(value: str, *, multiline: bool = False) -> str | None:
    """Why `value` is not plain text (a control or bidirectional-override character), if it is not;
    line breaks are text where `multiline`."""
    found = (_NOT_TEXT_MULTILINE if multiline else _NOT_TEXT).search(value)
    if found is None:
        return None
    allowed = " outside line breaks" if multiline else ""
    return f"must not contain control or bidirectional characters{allowed} (found U+{ord(found.group()):04X})"


def no_id_numbers(value: str | None) -> str | None:
    """Free text may not carry a 16-digit number (the shape of an Indonesian NIK), spaces and dashes ignored."""
    if value is not None and _NIK.search(value.replace(" ", "").replace("-", "")):
        raise PydanticCustomError("personal_id_number", "must not contain personal ID numbers")
    return value


NoIdNumbers = AfterValidator(no_id_numbers)


def not_too_early(value: date) -> date:
    """No day the programme records (a report, a commitment's) is before EARLIEST_DATE (2010-01-01)."""
    if value < EARLIEST_DATE:
        raise PydanticCustomError("too_early", "must not be before {first}", {"first": EARLIEST_DATE.isoformat()})
    return value


def before(other: str) -> PydanticCustomError:
    """The refusal of a value that precedes the field `other` it may not precede (code `before`)."""
    return PydanticCustomError("before", "must not be before {other}", {"other": other})


PersonalText = Annotated[str, NoIdNumbers]


_PATTERNS: dict[str, tuple[str, str]] = {}


def described(pattern: str, what: str, name: str) -> str:
    """A field's pattern, registered with what it stands for: a value that does not match is told that it
    must be `what`, not shown the regular expression (and a client told the format's `name`)."""
    _PATTERNS[pattern] = (what, name)
    return pattern


described(areas.VILLAGE_CODE_PATTERN, "a Kemendagri village code such as 33.15.01.2001", "village_code")
# A link (a news item, evidence of a commitment): village and office sites still often serve plain http.
WEB_ADDRESS = described(r"^https?://\S+$", "a web address starting with http:// or https://", "url")
described(areas.REGENCY_CODE_PATTERN, "a Kemendagri regency code such as 33.15", "regency_code")


def _as_text_bound(item: Any) -> Any:
    """A length error on text as pydantic words it for text: optional text (`Text | None`) is bounded as a
    sequence ("at most 2000 items"), but it is counted in characters."""
    kind, ctx = item.get("type"), item.get("ctx") or {}
    if kind not in ("too_long", "too_short") or not isinstance(item.get("input"), str):
        return item
    most = kind == "too_long"
    limit = ctx.get("max_length" if most else "min_length")
    said = f"String should have at {'most' if most else 'least'} {limit} characters"
    return {**item, "type": f"string_{kind}", "msg": said}


def _message(item: Any, tags: Collection[str]) -> str:
    kind, ctx = item.get("type"), item.get("ctx") or {}
    if kind == "union_tag_not_found":
        return f"required: one of {', '.join(tags)}" if tags else "required"
    if kind == "union_tag_invalid":
        return f"must be one of {', '.join(tags)}" if tags else "not one of the expected values"
    if kind == "string_pattern_mismatch" and ctx.get("pattern") in _PATTERNS:
        return f"must be {_PATTERNS[ctx['pattern']][0]}"
    return str(item.get("msg", "invalid")).removeprefix("Value error, ")


# pydantic's error types -> the detail's code, and the context entries its wording needs (renamed).
_CODES: dict[str, tuple[str, dict[str, str]]] = {
    "missing": ("required", {}),
    "extra_forbidden": ("unknown_field", {}),
    "string_too_short": ("too_short", {"min_length": "min"}),
    "string_too_long": ("too_long", {"max_length": "max"}),
    "too_short": ("too_few", {"min_length": "min"}),
    "too_long": ("too_many", {"max_length": "max"}),
    "greater_than_equal": ("at_least", {"ge": "limit"}),
    "greater_than": ("above", {"gt": "limit"}),
    "less_than_equal": ("at_most", {"le": "limit"}),
    "less_than": ("below", {"lt": "limit"}),
    **dict.fromkeys(("int_type", "int_parsing", "int_from_float"), ("whole_number", {})),
    **dict.fromkeys(("float_type", "float_parsing", "decimal_type", "decimal_parsing"), ("number", {})),
    "string_type": ("text", {}),
    **dict.fromkeys(("bool_type", "bool_parsing"), ("yes_or_no", {})),
    "list_type": ("list", {}),
    **dict.fromkeys(("dict_type", "model_type", "model_attributes_type"), ("object", {})),
    **dict.fromkeys(
        ("date_type", "date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact"), ("date", {})
    ),
    **dict.fromkeys(
        ("datetime_type", "datetime_parsing", "datetime_from_date_parsing", "datetime_range"), ("datetime", {})
    ),
    **dict.fromkeys(("literal_error", "enum"), ("one_of", {"expected": "expected"})),
    **dict.fromkeys(("uuid_type", "uuid_parsing"), ("format", {})),
    # this package's own (PydanticCustomError): their context is their wording's
    **{
        own: (own, {})
        for own in (
            "personal_id_number",
            "too_early",
            "in_future",
            "too_far_ahead",
            "before",
            "one_of",
            "at_least",
            "parts_exceed_total",
            "not_plain_text",
        )
    },
}


def _code(item: Any, tags: Collection[str]) -> tuple[str | None, dict[str, Any] | None]:
    """The detail's code and params for one pydantic error (None for a message of its own)."""
    kind, ctx = item.get("type"), item.get("ctx") or {}
    if kind in ("union_tag_not_found", "union_tag_invalid"):
        return ("one_of", {"expected": ", ".join(tags)}) if tags else ("required", None)
    if kind == "string_pattern_mismatch":
        named = _PATTERNS.get(str(ctx.get("pattern")))
        return "format", {"format": named[1]} if named else None
    if kind == "string_too_short" and ctx.get("min_length") == 1:
        return "required", None
    if str(kind).endswith("_type") and "input" in item and item["input"] is None:  # null for a value: none given
        return "required", None
    if kind not in _CODES:
        return None, None
    code, wanted = _CODES[kind]
    own = code == kind
    params = {(k if own else wanted[k]): _plain(v) for k, v in ctx.items() if own or k in wanted}
    return code, params or None


def _plain(value: Any) -> Any:
    """A context value as JSON carries it."""
    return value if isinstance(value, str | int | float | bool) else str(value)


def problems_of(error: ValidationError, prefix: str = "", tags: Collection[str] = ()) -> list[FieldProblem]:
    """Field problems from a pydantic validation error (`field` as a dotted path, a message a person can
    act on). `tags` are the discriminator values of a tagged union: pydantic puts them first in the path;
    they are dropped."""
    problems = []
    for item in map(_as_text_bound, error.errors(include_url=False)):
        loc = list(item.get("loc", ()))
        if loc and loc[0] in tags:
            loc = loc[1:]
        if item.get("type") in ("union_tag_not_found", "union_tag_invalid"):
            loc = ["type"]
        path = ".".join(str(part) for part in loc)
        code, params = _code(item, tags)
        field = f"{prefix}{path}" if path else prefix.rstrip(".")
        problems.append(FieldProblem(field, _message(item, tags), code, params))
    return problems


class RequestModel(BaseModel):
    """Base of every request body: unknown fields are refused, types are not coerced, and every text is
    plain text (no control or bidirectional characters; line breaks only in the `multiline` fields)."""

    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True, defer_build=True)
    multiline: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="after")
    @classmethod
    def _text_is_text(cls, value: Any, info: ValidationInfo) -> Any:
        texts = (
            [value]
            if isinstance(value, str)
            else [v for v in value if isinstance(v, str)]
            if isinstance(value, list)
            else []
        )
        for text in texts:
            problem = text_problem(text, multiline=info.field_name in cls.multiline)
            if problem:
                raise PydanticCustomError("not_plain_text", problem.replace("{", "{{").replace("}", "}}"))
        return value


class QueryModel(BaseModel):
    """Base of every query-string model: unknown parameters are refused (values arrive as text)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)


class _Overlay:
    """An object's attributes, some of them given instead (or besides): what a response shows that the
    object does not hold under the response's name."""

    def __init__(self, obj: Any, given: dict[str, Any]) -> None:
        self._obj = obj
        self._given = given

    def __getattr__(self, name: str) -> Any:
        return self._given[name] if name in self._given else getattr(self._obj, name)


class PublicModel(BaseModel):
    """Base of every response body: validated from a domain object's attributes of the same names."""

    model_config = ConfigDict(extra="forbid", defer_build=True, from_attributes=True)

    @classmethod
    def read(cls, obj: Any, **given: Any) -> Self:
        """The response for a domain object (nested models read the same way); `given` are the fields
        the object does not hold under these names."""
        return cls.model_validate(_Overlay(obj, given) if given else obj)


D = TypeVar("D")


class Shows(PublicModel, Generic[D]):
    """Base of a response that shows one domain object of type D, attribute for attribute."""

    @classmethod
    def of(cls, obj: D) -> Self:
        """The response for `obj`."""
        return cls.read(obj)


class _Aging(Protocol):
    def status(self, *, now: datetime) -> Any: ...


A = TypeVar("A", bound=_Aging)


class ShowsAsOf(PublicModel, Generic[A]):
    """Base of a response that shows one domain object of type A whose status depends on the time."""

    @classmethod
    def of(cls, obj: A, *, now: datetime) -> Self:
        """The response for `obj`, its status as of `now`."""
        return cls.read(obj, status=obj.status(now=now))


class ErrorDetail(PublicModel):
    """One problem with one field."""

    field: str
    message: str
    code: str | None = Field(
        default=None,
        description="What the problem is, stable, for a client that words it itself: required, unknown_field, "
        "too_short, too_long, too_few, too_many, at_least, at_most, above, below, whole_number, number, text, "
        "yes_or_no, list, object, date, datetime, one_of, format, personal_id_number, too_early, in_future, in_past, "
        "too_far_ahead, before, parts_exceed_total, not_plain_text. Absent when only the message says it.",
    )
    params: dict[str, Any] | None = Field(
        default=None, description='What the code\'s wording needs, e.g. {"max": 80} for too_long.'
    )

    @model_serializer(mode="wrap")
    def _as_problem(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return FieldProblem(**handler(self)).as_dict()  # the error shape's one rule: code and params when there are


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
