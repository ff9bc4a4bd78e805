"""Usage history charts in Chromium: `<stigg-usage-meter history>` (server-rendered and
hydrated, and in German) and the portal, on an emulator of their own whose customer used a
metered feature over two days of its test clock; accessibility, keyboard and live updates."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import TEST_CATALOG, database_url_for
from tests.emulator.helpers import Api, server
from tests.emulator.test_usage import REPORT, pro_customer
from tests.support.processes import SERVER_KEY, EmulatorProcess
from tests.widgets.conftest import open_widget_page, serious_axe_violations, start_site

pytestmark = pytest.mark.browser
LIVE_TIMEOUT_MS = 30_000
CHARTS = ("ssr-meter", "meter-history-de", "portal-history")


def _report(api: Api, customer_id: str, value: float) -> None:
    api.data(
        REPORT,
        {"input": {"customerId": customer_id, "featureId": "feature-demo-03", "value": value}},
    )


@pytest.fixture(scope="module")
def history_page(
    browser: Browser, widget_runtime: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Page, Api, str]]:
    tmp = tmp_path_factory.mktemp("history")
    emulator = EmulatorProcess(
        database_url=database_url_for(tmp), catalog=TEST_CATALOG, log_path=tmp / "emulator.log"
    ).start()
    try:
        api = server(emulator)
        customer_id = pro_customer(api)
        for value in (5, 12, 8):
            _report(api, customer_id, value)
            response = api.http.post(
                "/emulator/clock",
                json={"by": "1d", "customerId": customer_id},
                headers={"X-API-KEY": SERVER_KEY},
            )
            assert response.status_code == 200, response.text
        site = start_site(emulator, tmp / "site.log", ssr=False, customer_id=customer_id)
        try:
            for page in open_widget_page(browser, site, f"history?customer={customer_id}"):
                yield page, api, customer_id
        finally:
            site.stop()
    finally:
        emulator.stop()


def test_charts_are_accessible_images_with_data_tables(
    history_page: tuple[Page, Api, str], artifacts_dir: Path
) -> None:
    page, _, _ = history_page
    for element_id in CHARTS:
        element = page.locator(f'#{element_id} .usage-meter[data-feature-id="feature-demo-03"]')
        svg = element.locator('svg[role="img"]')
        expect(svg).to_have_count(1)
        expect(svg).to_have_attribute("aria-labelledby", "usage-history-feature-demo-03-title")
        desc = element.locator("svg desc")
        expect(desc).to_contain_text("25")
        expect(element.locator("path.chart-line")).to_have_count(1)
        expect(element.locator("line.chart-limit")).to_have_count(1)
        rows = element.locator("table.chart-table tbody tr")
        assert rows.count() >= 3
        element.screenshot(path=str(artifacts_dir / f"widget-usage-history-{element_id}.png"))
    expect(page.locator("#meter-history-de summary")).to_have_text("Als Tabelle anzeigen")
    expect(page.locator("#meter-history-de svg desc")).to_contain_text("aktuell 25")
    expect(page.locator("#ssr-meter svg desc")).to_contain_text("now 25 requests")
    # The server-rendered meter was hydrated, not rendered again from scratch.
    expect(page.locator("#ssr-meter")).to_have_attribute("data-hydrated", "true")
    page.locator("#portal-history summary").first.click()
    expect(page.locator("#portal-history table.chart-table").first).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "widget-usage-history-page.png"), full_page=True)
    assert serious_axe_violations(page) == []
    assert page.errors == []  # type: ignore[attr-defined]


def test_chart_is_reachable_with_the_keyboard(history_page: tuple[Page, Api, str]) -> None:
    page, _, _ = history_page
    page.evaluate("document.activeElement && document.activeElement.blur()")
    reached: list[str] = []
    for _ in range(40):
        page.keyboard.press("Tab")
        part = page.evaluate(
            """() => { let el = document.activeElement;
              while (el && el.shadowRoot && el.shadowRoot.activeElement) {
                el = el.shadowRoot.activeElement;
              }
              const host = el && el.getRootNode().host;
              const name = el ? (el.getAttribute('part') || el.localName) : '';
              return (host ? host.id + ':' : '') + name; }"""
        )
        reached.append(part)
        if part == "meter-history-de:chart-toggle":
            break
    assert "ssr-meter:chart-frame" in reached and "meter-history-de:chart-frame" in reached, reached
    page.keyboard.press("Enter")
    expect(page.locator("#meter-history-de table.chart-table")).to_be_visible()


def test_charts_follow_new_usage_live(history_page: tuple[Page, Api, str]) -> None:
    page, api, customer_id = history_page
    _report(api, customer_id, 10)
    for element_id in CHARTS:
        meter = page.locator(f'#{element_id} .usage-meter[data-feature-id="feature-demo-03"]')
        expect(meter.locator("svg desc")).to_contain_text("35", timeout=LIVE_TIMEOUT_MS)
    assert page.errors == []  # type: ignore[attr-defined]
