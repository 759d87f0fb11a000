"""The local gateway over a real socket: methods it does not serve, HEAD and chunked bodies (issue 17, item 5)."""

from __future__ import annotations

import http.client
import json
import socket
import threading
from collections.abc import Iterator

import pytest

from tests.api.test_error_contract import assert_error_shape


@pytest.fixture
def served(aws: None) -> Iterator[tuple[str, int]]:
    """`make run`'s HTTP server and request handler over the app, on a free port."""
    from chalice.config import Config
    from chalice.local import LocalDevServer

    from app import app
    from devstack.gateway import RequestHandler, Server, make_thread_safe

    server = LocalDevServer(
        make_thread_safe(app), Config.create(), "127.0.0.1", 0, handler_cls=RequestHandler, server_cls=Server
    )
    thread = threading.Thread(target=server.server.serve_forever, daemon=True)
    thread.start()
    yield "127.0.0.1", server.server.server_address[1]
    server.server.shutdown()
    server.server.server_close()


def _send(
    address: tuple[str, int], method: str, path: str, body: bytes | None = None, **headers: str
) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection(*address, timeout=10)
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, data


@pytest.mark.parametrize("method", ["TRACE", "CONNECT", "PROPFIND", "BREW"])
def test_a_method_the_api_does_not_serve_answers_405_in_the_error_shape(served: tuple[str, int], method: str) -> None:
    status, headers, body = _send(served, method, "/v1/health")
    assert status == 405
    assert headers["content-type"] == "application/json"
    assert "GET" in headers["allow"] and "TRACE" not in headers["allow"]
    assert_error_shape(json.loads(body))
    assert json.loads(body)["error"]["code"] == "method_not_allowed"


def test_a_head_answer_has_the_headers_and_no_body(served: tuple[str, int]) -> None:
    with socket.create_connection(served, timeout=10) as sock:
        sock.sendall(b"HEAD /v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        raw = b""
        while chunk := sock.recv(65536):
            raw += chunk
    head, _, rest = raw.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 ")
    assert rest == b""  # nothing after the headers


def test_a_chunked_body_is_read(served: tuple[str, int]) -> None:
    payload = json.dumps(
        {"regency_code": "33.15", "office_name": "Dinas", "contact_name": "Sri", "contact_email": "sri@example.id"}
    ).encode()
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in (payload[:10], payload[10:])) + b"0\r\n\r\n"
    with socket.create_connection(served, timeout=10) as sock:
        sock.sendall(
            b"POST /v1/signup HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + chunks
        )
        raw = b""
        while chunk := sock.recv(65536):
            raw += chunk
    assert raw.startswith(b"HTTP/1.1 202"), raw[:200]


def test_a_broken_chunked_body_answers_400_in_the_error_shape(served: tuple[str, int]) -> None:
    with socket.create_connection(served, timeout=10) as sock:
        sock.sendall(
            b"POST /v1/signup HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\n\r\nzz\r\n"
        )
        raw = b""
        while chunk := sock.recv(65536):
            raw += chunk
    head, _, body = raw.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400")
    assert_error_shape(json.loads(body))


def test_a_malformed_request_line_answers_in_the_error_shape(served: tuple[str, int]) -> None:
    with socket.create_connection(served, timeout=10) as sock:
        sock.sendall(b"GET /v1/health HTTP/9.9 extra\r\n\r\n")
        raw = b""
        while chunk := sock.recv(65536):
            raw += chunk
    head, _, body = raw.partition(b"\r\n\r\n")
    assert head.split(b" ")[1].startswith(b"4")
    assert_error_shape(json.loads(body))
