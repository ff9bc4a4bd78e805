"""Widgets in real Chromium (Pyodide) behind the fault proxy: while the emulator answers 500s,
malformed JSON or cut responses, every widget marks itself offline over its saved data, no
exception reaches the page (uncaught errors or Python tracebacks in the console), and each comes
back online by itself once the fault clears."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect
from playwright.sync_api import Response as PlaywrightResponse

from demo_site.process import ensure_runtime
from tests.support.fault_proxy import FaultProxy, Mode, proxied
from tests.support.processes import EmulatorProcess
from tests.widgets.conftest import open_widget_page, start_site

pytestmark = pytest.mark.browser
SWITCH_TIMEOUT_MS = 20_000
PYTHON_FAILURE_MARKS = ("Traceback", "PythonError", "Error:")
CONNECTED = (
    "[...document.querySelectorAll('main [id]')]"
    ".filter(e => e.localName.startsWith('stigg-') && e.dataset.connection)"
    ".map(e => [e.id, e.localName, e.dataset.state])"
)


@dataclass
class FaultyPage:
    """The widget test page whose SDK reaches the emulator only through two fault proxies."""

    page: Page
    proxies: tuple[FaultProxy, FaultProxy]
    problems: list[str]
    statuses: list[int]
    """The HTTP status of every answer the page got from the proxies."""

    def set_fault(self, mode: Mode) -> None:
        for proxy in self.proxies:
            proxy.set_mode(mode)


def observe(page: Page, proxies: tuple[FaultProxy, FaultProxy]) -> FaultyPage:
    """Watch `page`: uncaught errors (`page.errors`, from the page's start) and errors a Python
    failure logs (tracebacks) become problems; answers from the proxies are recorded."""
    problems: list[str] = page.errors  # type: ignore[attr-defined]
    statuses: list[int] = []
    urls = tuple(proxy.url for proxy in proxies)

    def console(message: ConsoleMessage) -> None:
        text = message.text
        if message.type == "error" and any(mark in text for mark in PYTHON_FAILURE_MARKS):
            problems.append(f"console: {text}")

    def response(answer: PlaywrightResponse) -> None:
        if answer.url.startswith(urls):
            statuses.append(answer.status)

    page.on("console", console)
    page.on("response", response)
    return FaultyPage(page, proxies, problems, statuses)


@pytest.fixture(scope="module")
def faulty(
    browser: Browser, emulator: EmulatorProcess, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[FaultyPage]:
    ensure_runtime()
    with (
        proxied("127.0.0.1", emulator.port) as graphql,
        proxied("127.0.0.1", emulator.edge_port) as edge,
    ):
        # The emulator as the page sees it: its GraphQL and edge ports are the proxies'.
        behind = dataclasses.replace(emulator, port=graphql.port, edge_port=edge.port, process=None)
        site = start_site(behind, tmp_path_factory.mktemp("faulty-widgets") / "site.log", ssr=False)
        try:
            for page in open_widget_page(browser, site):
                yield observe(page, (graphql, edge))
        finally:
            site.stop()


@pytest.mark.parametrize("fault", ["error500", "malformed", "truncate"])
def test_widgets_show_offline_over_saved_data_and_recover(
    faulty: FaultyPage, fault: Mode, artifacts_dir: Path
) -> None:
    page = faulty.page
    elements: list[list[str]] = page.evaluate(CONNECTED)
    names = {localname for _, localname, _ in elements}
    assert {"stigg-customer-portal", "stigg-paywall", "stigg-usage-meter"} <= names, names
    for element_id, _, state in elements:
        expect(page.locator(f"#{element_id}")).to_have_attribute("data-connection", "online")
        assert state == "ready", (element_id, state)
    meter_value = page.locator("stigg-usage-meter .usage-value").first.inner_text()

    faulty.set_fault(fault)
    for proxy in faulty.proxies:
        proxy.clear()
    del faulty.statuses[:]
    for element_id, localname, _ in elements:
        element = page.locator(f"#{element_id}")
        expect(element).to_have_attribute("data-connection", "offline", timeout=SWITCH_TIMEOUT_MS)
        expect(element).to_have_attribute("data-state", "ready")  # the saved data stays
        if localname != "stigg-gate":  # gates keep the page's own content, without a notice
            expect(element.locator('.connection-notice[role="status"]')).to_be_visible()
    expect(page.locator("stigg-usage-meter .usage-value").first).to_have_text(meter_value)
    page.screenshot(path=str(artifacts_dir / f"widgets-fault-{fault}.png"), full_page=True)
    # The page met the fault itself (not a CORS refusal): the proxies saw its requests, and the
    # injected answers reached it.
    met = [seen for proxy in faulty.proxies for seen in proxy.requests() if seen.mode == fault]
    assert any(seen.method in ("GET", "POST") for seen in met), met
    if fault == "error500":
        assert 500 in faulty.statuses, faulty.statuses
    if fault == "malformed":
        assert 200 in faulty.statuses, faulty.statuses

    faulty.set_fault("pass")
    for element_id, _, _ in elements:
        element = page.locator(f"#{element_id}")
        expect(element).to_have_attribute("data-connection", "online", timeout=SWITCH_TIMEOUT_MS)
        expect(element).to_have_attribute("data-state", "ready")
    expect(page.locator(".connection-notice")).to_have_count(0)
    assert faulty.problems == []
