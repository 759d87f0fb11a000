"""What the OpenRosa server answers: the OpenRosaResponse message, the form list, and its refusals.

Every answer is XML (what ODK Collect, KoboCollect and Enketo read), with `X-OpenRosa-Version: 1.0`
and `Content-Type: text/xml; charset=utf-8` (API Gateway, and the local server, add `Date`). A
refusal says in Bahasa Indonesia, then in English, what to fix: the phone shows that text.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape  # not xml.sax.saxutils: it imports urllib.request, http.client and ssl (~15 ms)
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from chalicelib.openrosa.forms import ServedForm

NS = "http://openrosa.org/http/response"
XFORMS_LIST_NS = "http://openrosa.org/xforms/xformsList"
CONTENT_TYPE = "text/xml; charset=utf-8"


class OpenRosaError(Exception):
    """A refusal a phone can show: the status, a code for the logs, the text in Indonesian and English."""

    def __init__(self, status: int, code: str, message_id: str, message_en: str, **headers: str) -> None:
        super().__init__(message_en)
        self.status, self.code = status, code
        self.message_id, self.message_en = message_id, message_en
        self.headers = headers

    @property
    def text(self) -> str:
        """What the phone shows."""
        return f"{self.message_id} / {self.message_en}"


def headers(extra: dict[str, str] | None = None) -> dict[str, str | list[str]]:
    """The headers of every OpenRosa answer."""
    return {
        "X-OpenRosa-Version": "1.0",
        "Content-Type": CONTENT_TYPE,
        **(extra or {}),
    }


def response_message(text: str, *, ok: bool) -> str:
    """An OpenRosaResponse carrying one message (ODK Central's shape)."""
    nature = ' nature="submit_success"' if ok else ' nature="error"'
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<OpenRosaResponse xmlns="{NS}">'
        f"<message{nature}>{escape(text)}</message></OpenRosaResponse>"
    )


def form_list(forms: Iterable[ServedForm], base: str) -> str:
    """The OpenRosa form list (formID, name, version, md5 hash, download URL); our forms have no media,
    so no manifestUrl."""
    entries = "".join(
        "<xform>"
        f"<formID>{escape(f.form_id)}</formID><name>{escape(f.title)}</name>"
        f"<version>{escape(f.version)}</version><hash>md5:{f.md5}</hash>"
        f"<downloadUrl>{escape(base)}/forms/{escape(f.form_id)}</downloadUrl>"
        "</xform>"
        for f in forms
    )
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<xforms xmlns="{XFORMS_LIST_NS}">{entries}</xforms>'
