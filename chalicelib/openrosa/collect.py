"""What ODK Collect imports to set up a project: its settings JSON, that JSON as Collect's QR code
carries it (zlib-compressed, then base64), and the QR code as SVG."""

from __future__ import annotations

import base64
import io
import json
import zlib
from typing import Any

PROJECT_COLOR = "#1b6f52"


def settings(*, server_url: str, project_name: str) -> dict[str, Any]:
    """Collect's project settings: the key is in the server URL, so no user name or password."""
    return {
        "general": {
            "server_url": server_url,
            "form_update_mode": "match_exactly",
            "periodic_form_updates_check": "every_one_hour",
            "autosend": "wifi_and_cellular",
            "delete_send": False,
        },
        # The server URL carries the key: the operator scans a new code rather than edit it by hand.
        "admin": {"change_server": False, "change_form_metadata": False},
        "project": {"name": project_name, "icon": (project_name[:1] or "P").upper(), "color": PROJECT_COLOR},
    }


def settings_qr(value: dict[str, Any]) -> str:
    """The settings as Collect's QR code encodes them."""
    raw = json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return base64.b64encode(zlib.compress(raw)).decode("ascii")


def qr_svg(payload: str) -> str:
    """The QR code of a payload, as an SVG document."""
    import segno  # only when a code is drawn

    out = io.BytesIO()
    segno.make(payload, error="m", micro=False).save(out, kind="svg", scale=4, border=4, xmldecl=False)
    return out.getvalue().decode("utf-8")


def collect_settings(*, server_url: str, project_name: str) -> dict[str, Any]:
    """The `collect` block of a new operator key: {server_url, settings, settings_qr, qr_svg}."""
    value = settings(server_url=server_url, project_name=project_name)
    encoded = settings_qr(value)
    return {"server_url": server_url, "settings": value, "settings_qr": encoded, "qr_svg": qr_svg(encoded)}
