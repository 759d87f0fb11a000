"""The OpenRosa server of every tenant (ODK Collect, KoboCollect, Enketo), in two ways in:

- `/v1/key/{secret}/openrosa/...`: the key in the path (what the QR code carries; Collect sends Basic
  credentials only over HTTPS). A wrong key answers 403, with no challenge. The request log names the
  route template, never the path.
- `/v1/openrosa/...`: HTTP Basic, the key id as user name and the secret as password; no or wrong
  credentials answer 401 with `WWW-Authenticate: Basic`.

Each has `formList`, `forms/{form_id}`, and `submission` (HEAD, POST). Answers are XML, never the JSON
error shape: that is what the phones read. Only operator and district-admin keys.
"""

from __future__ import annotations

import base64
import binascii
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from chalice.app import Blueprint, Response

from chalicelib.api.errors import status_of
from chalicelib.api.http import endpoint
from chalicelib.api.public_url import api_base
from chalicelib.domain.keys import key_id_of
from chalicelib.domain.principal import Principal, Role
from chalicelib.domain.reports import ReportType
from chalicelib.errors import DomainError, NotAcceptableError, NotFoundError, is_throttling
from chalicelib.lazy import lazy_import
from chalicelib.observability import log_request, logger, span
from chalicelib.openrosa.messages import OpenRosaError, form_list, headers, response_message
from chalicelib.openrosa.translations import explain

if TYPE_CHECKING:
    from chalicelib.openrosa import multipart
    from chalicelib.services import auth as auth_service
    from chalicelib.services import openrosa as service
    from chalicelib.services.auth import AuthResult
else:
    auth_service = lazy_import("chalicelib.services.auth")
    service = lazy_import("chalicelib.services.openrosa")
    multipart = lazy_import("chalicelib.openrosa.multipart")

openrosa_bp = Blueprint(__name__)
REALM = "TPBIS OpenRosa"
KEY_PREFIX = "/v1/key/{secret}/openrosa"
BASIC_PREFIX = "/v1/openrosa"
# What one POST may carry: Lambda takes a 6 MB request, and API Gateway hands it a binary body
# base64-encoded (4/3 larger), with headers around it. The limit announced to phones is lower by room
# for the multipart framing (boundaries, part headers, the XML), since a client that splits a bigger
# submission may count only the files' bytes.
MAX_BODY = 4_400_000
ACCEPT_CONTENT_LENGTH = MAX_BODY - 100_000
CONTENT_TYPES = ["*/*"]  # checked by the view, so that a wrong type gets an answer the phone reads


def _challenge() -> OpenRosaError:
    return OpenRosaError(
        401,
        "unauthenticated",
        "Masukkan ID kunci sebagai nama pengguna dan rahasianya sebagai kata sandi",
        "Give the key id as user name and its secret as password",
        **{"WWW-Authenticate": f'Basic realm="{REALM}", charset="UTF-8"'},
    )


def basic_secret(header: str | None) -> str:
    """The secret in HTTP Basic credentials (user name: the key id); the challenge when there is none."""
    scheme, _, encoded = (header or "").strip().partition(" ")
    if scheme.lower() != "basic" or not encoded or len(encoded) > 1024:
        raise _challenge()
    try:
        user, _, secret = base64.b64decode(encoded.strip(), validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise _challenge() from exc
    if not secret or key_id_of(secret) != user.strip():
        raise _challenge()
    return secret


def principal_of(secret: str, *, basic: bool) -> Principal:
    """The caller of a key's secret (the same lookup as the bearer authorizer)."""
    result: AuthResult = auth_service.authenticate(f"Bearer {secret}")
    if result.outcome.value == "tenant_inactive":
        raise OpenRosaError(
            403, "tenant_suspended", "Dinas ini sedang ditangguhkan", "This regency office is suspended"
        )
    if result.principal is None:
        if basic:
            raise _challenge()
        raise OpenRosaError(
            403, "forbidden", "Kunci di alamat server tidak berlaku", "The key in the server address is not valid"
        )
    return result.principal


def _xml(status: int, body: str | bytes, extra: dict[str, str] | None = None) -> Response:
    return Response(body=body, status_code=status, headers=dict(headers(extra)))


def _refusal(exc: Exception) -> Response:
    if isinstance(exc, OpenRosaError):
        return _xml(exc.status, response_message(exc.text, ok=False), exc.headers)
    if isinstance(exc, DomainError):
        return _xml(status_of(exc), response_message(explain(exc), ok=False))
    if is_throttling(exc):
        logger.warning("data store throttled an OpenRosa request", extra={"error": type(exc).__name__})
        text = "Server sedang sibuk; kirim ulang sebentar lagi / The server is busy; send again shortly"
        return _xml(503, response_message(text, ok=False), {"Retry-After": "2"})
    logger.exception("unhandled error")
    text = "Terjadi kesalahan di server; sudah dicatat / An internal error occurred; it has been logged"
    return _xml(500, response_message(text, ok=False))


def _route(suffix: str, method: str) -> Callable[[Callable[..., Response]], Callable[..., Response]]:
    """Declare a view under both prefixes. It gets `principal`, `request`, `base` (the URL prefix the
    phone used) and the path parameters other than the secret."""

    def decorate(view: Callable[..., Response]) -> Callable[..., Response]:
        for prefix in (KEY_PREFIX, BASIC_PREFIX):
            _register(prefix, suffix, method, view)
        return view

    return decorate


def _register(prefix: str, suffix: str, method: str, view: Callable[..., Response]) -> None:
    template = prefix + suffix
    basic = prefix == BASIC_PREFIX

    def handler(**params: str) -> Response:
        request = openrosa_bp.current_request
        started = time.perf_counter()
        with span(f"{method} {template}") as trace:
            try:
                values = {name: unquote(value) for name, value in params.items()}
                secret = basic_secret(request.headers.get("authorization")) if basic else values.pop("secret")
                principal = principal_of(secret, basic=basic)
                logger.append_keys(tenant_id=principal.tenant_id or "national", key_id=principal.key_id)
                trace.put_annotation("tenant_id", principal.tenant_id or "national")
                base = api_base(request) + (BASIC_PREFIX if basic else f"/v1/key/{secret}/openrosa")
                response = view(principal=principal, request=request, base=base, **values)
            except Exception as exc:  # every failure leaves as an OpenRosaResponse
                response = _refusal(exc)
            if method == "HEAD":
                response.body = ""  # its status and headers say it all
            trace.put_annotation("status", response.status_code)
        log_request(method, template, response.status_code, started)
        return response

    handler.__name__ = f"{view.__name__}_{'basic' if basic else 'key'}"
    openrosa_bp.route(template, methods=[method], content_types=CONTENT_TYPES)(handler)


@_route("/formList", "GET")
def get_form_list(*, principal: Principal, request: Any, base: str) -> Response:
    """The forms this key may fill (OpenRosa form-list API); `?formID=` (as Enketo asks) lists that one."""
    wanted = (request.query_params or {}).get("formID")
    forms = [f for f in service.forms(principal) if wanted is None or f.form_id == wanted]
    return _xml(200, form_list(forms, base))


@_route("/forms/{form_id}", "GET")
def get_form(*, principal: Principal, request: Any, base: str, form_id: str) -> Response:
    """One form's XForm, the exact bytes whose md5 the form list gives."""
    return _xml(200, service.form(principal, form_id).xml)


@_route("/submission", "HEAD")
def head_submission(*, principal: Principal, request: Any, base: str) -> Response:
    """What Collect asks before it posts: 204, and the largest POST it may send."""
    service.villages_of(principal)  # refuses keys that may not submit
    return Response(
        body="",
        status_code=204,
        headers=headers({"X-OpenRosa-Accept-Content-Length": str(ACCEPT_CONTENT_LENGTH)}),
    )


@_route("/submission", "POST")
def post_submission(*, principal: Principal, request: Any, base: str) -> Response:
    """A filled form (multipart: `xml_submission_file` and its photos); 201 when it is stored, or was."""
    raw = request.raw_body or b""
    if len(raw) > MAX_BODY:
        raise OpenRosaError(
            413,
            "payload_too_large",
            f"Kiriman lebih dari {MAX_BODY} bita",
            f"The submission is larger than {MAX_BODY} bytes",
        )
    upload = multipart.read_upload(request.headers.get("content-type") or "", raw)
    receipt = service.receive(principal=principal, upload=upload)
    text = {
        "accepted": "OK: laporan diterima / the report is stored",
        "duplicate": "OK: laporan ini sudah diterima sebelumnya / this report was stored before",
        "corrected": "OK: laporan diperbarui / the report is corrected",
    }[receipt.outcome]
    return _xml(201, response_message(text, ok=True), {"X-OpenRosa-Accept-Content-Length": str(ACCEPT_CONTENT_LENGTH)})


OPENROSA_BINARY_TYPES = ["multipart/form-data", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"]


def is_openrosa(request: Any) -> bool:
    """Whether a request is for an OpenRosa route (they answer their own size limit, in XML)."""
    template = str((request.context or {}).get("resourcePath") or "")
    return template.startswith((KEY_PREFIX, BASIC_PREFIX))


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@endpoint(
    openrosa_bp,
    "/v1/forms/{name}",
    summary="A report form as an XLSForm workbook",
    tag="openrosa",
    responses={200: None},
    roles=(Role.DISTRICT_ADMIN,),
    description=(
        "`{type}.xlsx` (visits, activity, media, partnership, ict): the same form the OpenRosa server serves, "
        "with the tenant's registered villages as choices, for an office that deploys it on its own KoboToolbox "
        "or ODK Central. The answer is the workbook (`" + XLSX + "`)."
    ),
)
def get_xlsform(*, principal: Principal, name: str) -> Response:
    """The XLSForm of a report type."""
    kind = name.removesuffix(".xlsx") if name.endswith(".xlsx") else ""
    if kind not in ReportType._value2member_map_:
        raise NotFoundError(f"no form {name[:64]}; use one of {', '.join(t.value + '.xlsx' for t in ReportType)}")
    accept = (openrosa_bp.current_request.headers.get("accept") or "").lower()
    if XLSX not in accept and "*/*" not in accept:  # API Gateway sends binary only to a request that takes it
        raise NotAcceptableError(f"the form is a workbook: ask for it with the header Accept: {XLSX} (or */*)")
    workbook = service.xlsform(principal, ReportType(kind))
    return Response(
        body=workbook,
        status_code=200,
        headers={"Content-Type": XLSX, "Content-Disposition": f'attachment; filename="tpbis_{kind}.xlsx"'},
    )
