"""A new visitor, in a fresh Chromium profile, signs up and opens every demo page: no console
error, no uncaught page error and no PyScript error box (`.py-error`) on any of them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Response, expect

from demo_site.pages import PAGES
from demo_site.process import SiteProcess
from tests.e2e.conftest import PYODIDE_START_TIMEOUT_MS
from tests.e2e.test_journey import python_ready, sign_up

pytestmark = pytest.mark.browser
SETTLE_MS = 1_500  # late logs (first refresh, live-update connection) land in this window


def answer_shown(page: Page) -> None:
    """The runtime pages (`PAGES`) are done when their answer left the loading state."""
    expect(page.locator("#answer")).not_to_have_attribute(
        "data-state", "loading", timeout=PYODIDE_START_TIMEOUT_MS
    )


def loaded(page: Page) -> None:
    """A page without Python (the hosted checkout)."""
    page.wait_for_load_state("load")


@dataclass
class Problems:
    """Console errors and uncaught errors of one page, tagged with the path they came from."""

    found: list[str]
    path: str = ""

    def console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.found.append(f"{self.path}: console error: {message.text}")

    def page_error(self, error: Exception) -> None:
        self.found.append(f"{self.path}: page error: {error}")

    def response(self, response: Response) -> None:
        """Names what a "Failed to load resource" console error does not."""
        if response.status >= 400:
            self.found.append(f"{self.path}: HTTP {response.status} for {response.url}")


# Every page a visitor can reach, with how to tell it finished starting.
JOURNEY_PAGES: dict[str, Callable[[Page], None]] = {
    "/pricing": python_ready,
    "/pricing/organisations": python_ready,
    "/app": python_ready,
    "/portal": python_ready,
    "/checkout/success": python_ready,
    "/checkout?plan=plan-pro&period=MONTHLY&intention=UPGRADE_PLAN": python_ready,
    "/checkout?plan=plan-pro&period=MONTHLY&intention=UPGRADE_PLAN&hosted=1": loaded,
}


def test_new_visitor_sees_no_error_on_any_page(browser: Browser, journey_site: SiteProcess) -> None:
    context = browser.new_context()  # a fresh profile: nothing stored from other tests
    page = context.new_page()
    problems = Problems([])
    page.on("console", problems.console)
    page.on("pageerror", problems.page_error)
    page.on("response", problems.response)
    boxes: list[str] = []

    def visit(path: str, ready: Callable[[Page], None]) -> None:
        problems.path = path
        page.goto(journey_site.base_url + path)
        ready(page)
        page.wait_for_timeout(SETTLE_MS)
        boxes.extend(
            f"{path}: error box: {box}" for box in page.locator(".py-error").all_inner_texts()
        )

    try:
        visit("/signin", loaded)
        problems.path = "/signin → /app"
        sign_up(page, journey_site)
        python_ready(page)
        page.wait_for_timeout(SETTLE_MS)
        boxes.extend(
            f"/app: error box: {box}" for box in page.locator(".py-error").all_inner_texts()
        )
        pages = {path: answer_shown for path in PAGES} | JOURNEY_PAGES
        for path, ready in pages.items():
            visit(path, ready)
    finally:
        context.close()
    assert problems.found + boxes == [], "\n".join(problems.found + boxes)
