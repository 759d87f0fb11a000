"""Every declared route, once: its spec (`Endpoint`, filled by `endpoint()`), and from the specs the
table of which role may call which route. The authorizer's policy and the view's own role check both
read that table, so a route's roles are written in one place, its declaration (`roles=...`).

A route names its models through a `ModelRef` (`lambda: schema.VillagePut`, or the view's signature
when declared through `http.Routes`): the schema modules, and pydantic with them, load on the first
request that needs them (or the OpenAPI document), not at cold start."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Required, TypeAlias, TypedDict

from chalicelib.domain.principal import Principal, Role

if TYPE_CHECKING:
    from pydantic import BaseModel

ModelRef: TypeAlias = "Callable[[], type[BaseModel]]"
"""A request or response model, named without importing it: called when the model is first needed."""


@dataclass(frozen=True)
class Endpoint:
    """One route as declared: what the handler does with a request, and what the OpenAPI spec says.

        `roles` empty means any authenticated key (the service then holds the finer rule); `parse_body`
        replaces model validation for bodies that need it, `body_doc` is then the schema documented. Models
    are given as `ModelRef`s; `response_models` and `body_model` are what they name."""

    method: str
    path: str
    summary: str
    tag: str
    responses: dict[int, ModelRef | None]
    body: ModelRef | None = None
    query: ModelRef | None = None
    public: bool = False
    body_doc: Callable[[], Any] | None = None
    description: str = ""
    roles: tuple[Role, ...] = ()
    parse_body: Callable[[Any], Any] | None = None

    @property
    def body_model(self) -> type[BaseModel] | None:
        """The model the body is validated as (imported now, if it was not yet)."""
        return None if self.body is None else self.body()

    @property
    def query_model(self) -> type[BaseModel] | None:
        """The model the query string is validated as."""
        return None if self.query is None else self.query()

    @property
    def response_models(self) -> dict[int, type[BaseModel] | None]:
        """Each documented status with its body model (`None`: no body)."""
        return {status: None if ref is None else ref() for status, ref in self.responses.items()}

    @property
    def reads_body(self) -> bool:
        """Whether the route takes a request body."""
        return self.body is not None or self.parse_body is not None

    def allows(self, role: Role) -> bool:
        """Whether a key of `role` may call this route (public routes are not the authorizer's)."""
        return not self.public and (not self.roles or role in self.roles)

    def require(self, principal: Principal) -> None:
        """The view's own check (the second line behind the authorizer): 403 for a role not allowed."""
        if self.roles:
            principal.require(*self.roles)


class Options(TypedDict, total=False):
    """An `Endpoint`'s optional fields, as the declaring functions take them."""

    body: ModelRef | None
    query: ModelRef | None
    public: bool
    body_doc: Callable[[], Any] | None
    description: str
    roles: tuple[Role, ...]
    parse_body: Callable[[Any], Any] | None


class RouteOptions(Options, total=False):
    """An `Endpoint`'s fields past its method and path, as `endpoint(bp, path, method, **options)` takes them."""

    summary: Required[str]
    tag: Required[str]
    responses: Required[dict[int, ModelRef | None]]


ENDPOINTS: list[Endpoint] = []
_PATH_PARAMETER = re.compile(r"\{[^}]+\}")


def resource(endpoint: Endpoint) -> str:
    """The route as the tail of an execute-api ARN: `GET/v1/villages/*` (a path parameter is `*`)."""
    return f"{endpoint.method}/{_PATH_PARAMETER.sub('*', endpoint.path).lstrip('/')}"


def resources_of(role: Role | None) -> list[str]:
    """The routes a key of `role` may call, as ARN tails; `None`: every route behind the authorizer."""
    protected = (e for e in ENDPOINTS if not e.public)
    return sorted({resource(e) for e in protected if role is None or e.allows(role)})
