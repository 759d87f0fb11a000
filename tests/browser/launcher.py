"""Which Chromium the browser tests drive: Playwright's own when installed, else Debian's `chromium`.

`python -m tests.browser.launcher --check` exits 0 when one is there (the Makefile installs Debian's otherwise).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

SYSTEM_CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags the closed network refuses Chromium's own calls home.
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def launch_options(playwright: Any) -> dict[str, Any]:
    """Keyword arguments for `playwright.chromium.launch`."""
    own = Path(playwright.chromium.executable_path)
    if own.is_file():
        return {"args": ARGS}
    return {"executable_path": str(SYSTEM_CHROMIUM), "args": ARGS}


def available() -> bool:
    """Whether a Chromium is installed for Playwright to drive."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        return Path(launch_options(playwright).get("executable_path") or playwright.chromium.executable_path).is_file()


if __name__ == "__main__":
    sys.exit(0 if "--check" in sys.argv and available() else 1)
