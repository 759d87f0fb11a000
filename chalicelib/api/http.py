"""How every route is declared: one decorator that authenticates, parses, calls, renders and documents.

Views stay thin: they receive the caller (`principal`), the parsed body (`body`) and query
(`query`) as typed objects, call one service, and return a response model or a `Reply`.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from chalice.app import Blueprint, Response
from pydantic import BaseModel, ValidationError

from chalicelib.api import cursors
from chalicelib.api.auth import bearer_auth, principal_from_context
from chalicelib.api.errors import from_exception
from chalicelib.domain.principal import Role
from chalicelib.errors import FieldProblem, InvalidInputError, MalformedRequestError
from chalicelib.observability import logger, span
from chalicelib.schemas.common import problems_of


@dataclass(frozen=True)
class Reply:
    """A view's answer when the status is not the route's default, or there is no body."""

    status: int
    body: BaseModel | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Endpoint:
    """What the OpenAPI spec needs to know about one route."""

    method: str
    path: str
    summary: str
    tag: str
    responses: dict[int, type[BaseModel] | None]
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    public: bool = False
    body_doc: type[BaseModel] | Any | None = None
    description: str = ""
    roles: tuple[Role, ...] = ()


ENDPOINTS: list[Endpoint] = []


MAX_DEPTH = 32  # objects and arrays inside each other; the deepest request body of the API has 4
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')
# A body-less route ignores the content type; a form or text type is not refused there (browsers, curl -d).
BODYLESS_CONTENT_TYPES = ["application/json", "application/x-www-form-urlencoded", "multipart/form-data", "text/plain"]


def _too_deep(text: str) -> bool:
    """Whether JSON text nests objects and arrays deeper than MAX_DEPTH (strings skipped), checked
    before parsing: the parser's recursion would otherwise end in a RecursionError."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return False
    depth = 0
    for token in _TOKENS.finditer(text):
        char = token.group()
        if char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return True
        elif char in "]}":
            depth -= 1
    return False


def parse_json(raw: bytes | str | None, *, required: bool = False) -> Any:
    """The JSON value of a request body. An empty body is an empty object, or a 400 when the route
    needs a body; unreadable JSON (bad syntax, not UTF-8, too deep, a lone surrogate) is a 400."""
    if not raw or not raw.strip():
        if required:
            raise MalformedRequestError("the request needs a JSON body", code="empty_body")
        return {}
    try:
        text = raw.decode() if isinstance(raw, bytes) else raw
        if _too_deep(text):
            raise MalformedRequestError(f"the request body nests deeper than {MAX_DEPTH} levels", code="malformed_json")
        value = json.loads(text)
        json.dumps(value, ensure_ascii=False).encode()  # a lone surrogate (\ud800) cannot be text
    except (ValueError, UnicodeError) as exc:
        raise MalformedRequestError("the request body is not valid JSON", code="malformed_json") from exc
    return value


def _needs_body(model: type[BaseModel] | None) -> bool:
    """A body is required unless the route's model has no required field (then it may be left out)."""
    return model is None or any(info.is_required() for info in model.model_fields.values())


def validate(model: type[BaseModel], value: Any, *, prefix: str = "") -> Any:
    """`value` (decoded JSON) validated as `model`, strictly (as JSON input: dates from text, no coercion)."""
    if not isinstance(value, dict):
        raise InvalidInputError(
            "the request body must be a JSON object", details=[FieldProblem(prefix.rstrip("."), "expected an object")]
        )
    try:
        return model.model_validate_json(json.dumps(value))
    except ValidationError as exc:
        raise InvalidInputError("the request is not valid", details=problems_of(exc, prefix)) from exc


def parse_query(model: type[BaseModel], params: Any) -> Any:
    """The query string validated as `model` (a repeated parameter counts with its last value)."""
    try:
        return model.model_validate({name: params[name] for name in params or {}})
    except ValidationError as exc:
        raise InvalidInputError("the query parameters are not valid", details=problems_of(exc)) from exc


def _paged(model: type[BaseModel], params: Any, route: str, kwargs: dict[str, Any]) -> tuple[Any, str]:
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
    if isinstance(page, BaseModel) and isinstance(inner, str) and inner:
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
    body = result.model_dump_json() if isinstance(result, BaseModel) else json.dumps(result)
    return Response(body=body, status_code=status, headers={"Content-Type": "application/json", **headers})


def endpoint(
    bp: Blueprint,
    path: str,
    method: str = "GET",
    *,
    summary: str,
    tag: str,
    responses: dict[int, type[BaseModel] | None],
    body: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    public: bool = False,
    parse_body: Callable[[Any], Any] | None = None,
    body_doc: Any = None,
    description: str = "",
    roles: tuple[Role, ...] = (),
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare a route. The view gets `principal` (unless public), `body`, `query` and the path parameters.

    `parse_body` replaces model validation for bodies that need it (a batch validated item by item);
    `body_doc` is then the schema documented for the body. `roles`, when given, are checked before the
    body is read (a caller without the role gets 403 whatever it sent); services check them too.
    """
    default_status = min(responses)

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        ENDPOINTS.append(
            Endpoint(method, path, summary, tag, responses, body, query, public, body_doc or body, description, roles)
        )

        def handler(**path_params: str) -> Response:
            request = bp.current_request
            started = time.perf_counter()
            with span(f"{method} {path}") as trace:
                try:
                    kwargs: dict[str, Any] = {name: unquote(value) for name, value in path_params.items()}
                    if not public:
                        kwargs["principal"] = principal = principal_from_context(request.context)
                        tenant = principal.tenant_id or "national"
                        logger.append_keys(tenant_id=tenant, key_id=principal.key_id)
                        trace.put_annotation("tenant_id", tenant)
                        if roles:
                            principal.require(*roles)
                    if body is not None or parse_body is not None:
                        raw = parse_json(request.raw_body, required=_needs_body(body))
                        kwargs["body"] = parse_body(raw) if parse_body else validate(body, raw)  # type: ignore[arg-type]
                    bound_to = ""
                    if query is not None:
                        kwargs["query"], bound_to = _paged(query, request.query_params, path, kwargs)
                    elif request.query_params:
                        raise InvalidInputError(
                            "this route takes no query parameters",
                            details=[FieldProblem(name, "unknown parameter") for name in request.query_params],
                        )
                    response = render(_signed(view(**kwargs), bound_to), default_status)
                except Exception as exc:  # every failure leaves in the error shape
                    response = from_exception(exc)
                trace.put_annotation("status", response.status_code)
                if response.status_code >= 500:
                    trace.add_fault_flag()
                elif response.status_code >= 400:
                    trace.add_error_flag()
            logger.info(
                "request",
                extra={
                    "method": method,
                    "route": path,
                    "status": response.status_code,
                    "ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            return response

        handler.__name__ = view.__name__
        handler.__doc__ = view.__doc__
        content_types = ["application/json"] if body is not None or parse_body is not None else BODYLESS_CONTENT_TYPES
        bp.route(path, methods=[method], authorizer=None if public else bearer_auth, content_types=content_types)(
            handler
        )
        return view

    return decorate
