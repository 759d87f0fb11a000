"""Chalice's local API Gateway, answering its own refusals the way the deployed gateway is set up to,
and enforcing the authorizer's policy as API Gateway does (an explicit Deny wins, else an Allow must
name the route) before the route's view runs."""

from __future__ import annotations

import contextlib
import json
from http.server import BaseHTTPRequestHandler
from typing import Any

from chalice import Chalice
from chalice.app import ChaliceAuthorizer
from chalice.config import Config
from chalice.local import (
    ARNMatcher,
    ChaliceRequestHandler,
    CustomLocalChalice,
    ForbiddenError,
    LocalChalice,
    LocalGateway,
    LocalGatewayAuthorizer,
    LocalGatewayException,
    NotAuthorizedError,
    ThreadedHTTPServer,
)

from chalicelib.api.errors import error_body
from chalicelib.api.gateway_responses import GATEWAY_RESPONSES, GatewayAnswer
from devstack.static import StaticFiles

# The methods API Gateway passes to the app; anything else (TRACE, CONNECT, made-up verbs) is 405.
SERVED_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
MAX_CHUNKED_BODY = 8 * 1_048_576  # the app refuses bodies over its own limit; this bounds the reading


class _UnreadableRequest(Exception):
    """The request's framing (Content-Length, chunks) cannot be read."""


class _Refused(LocalGatewayException):
    """The authorizer failed `Unauthorized` or its policy does not allow the route."""

    def __init__(self, response_type: str, authorizer_context: dict[str, Any]) -> None:
        super().__init__({}, b"")
        self.response_type = response_type
        self.authorizer_context = authorizer_context


def _permits(policy: dict[str, Any], arn: str) -> bool:
    """Whether an authorizer's policy lets `arn` be invoked: an explicit Deny wins, else an Allow must match."""
    matcher = ARNMatcher(arn)
    allowed = False
    for statement in policy.get("Statement", []):
        actions = statement.get("Action", [])
        resources = statement.get("Resource", [])
        if "execute-api:Invoke" not in ([actions] if isinstance(actions, str) else actions):
            continue
        if not matcher.does_any_resource_match([resources] if isinstance(resources, str) else resources):
            continue
        if statement.get("Effect") == "Deny":
            return False
        allowed = allowed or statement.get("Effect") == "Allow"
    return allowed


class PolicyAuthorizer(LocalGatewayAuthorizer):
    """Runs the route's authorizer and applies the policy it returns, as API Gateway does."""

    def authorize(self, raw_path: str, lambda_event: Any, lambda_context: Any) -> Any:
        route = self._route_for_event(lambda_event)
        if route is None or not isinstance(route.authorizer, ChaliceAuthorizer):
            return super().authorize(raw_path, lambda_event, lambda_context)
        arn = self._arn_builder.build_arn(lambda_event["requestContext"]["httpMethod"], raw_path)
        auth_event = self._prepare_authorizer_event(arn, lambda_event, lambda_context)
        try:
            result = route.authorizer(auth_event, lambda_context)
        except Exception as exc:
            if str(exc) == "Unauthorized":  # the message API Gateway turns into its UNAUTHORIZED response
                raise _Refused("UNAUTHORIZED", {}) from exc
            raise
        if not _permits(result.get("policyDocument", {}), arn):
            raise _Refused("ACCESS_DENIED", result.get("context") or {})
        return self._update_lambda_event(lambda_event, result), lambda_context


def _answer(error: LocalGatewayException) -> dict[str, Any]:
    context: dict[str, Any] = {}
    answer: GatewayAnswer
    if isinstance(error, _Refused):
        answer, context = GATEWAY_RESPONSES[error.response_type], error.authorizer_context
    elif isinstance(error, NotAuthorizedError):
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
        "body": answer.render(context),
    }


class TpbisGateway(LocalGateway):
    """LocalGateway whose gateway-level refusals use the deployed Gateway Responses, and whose events
    carry the client's address where API Gateway puts it (requestContext.identity.sourceIp)."""

    source_ip = "127.0.0.1"

    def __init__(self, app_object: Chalice, config: Config) -> None:
        super().__init__(app_object, config)
        self._authorizer = PolicyAuthorizer(app_object)

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
    """The local server's request handler, using TpbisGateway; the web app is served beside /v1. Beyond
    Chalice's: unserved methods answer 405 and the stdlib's own refusals 4xx/5xx in the JSON error shape
    (not its HTML pages), a HEAD answer has no body, and a chunked body is read."""

    # An unreadable request line is answered with a status line and headers too (not HTTP/0.9's bare body).
    default_request_version = "HTTP/1.1"

    def __init__(self, request: Any, client_address: Any, server: Any, app_object: Chalice, config: Config) -> None:
        self.local_gateway = TpbisGateway(app_object, config)
        self.local_gateway.source_ip = str(client_address[0])
        BaseHTTPRequestHandler.__init__(self, request, client_address, server)

    def __getattr__(self, name: str) -> Any:
        # http.server looks up `do_<METHOD>`; every method it does not find is answered 405.
        if name.startswith("do_"):
            return self._not_allowed
        raise AttributeError(name)

    def _not_allowed(self) -> None:
        with contextlib.suppress(_UnreadableRequest, OSError, ValueError):
            self._read_body()  # read what was sent, so that the client sees the answer, not a reset
        self._json_error(
            405, "method_not_allowed", f"method {self.command} is not allowed", Allow=", ".join(SERVED_METHODS)
        )

    def _json_error(self, status: int, code: str, message: str, **headers: str) -> None:
        self.close_connection = True
        self._send_http_response(status, {"Connection": "close", **headers}, json.dumps(error_body(code, message)))

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """The stdlib's refusals (bad request line, header too long, unsupported method...) in the error shape."""
        self.close_connection = True
        try:
            self.send_response(code, message)
            body = json.dumps(
                error_body(_STDLIB_CODES.get(code, "bad_request"), message or "the request cannot be read")
            )
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body.encode())))
            self.send_header("Connection", "close")
            self.end_headers()
            if self.command != "HEAD" and code >= 200 and code not in (204, 304):
                self.wfile.write(body.encode())
        except OSError:
            pass

    def _read_body(self) -> bytes | None:
        if "chunked" in self.headers.get("transfer-encoding", "").lower():
            return self._read_chunks()
        try:
            length = int(self.headers.get("content-length", "0") or "0")
        except ValueError as exc:
            raise _UnreadableRequest("the Content-Length header is not a number") from exc
        if length < 0:
            raise _UnreadableRequest("the Content-Length header is negative")
        return self.rfile.read(length) if length > 0 else None

    def _read_chunks(self) -> bytes:
        body = bytearray()
        while True:
            line = self.rfile.readline(1024)
            try:
                size = int(line.split(b";", 1)[0].strip(), 16)
            except ValueError as exc:
                raise _UnreadableRequest("a chunk size is not valid") from exc
            if size < 0 or len(body) + size > MAX_CHUNKED_BODY:
                raise _UnreadableRequest("the chunked body is too large")
            if size == 0:
                while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return bytes(body)
            body += self.rfile.read(size)
            self.rfile.readline(1024)  # the CRLF after the chunk

    def _parse_payload(self) -> tuple[dict[str, Any], bytes | None]:
        body = self._read_body()
        headers = {k: v for k, v in self.headers.items() if k.lower() != "transfer-encoding"}
        if body is not None and "chunked" in self.headers.get("transfer-encoding", "").lower():
            headers["Content-Length"] = str(len(body))
        return headers, body

    def _generic_handle(self) -> None:
        try:
            super()._generic_handle()
        except _UnreadableRequest as exc:
            self._json_error(400, "bad_request", str(exc))

    def _send_http_response_with_body(self, code: int, headers: Any, body: str | bytes) -> None:
        if self.command != "HEAD":
            super()._send_http_response_with_body(code, headers, body)
            return
        # A HEAD answer carries the headers of the GET answer, and no body.
        raw = body if isinstance(body, bytes) else body.encode()
        self.send_response(code)
        self.send_header("Content-Length", str(len(raw)))
        self.send_header("Content-Type", headers.pop("Content-Type", "application/json"))
        self._send_headers(headers)

    do_PUT = do_POST = do_DELETE = do_PATCH = do_OPTIONS = _generic_handle

    def do_GET(self) -> None:
        """The web app's files outside /v1, the API inside."""
        if not self._static():
            self._generic_handle()

    def do_HEAD(self) -> None:
        """As GET, without a body."""
        if not self._static():
            self._generic_handle()

    def log_message(self, format: str, *args: Any) -> None:
        """Request lines are logged by the app itself (structured); keep stderr quiet."""


_STDLIB_CODES = {
    400: "bad_request",
    404: "not_found",
    405: "method_not_allowed",
    408: "request_timeout",
    413: "payload_too_large",
    414: "uri_too_long",
    431: "headers_too_large",
    501: "method_not_allowed",
    505: "http_version_not_supported",
}


class Server(ThreadedHTTPServer):
    """Chalice's threaded local server with a listen backlog for many phones at once: the stdlib's
    default of 5 pending connections reset clients when 50 connected together (make load)."""

    request_queue_size = 128
