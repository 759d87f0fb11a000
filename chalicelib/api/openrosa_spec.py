"""The OpenRosa routes in the OpenAPI document: XML answers (text/xml), not the JSON error shape."""

from __future__ import annotations

from typing import Any

from chalicelib.api.openrosa import ACCEPT_CONTENT_LENGTH, BASIC_PREFIX, KEY_PREFIX, MAX_BODY

_XML = {"text/xml": {"schema": {"type": "string", "description": "An OpenRosa XML document."}}}
_REFUSALS = {
    "400": "Unreadable: malformed or hostile XML, no meta/instanceID, a bad multipart body.",
    "403": "A wrong key in the path, a key whose role may not report, a village not on the key, a suspended office.",
    "404": "An unknown form.",
    "409": "An instanceID used for other content, an outdated form version, an edit of a replaced instance.",
    "413": f"A POST over {MAX_BODY} bytes (phones are told {ACCEPT_CONTENT_LENGTH}, leaving room for the framing).",
    "415": "A submission that is not multipart/form-data.",
    "422": "A rule of the report is broken (the message names the field).",
    "503": "The data store is busy; send again.",
}
_OPERATIONS: list[tuple[str, str, str, str, dict[str, str]]] = [
    ("/formList", "get", "The forms this key may fill (OpenRosa form list)", "200", {}),
    ("/forms/{form_id}", "get", "One form's XForm (its md5 is in the form list)", "200", {}),
    (
        "/submission",
        "head",
        "Ask before posting: 204 and X-OpenRosa-Accept-Content-Length",
        "204",
        {"X-OpenRosa-Accept-Content-Length": "integer"},
    ),
    (
        "/submission",
        "post",
        "Post a filled form: multipart with xml_submission_file and its photos; 201 when stored, or stored before",
        "201",
        {},
    ),
]


def _parameters(path: str) -> list[dict[str, Any]]:
    names = [p.strip("{}") for p in path.split("/") if p.startswith("{")]
    return [
        {"name": n, "in": "path", "required": True, "schema": {"type": "string", "minLength": 1, "maxLength": 128}}
        for n in names
    ]


def _operation(prefix: str, suffix: str, method: str, summary: str, status: str, headers: dict[str, str]) -> Any:
    basic = prefix == BASIC_PREFIX
    ok: dict[str, Any] = {"description": summary}
    if method != "head":
        ok["content"] = _XML
    if headers:
        ok["headers"] = {name: {"schema": {"type": kind}} for name, kind in headers.items()}
    refusal = {} if method == "head" else {"content": _XML}  # an answer to HEAD has no body
    responses = {status: ok, **{code: {"description": text, **refusal} for code, text in _REFUSALS.items()}}
    if basic:
        challenge = "No or wrong Basic credentials (with a WWW-Authenticate challenge)."
        responses["401"] = {"description": challenge, **refusal}
    op: dict[str, Any] = {
        "summary": summary,
        "operationId": f"openrosa_{'basic' if basic else 'key'}_{method}_{suffix.strip('/').split('/')[0].lower()}",
        "tags": ["openrosa"],
        "responses": responses,
        "security": [{"basic": []}] if basic else [],
    }
    parameters = _parameters(prefix + suffix)
    if suffix == "/formList":
        parameters.append({"name": "formID", "in": "query", "required": False, "schema": {"type": "string"}})
    if parameters:
        op["parameters"] = parameters
    if method == "post":
        op["requestBody"] = {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["xml_submission_file"],
                        "properties": {"xml_submission_file": {"type": "string", "format": "binary"}},
                    }
                }
            },
        }
    return op


def openrosa_paths() -> dict[str, dict[str, Any]]:
    """Every OpenRosa route under both prefixes."""
    paths: dict[str, dict[str, Any]] = {}
    for prefix in (KEY_PREFIX, BASIC_PREFIX):
        for suffix, method, summary, status, headers in _OPERATIONS:
            paths.setdefault(prefix + suffix, {})[method] = _operation(prefix, suffix, method, summary, status, headers)
    return paths


SECURITY_SCHEME = {
    "type": "http",
    "scheme": "basic",
    "description": "OpenRosa clients: the key id as user name, the secret as password.",
}


def kobo_paths() -> dict[str, dict[str, Any]]:
    """The KoboToolbox webhook under both ways in (JSON answers, the API's error shape)."""
    from chalicelib.api.kobo import KOBO_BASIC_ROUTE, KOBO_KEY_ROUTE
    from chalicelib.domain.reports import ReportType

    error = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}}}
    statuses = {"400": "Unreadable, or no meta/instanceID.", "403": "A wrong key or a village not on it."}
    statuses |= {"404": "An unknown report type.", "409": "An instanceID used for other content."}
    statuses |= {"413": "The body is larger than the limit.", "415": "Not JSON."}
    statuses |= {"422": "A rule of the report is broken.", "503": "The data store is busy; retry."}
    paths: dict[str, dict[str, Any]] = {}
    for template in (KOBO_KEY_ROUTE, KOBO_BASIC_ROUTE):
        basic = template == KOBO_BASIC_ROUTE
        parameters = _parameters(template)
        for parameter in parameters:
            if parameter["name"] == "report_type":
                parameter["schema"] = {"type": "string", "enum": [t.value for t in ReportType]}
        responses: dict[str, Any] = {
            "201": {
                "description": "Stored now, stored before (a retry), or corrected (an edit).",
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "properties": {
                                "submission_id": {"type": "string"},
                                "status": {"enum": ["accepted", "duplicate", "corrected"]},
                            },
                        }
                    }
                },
            },
            **{code: {"description": text, **error} for code, text in statuses.items()},
        }
        if basic:
            responses["401"] = {"description": "No or wrong Basic credentials.", **error}
        paths[template] = {
            "post": {
                "summary": "Receive a KoboToolbox REST Service submission (one per POST)",
                "operationId": f"kobo_{'basic' if basic else 'key'}_post",
                "tags": ["openrosa"],
                "parameters": parameters,
                "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object"}}}},
                "responses": responses,
                "security": [{"basic": []}] if basic else [],
            }
        }
    return paths
