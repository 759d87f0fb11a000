"""How every route is declared: one decorator that authenticates, parses, calls, renders and documents.

Views stay thin: they receive the caller (`principal`), the parsed body (`body`) and query
(`query`) as typed objects, call one service, and return a response model or a `Reply`. Most are
declared through `Routes` (`@routes.get(path, summary, roles=...)`), which reads the models from the
view's signature and the route's description from its docstring; `endpoint()` takes everything spelled out.
"""

from __future__ import annotations

import functools
import json
import math
import re
import time
import typing
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar, Unpack
from urllib.parse import unquote

from chalice.app import Blueprint, Response

from chalicelib.api import cursors
from chalicelib.api.auth import bearer_auth, principal_from_context
from chalicelib.api.errors import from_exception
from chalicelib.api.routes import ENDPOINTS, Endpoint, ModelRef, Options, RouteOptions
from chalicelib.errors import FieldProblem, InvalidInputError, MalformedRequestError, NotFoundError
from chalicelib.lazy import lazy_import
from chalicelib.observability import log_request, logger, span

if TYPE_CHECKING:  # pydantic and the schemas load with the first request that validates or renders a model
    import pydantic

    from chalicelib.schemas import common as common_schema
else:
    pydantic = lazy_import("pydantic")
    common_schema = lazy_import("chalicelib.schemas.common")


@dataclass(frozen=True)
class Reply:
    """A view's answer when the status is not the route's default, or there is no body."""

    status: int
    body: pydantic.BaseModel | None = None
    headers: dict[str, str] = field(default_factory=dict)


MAX_DEPTH = 32  # objects and arrays inside each other; the deepest request body of the API has 4
MAX_DIGITS = 4300  # of a whole number: Python's own limit for reading one (sys.int_info.default_max_str_digits)
# A string, or its unterminated rest up to the end: every quote starts a match, so the scan stays linear.
_STRINGS = re.compile(r'(?s)"(?:[^"\\]++|\\.)*+(?:"|\\?\Z)')
_NOT_BRACKETS = re.compile(r"[^\[\]{}]+")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
# A body-less route ignores the content type; a form or text type is not refused there (browsers, curl -d).
BODYLESS_CONTENT_TYPES = ["application/json", "application/x-www-form-urlencoded", "multipart/form-data", "text/plain"]


def _too_deep(text: str) -> bool:
    """Whether JSON text nests objects and arrays deeper than MAX_DEPTH (strings skipped), checked
    before parsing: the parser's recursion would otherwise end in a RecursionError."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return False
    depth = 0  # strings and everything but brackets removed at C speed; a loop over the brackets left
    for char in _NOT_BRACKETS.sub("", _STRINGS.sub("", text)):
        depth += 1 if char in "[{" else -1
        if depth > MAX_DEPTH:
            return True
    return False


def _malformed(message: str) -> MalformedRequestError:
    """The 400 of a body that is not readable JSON, saying why."""
    return MalformedRequestError(message, code="malformed_json")


def _no_constant(name: str) -> Any:
    """NaN, Infinity and -Infinity: Python's parser reads them, JSON has no such numbers."""
    raise _malformed(f"the request body contains {name}, which is not a JSON number")


def _whole_number(text: str) -> int:
    """A whole number of at most MAX_DIGITS digits (no field of the API comes near: a longer one is refused
    as unreadable, not as a field out of range)."""
    digits = len(text.lstrip("-"))
    if digits > MAX_DIGITS:
        raise _malformed(f"the request body has a number of {digits} digits, too long to read (at most {MAX_DIGITS})")
    return int(text)


def _finite_number(text: str) -> float:
    """A decimal number that a float holds (1e400 would be read as infinity)."""
    number = float(text)
    if math.isinf(number):
        raise _malformed(f"the request body has a number too large to read: {text[:32]}")
    return number


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object, each name once: a repeated name would silently keep only its last value."""
    value = dict(pairs)
    if len(value) < len(pairs):
        repeated = next(name for name, count in Counter(name for name, _ in pairs).items() if count > 1)
        raise _malformed(f"the request body names {json.dumps(repeated)[:80]} twice in one object")
    return value


def parse_json(raw: bytes | str | None, *, required: bool = False) -> Any:
    """The JSON value of a request body. An empty body is an empty object, or a 400 when the route
    needs a body; unreadable JSON (bad syntax, not UTF-8, too deep, a lone surrogate, NaN or Infinity,
    a name twice in one object, a number too long to read) is a 400."""
    if not raw or not raw.strip():
        if required:
            raise MalformedRequestError("the request needs a JSON body", code="empty_body")
        return {}
    try:
        text = raw.decode() if isinstance(raw, bytes) else raw
        if _too_deep(text):
            raise _malformed(f"the request body nests deeper than {MAX_DEPTH} levels")
        value = json.loads(
            text,
            parse_constant=_no_constant,
            parse_int=_whole_number,
            parse_float=_finite_number,
            object_pairs_hook=_object,
        )
        if _SURROGATE_ESCAPE.search(text):  # a lone surrogate (\ud800) cannot be text; a pair can
            json.dumps(value, ensure_ascii=False).encode()
    except (ValueError, UnicodeError) as exc:
        raise _malformed("the request body is not valid JSON") from exc
    return value


def _needs_body(spec: Endpoint) -> bool:
    """A replacement (PUT) or a change (PATCH) needs a body; another route's body may be left out when
    its model has no required field."""
    model = spec.body_model
    if spec.method in ("PUT", "PATCH") or model is None:
        return True
    return any(info.is_required() for info in model.model_fields.values())


def path_values(path_params: dict[str, str]) -> dict[str, str]:
    """The path parameters, decoded. An empty or blank one names nothing: 404, never a storage key."""
    values = {name: unquote(value) for name, value in path_params.items()}
    for name, value in values.items():
        if not value.strip():
            raise NotFoundError(f"nothing found: the {name} in the path is empty")
    return values


def validate(model: type[pydantic.BaseModel], value: Any, *, prefix: str = "") -> Any:
    """`value` (decoded JSON) validated as `model`, strictly (as JSON input: dates from text, no coercion)."""
    if not isinstance(value, dict):
        raise InvalidInputError(
            "the request body must be a JSON object", details=[FieldProblem(prefix.rstrip("."), "expected an object")]
        )
    try:
        return model.model_validate_json(json.dumps(value))
    except pydantic.ValidationError as exc:
        raise InvalidInputError("the request is not valid", details=common_schema.problems_of(exc, prefix)) from exc


def parse_query(model: type[pydantic.BaseModel], params: Any) -> Any:
    """The query string validated as `model` (a repeated parameter counts with its last value)."""
    try:
        return model.model_validate({name: params[name] for name in params or {}})
    except pydantic.ValidationError as exc:
        raise InvalidInputError("the query parameters are not valid", details=common_schema.problems_of(exc)) from exc


def _paged(model: type[pydantic.BaseModel], params: Any, route: str, kwargs: dict[str, Any]) -> tuple[Any, str]:
    """The query validated; for a listing (a model with a cursor) also the listing its cursors are bound
    to, and the client's cursor replaced by the storage cursor it carries once its signature is checked."""
    parsed = parse_query(model, params)
    if "cursor" not in type(parsed).model_fields:
        return parsed, ""
    principal = kwargs.get("principal")
    bound_to = cursors.listing(
        route=route,
        tenant=(principal.tenant_id or "national") if principal is not None else "",
        path_params={k: v for k, v in kwargs.items() if k != "principal"},
        filters=parsed.model_dump(mode="json", by_alias=True, exclude={"cursor", "limit"}),
    )
    if parsed.cursor:
        parsed = parsed.model_copy(update={"cursor": cursors.verify(parsed.cursor, bound_to=bound_to)})
    return parsed, bound_to


def _signed(result: Any, bound_to: str) -> Any:
    """A listing's page with its next cursor signed for the listing it came from."""
    if not bound_to:
        return result
    page = result.body if isinstance(result, Reply) else result
    inner = getattr(page, "next_cursor", None)
    if isinstance(page, pydantic.BaseModel) and isinstance(inner, str) and inner:
        signed = page.model_copy(update={"next_cursor": cursors.sign(inner, bound_to=bound_to)})
        return Reply(result.status, signed, result.headers) if isinstance(result, Reply) else signed
    return result


def render(result: Any, status: int) -> Response:
    """A view's return value as a JSON response."""
    if isinstance(result, Response):
        return result
    headers: dict[str, str | list[str]] = {}
    if isinstance(result, Reply):
        status, headers, result = result.status, dict(result.headers), result.body
    if result is None:
        return Response(body="", status_code=status, headers=headers)
    body = result.model_dump_json() if isinstance(result, pydantic.BaseModel) else json.dumps(result)
    return Response(body=body, status_code=status, headers={"Content-Type": "application/json", **headers})


def endpoint(
    bp: Blueprint, path: str, method: str = "GET", **options: Unpack[RouteOptions]
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare a route (its spec, `Endpoint`, written once). The view gets `principal` (unless public),
    `body`, `query` and the path parameters.

    `parse_body` replaces model validation for bodies that need it (a batch validated item by item);
    `body_doc` is then the schema documented for the body. `roles`, when given, are what the authorizer's
    policy allows and are checked again before the body is read (a caller without the role gets 403
    whatever it sent); services check them too.
    """
    spec = Endpoint(method=method, path=path, **options)
    if spec.body_doc is None:
        spec = replace(spec, body_doc=spec.body)

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        ENDPOINTS.append(spec)
        handler = _handler(bp, spec, view)
        content_types = ["application/json"] if spec.reads_body else BODYLESS_CONTENT_TYPES
        bp.route(path, methods=[method], authorizer=None if spec.public else bearer_auth, content_types=content_types)(
            handler
        )
        return view

    return decorate


View: TypeAlias = Callable[[Callable[..., Any]], Callable[..., Any]]
Item = TypeVar("Item")
PageModel = TypeVar("PageModel")
SIGNED: Any = object()  # a model not given: the one the view's signature names


def _named(view: Callable[..., Any], name: str) -> ModelRef:
    """The model the view's signature gives `name` (a parameter, or "return"), resolved when first needed."""

    @functools.cache
    def model() -> type[pydantic.BaseModel]:
        hinted: type[pydantic.BaseModel] = typing.get_type_hints(view)[name]
        return hinted

    return model


class Routes:
    """The routes of one blueprint under one OpenAPI tag, each declared in a line or two:
    `@routes.get(path, summary)`. The models are those of the view's signature (its `body` and `query`
    parameters and what it returns) unless given: `answer` for a view that returns a `Reply` (`None`:
    no body), `status` the answer's status; the other options are `endpoint()`'s. The view's docstring
    after its first line, when it has more, is the route's description for clients."""

    def __init__(self, bp: Blueprint, tag: str) -> None:
        self.bp, self.tag = bp, tag

    def get(self, path: str, summary: str, answer: ModelRef | None = SIGNED, **options: Unpack[Options]) -> View:
        """A read."""
        return self.declare("GET", path, summary, 200, answer, options)

    def post(
        self, path: str, summary: str, answer: ModelRef | None = SIGNED, status: int = 200, **options: Unpack[Options]
    ) -> View:
        """An action, or (`status` 201) a creation."""
        return self.declare("POST", path, summary, status, answer, options)

    def put(self, path: str, summary: str, answer: ModelRef | None = SIGNED, **options: Unpack[Options]) -> View:
        """A replacement."""
        return self.declare("PUT", path, summary, 200, answer, options)

    def patch(self, path: str, summary: str, answer: ModelRef | None = SIGNED, **options: Unpack[Options]) -> View:
        """A change of the fields sent."""
        return self.declare("PATCH", path, summary, 200, answer, options)

    def delete(
        self, path: str, summary: str, answer: ModelRef | None = SIGNED, status: int = 200, **options: Unpack[Options]
    ) -> View:
        """A removal (`status` 204 without a body)."""
        return self.declare("DELETE", path, summary, status, answer, options)

    def declare(
        self, method: str, path: str, summary: str, status: int, answer: ModelRef | None, options: Options
    ) -> View:
        """Any route of the blueprint with one answer."""

        def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
            code = view.__code__
            takes = code.co_varnames[: code.co_argcount + code.co_kwonlyargcount]
            signed = Options(**options)
            if "query" in takes and "query" not in signed:
                signed["query"] = _named(view, "query")
            if "body" in takes and "body" not in signed and "parse_body" not in signed:
                signed["body"] = _named(view, "body")
            _, _, more = (view.__doc__ or "").partition("\n\n")
            if more.strip() and "description" not in signed:
                signed["description"] = " ".join(more.split())
            model = _named(view, "return") if answer is SIGNED else answer
            declared = endpoint(
                self.bp, path, method, summary=summary, tag=self.tag, responses={status: model}, **signed
            )
            return declared(view)

        return decorate


def page_of(
    page: Callable[..., PageModel], item: Callable[[Item], Any], listed: tuple[Iterable[Item], str | None]
) -> PageModel:
    """A listing's page model from a service's `(items, next storage cursor)`, each item rendered by `item`."""
    items, cursor = listed
    return page(items=[item(i) for i in items], next_cursor=cursor)


def _handler(bp: Blueprint, spec: Endpoint, view: Callable[..., Any]) -> Callable[..., Response]:
    """The Chalice view of a declared route: authenticate, parse, call, render, trace and log."""
    default_status = min(spec.responses)
    name = f"{spec.method} {spec.path}"

    def handler(**path_params: str) -> Response:
        request = bp.current_request
        started = time.perf_counter()
        with span(name) as trace:
            try:
                kwargs: dict[str, Any] = {}
                if not spec.public:
                    kwargs["principal"] = principal = principal_from_context(request.context)
                    tenant = principal.tenant_id or "national"
                    logger.append_keys(tenant_id=tenant, key_id=principal.key_id)
                    trace.put_annotation("tenant_id", tenant)
                    spec.require(principal)
                kwargs.update(path_values(path_params))
                if spec.reads_body:
                    model = spec.body_model
                    raw = parse_json(request.raw_body, required=_needs_body(spec))
                    if spec.parse_body is not None:
                        kwargs["body"] = spec.parse_body(raw)
                    elif model is not None:
                        kwargs["body"] = validate(model, raw)
                bound_to = ""
                if spec.query is not None:
                    kwargs["query"], bound_to = _paged(spec.query(), request.query_params, spec.path, kwargs)
                elif request.query_params:
                    raise InvalidInputError(
                        "this route takes no query parameters",
                        details=[FieldProblem(key, "unknown parameter") for key in request.query_params],
                    )
                response = render(_signed(view(**kwargs), bound_to), default_status)
            except Exception as exc:  # every failure leaves in the error shape
                response = from_exception(exc)
            trace.put_annotation("status", response.status_code)
            if response.status_code >= 500:
                trace.add_fault_flag()
            elif response.status_code >= 400:
                trace.add_error_flag()
        log_request(spec.method, spec.path, response.status_code, started)
        return response

    handler.__name__ = view.__name__
    handler.__doc__ = view.__doc__.partition("\n\n")[0] if view.__doc__ else None  # the rest: the API's description
    return handler
