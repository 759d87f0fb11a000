"""Headless Chromium (Playwright) against the stack `make run` starts, serving the built web app.

Every page a test opens is watched: a console error, an uncaught exception or a failed request fails
the test, unless the test says which HTTP refusal it provokes (`watch.allow(422)`: the browser logs each
4xx as a console error).
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.browser.launcher import launch_options
from tests.e2e.conftest import HttpStack, start_stack
from tests.factories import signup_payload

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
# `make screenshots` writes them into docs/screenshots (for the README); otherwise out of the tree.
SCREENSHOTS = Path(os.environ.get("TPBIS_SCREENSHOTS") or Path(tempfile.gettempdir()) / "tpbis-screenshots")
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}
_STATUS = re.compile(r"status of (\d{3})")


@dataclass
class Watch:
    """What went wrong on a page: console errors, page errors, failed requests."""

    problems: list[str] = field(default_factory=list)
    allowed: set[int] = field(default_factory=set)
    offline: bool = False  # the test cut the network (or is closing the page): lost requests are expected

    def allow(self, *statuses: int) -> None:
        """HTTP refusals this test provokes on purpose (their console lines are expected)."""
        self.allowed.update(statuses)

    def console(self, message: Any) -> None:
        if message.type != "error":
            return
        status = _STATUS.search(message.text)
        if status and int(status.group(1)) in self.allowed:
            return
        if self.offline and "net::ERR_FAILED" in message.text:
            return
        self.problems.append(f"console: {message.text}")

    def failed(self, request: Any) -> None:
        if not self.offline:
            self.problems.append(f"request failed: {request.method} {request.url} {request.failure}")


@pytest.fixture(scope="session")
def stack() -> Iterator[HttpStack]:
    """One local stack for every browser test."""
    running = start_stack()
    yield running
    running.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(**launch_options(playwright))
        yield chromium
        chromium.close()


class Pages:
    """Opens watched pages (each in its own context: its own sessionStorage) and checks them at the end."""

    def __init__(self, browser: Any, base: str) -> None:
        self.browser, self.base = browser, base
        self.watches: list[Watch] = []
        self.contexts: list[Any] = []

    def open(
        self,
        path: str = "/",
        *,
        viewport: dict[str, int] | None = None,
        watch: Watch | None = None,
        timezone: str | None = None,
    ) -> Any:
        context = self.browser.new_context(
            viewport=viewport or DESKTOP, accept_downloads=True, locale="id-ID", timezone_id=timezone
        )
        context.set_default_timeout(15_000)
        self.contexts.append(context)
        page = context.new_page()
        page.watch = watch or Watch()
        self.watches.append(page.watch)
        page.on("console", page.watch.console)
        page.on("pageerror", lambda error: page.watch.problems.append(f"page error: {error}"))
        page.on("requestfailed", page.watch.failed)
        page.goto(self.base + path)
        return page

    def close(self) -> list[str]:
        for watch in self.watches:  # closing a page cancels what it still loads: that is not the app failing
            watch.offline = True
        for context in self.contexts:
            context.close()
        return [problem for watch in self.watches for problem in watch.problems]


@pytest.fixture
def pages(browser: Any, stack: HttpStack) -> Iterator[Pages]:
    """Watched pages; the test fails if any of them logged an error or lost a request."""
    opened = Pages(browser, stack.base)
    yield opened
    problems = opened.close()
    assert not problems, "\n".join(problems)


def axe_violations(page: Any, impacts: tuple[str, ...] = ("critical", "serious")) -> list[str]:
    """axe-core's violations of the given impacts on the page as it is now.

    axe is evaluated through the DevTools protocol: the app's CSP (script-src 'self') rightly refuses
    `add_script_tag`'s inline script.
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text())
    found = page.evaluate(
        "async () => (await axe.run(document)).violations.map(v => ({id: v.id, impact: v.impact, "
        "help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"
    )
    return [f"{v['impact']} {v['id']}: {v['help']} at {v['nodes']}" for v in found if v["impact"] in impacts]


def screenshot(page: Any, name: str) -> None:
    """A screenshot of the viewport (<name>.png; `make screenshots` keeps them for the README)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("() => window.scrollTo(0, 0)")
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def sign_in(page: Any, secret: str) -> None:
    """Sign in on the sign-in page, in Indonesian as the app opens."""
    page.get_by_label("Kunci akses").fill(secret)
    page.get_by_role("button", name="Masuk", exact=True).click()
    page.get_by_role("button", name="Keluar").wait_for()


def approved_office(stack: HttpStack, regency: str, villages: tuple[str, ...]) -> str:
    """A tenant made through the API (signed up, approved, villages registered): its district-admin secret."""
    assert stack.call("POST", "/v1/signup", signup_payload(regency))[0] == 202
    status, approved = stack.call("POST", f"/v1/admin/tenants/{regency}/approve", key=stack.admin)
    assert status == 200, approved
    secret = str(approved["admin_key"]["secret"])
    for code in villages:
        assert stack.call("PUT", f"/v1/villages/{code}", {"library_name": f"Perpustakaan {code}"}, key=secret)[0] == 201
    return secret
