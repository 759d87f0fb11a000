"""Every declared route, once: its spec (`Endpoint`, filled by `endpoint()`), and from the specs the
table of which role may call which route. The authorizer's policy and the view's own role check both
read that table, so a route's roles are written in one place, its `endpoint(..., roles=...)`."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Required, TypedDict

from pydantic import BaseModel

from chalicelib.domain.principal import Principal, Role


@dataclass(frozen=True)
class Endpoint:
    """One route as declared: what the handler does with a request, and what the OpenAPI spec says.

    `roles` empty means any authenticated key (the service then holds the finer rule); `parse_body`
    replaces model validation for bodies that need it, `body_doc` is then the schema documented."""

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
    parse_body: Callable[[Any], Any] | None = None

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


class RouteOptions(TypedDict, total=False):
    """An `Endpoint`'s fields past its method and path, as `endpoint(bp, path, method, **options)` takes them."""

    summary: Required[str]
    tag: Required[str]
    responses: Required[dict[int, type[BaseModel] | None]]
    body: type[BaseModel] | None
    query: type[BaseModel] | None
    public: bool
    body_doc: Any
    description: str
    roles: tuple[Role, ...]
    parse_body: Callable[[Any], Any] | None


ENDPOINTS: list[Endpoint] = []
_PATH_PARAMETER = re.compile(r"\{[^}]+\}")


def resource(endpoint: Endpoint) -> str:
    """The route as the tail of an execute-api ARN: `GET/v1/villages/*` (a path parameter is `*`)."""
    return f"{endpoint.method}/{_PATH_PARAMETER.sub('*', endpoint.path).lstrip('/')}"


def resources_of(role: Role | None) -> list[str]:
    """The routes a key of `role` may call, as ARN tails; `None`: every route behind the authorizer."""
    protected = (e for e in ENDPOINTS if not e.public)
    return sorted({resource(e) for e in protected if role is None or e.allows(role)})
