"""Chalice's local API Gateway, answering its own refusals the way the deployed gateway is set up to."""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler
from typing import Any

from chalice import Chalice
from chalice.config import Config
from chalice.local import (
    ChaliceRequestHandler,
    CustomLocalChalice,
    ForbiddenError,
    LocalChalice,
    LocalGateway,
    LocalGatewayException,
    NotAuthorizedError,
    ThreadedHTTPServer,
)

from chalicelib.api.gateway_responses import GATEWAY_RESPONSES
from devstack.static import StaticFiles


def _answer(error: LocalGatewayException) -> dict[str, Any]:
    if isinstance(error, NotAuthorizedError):
        answer = GATEWAY_RESPONSES["UNAUTHORIZED"]
    elif isinstance(error, ForbiddenError) and b"Missing Authentication Token" in (error.body or b""):
        answer = GATEWAY_RESPONSES["MISSING_AUTHENTICATION_TOKEN"]
    elif isinstance(error, ForbiddenError):
        # Chalice answers an unknown path that carries an Authorization header this way.
        answer = GATEWAY_RESPONSES["MISSING_AUTHENTICATION_TOKEN"]
    else:
        answer = GATEWAY_RESPONSES["DEFAULT_5XX"]
    return {
        "statusCode": answer.status,
        "headers": {"Content-Type": "application/json"},
        "multiValueHeaders": {},
        "body": answer.body(),
    }


class TpbisGateway(LocalGateway):
    """LocalGateway whose gateway-level refusals use the deployed Gateway Responses, and whose events
    carry the client's address where API Gateway puts it (requestContext.identity.sourceIp)."""

    source_ip = "127.0.0.1"

    def _generate_lambda_event(self, method: str, path: str, headers: Any, body: bytes | None) -> Any:
        event = super()._generate_lambda_event(method, path, headers, body)
        event["requestContext"]["identity"]["sourceIp"] = self.source_ip
        return event

    def handle_request(self, method: str, path: str, headers: dict[str, Any], body: bytes | None) -> dict[str, Any]:
        try:
            return super().handle_request(method, path, headers, body)  # type: ignore[no-any-return]
        except LocalGatewayException as error:
            return _answer(error)


def make_thread_safe(app: Chalice) -> Chalice:
    """Give the app a thread-local current_request, as `chalice local` does (idempotent)."""
    if not isinstance(app, LocalChalice):
        CustomLocalChalice.__bases__ = (LocalChalice, app.__class__)
        app.__class__ = CustomLocalChalice
    return app


def make_gateway(app: Chalice) -> TpbisGateway:
    """A gateway over the app, safe to call from many threads."""
    return TpbisGateway(make_thread_safe(app), Config.create())


class RequestHandler(StaticFiles, ChaliceRequestHandler):
    """The local server's request handler, using TpbisGateway; the web app is served beside /v1."""

    def __init__(self, request: Any, client_address: Any, server: Any, app_object: Chalice, config: Config) -> None:
        self.local_gateway = TpbisGateway(app_object, config)
        self.local_gateway.source_ip = str(client_address[0])
        BaseHTTPRequestHandler.__init__(self, request, client_address, server)

    def log_message(self, format: str, *args: Any) -> None:
        """Request lines are logged by the app itself (structured); keep stderr quiet."""


class Server(ThreadedHTTPServer):
    """Chalice's threaded local server with a listen backlog for many phones at once: the stdlib's
    default of 5 pending connections reset clients when 50 connected together (make load)."""

    request_queue_size = 128
