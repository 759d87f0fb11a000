"""The KoboToolbox REST Service webhook of a tenant: one submission per POST, as JSON, stored through
the same exactly-once path as the OpenRosa server and `POST /v1/reports`.

The office sets the webhook up in KoboToolbox with a key it made (`POST /v1/keys`, best an operator key
with the villages of that project) and revokes it with `DELETE /v1/keys/{key_id}`: either the key in the
path (`/v1/key/{secret}/kobo/{type}`), or `/v1/kobo/{type}` with the key id and secret as Kobo's Basic
user name and password. Answers are the API's JSON.
"""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING

from chalice.app import Blueprint, Response

from chalicelib.api.errors import error_response, from_exception
from chalicelib.api.http import parse_json
from chalicelib.api.openrosa import basic_secret, principal_of
from chalicelib.domain.reports import ReportType
from chalicelib.errors import NotFoundError
from chalicelib.lazy import lazy_import
from chalicelib.observability import log_request, logger, span
from chalicelib.openrosa.messages import OpenRosaError

if TYPE_CHECKING:
    from chalicelib.services import openrosa as service
else:
    service = lazy_import("chalicelib.services.openrosa")
kobo_bp = Blueprint(__name__)
KOBO_KEY_ROUTE = "/v1/key/{secret}/kobo/{report_type}"
KOBO_BASIC_ROUTE = "/v1/kobo/{report_type}"


def _receive(template: str, secret: str | None, report_type: str) -> Response:
    request = kobo_bp.current_request
    started = time.perf_counter()
    with span(f"POST {template}"):
        try:
            principal = principal_of(secret or basic_secret(request.headers.get("authorization")), basic=not secret)
            logger.append_keys(tenant_id=principal.tenant_id or "national", key_id=principal.key_id)
            if report_type not in ReportType._value2member_map_:
                raise NotFoundError(f"no report type {report_type[:32]}; use one of {', '.join(ReportType)}")
            receipt = service.receive_kobo(
                principal=principal, report_type=ReportType(report_type), payload=parse_json(request.raw_body)
            )
            body = {"submission_id": receipt.report_id, "status": receipt.outcome}
            response = Response(body=json.dumps(body), status_code=201, headers={"Content-Type": "application/json"})
        except OpenRosaError as exc:
            response = error_response(exc.status, exc.code, exc.text, headers=exc.headers or None)
        except Exception as exc:
            response = from_exception(exc)
    log_request("POST", template, response.status_code, started)
    return response


@kobo_bp.route(KOBO_KEY_ROUTE, methods=["POST"], content_types=["application/json"])
def kobo_submission_key(secret: str, report_type: str) -> Response:
    """A Kobo submission, the key in the path."""
    return _receive(KOBO_KEY_ROUTE, secret, report_type)


@kobo_bp.route(KOBO_BASIC_ROUTE, methods=["POST"], content_types=["application/json"])
def kobo_submission_basic(report_type: str) -> Response:
    """A Kobo submission, HTTP Basic."""
    return _receive(KOBO_BASIC_ROUTE, None, report_type)
