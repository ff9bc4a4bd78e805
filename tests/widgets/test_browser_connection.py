"""Widgets follow the SDK's connection state: an offline notice over saved data while the
emulator is down, gone again once it answers (real Chromium, the page's own emulator)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.support.processes import EmulatorProcess
from tests.widgets.conftest import page_on_own_emulator

pytestmark = pytest.mark.browser
NOTICED = ("portal", "meter", "meter-de", "prompt", "paywall")
SWITCH_TIMEOUT_MS = 20_000


@pytest.fixture(scope="module")
def outage(
    browser: Browser, widget_runtime: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Page, EmulatorProcess]]:
    """The widget page on an emulator of its own, which the test stops and starts."""
    yield from page_on_own_emulator(browser, tmp_path_factory.mktemp("outage"))


def test_offline_notice_over_saved_data_then_recovery(
    outage: tuple[Page, EmulatorProcess], artifacts_dir: Path
) -> None:
    page, emulator = outage
    notices = page.locator(".connection-notice")
    for element_id in NOTICED:
        expect(page.locator(f"#{element_id}")).to_have_attribute("data-connection", "online")
    expect(notices).to_have_count(0)
    meter_text = page.locator("#meter .usage-value").inner_text()

    emulator.stop()
    portal = page.locator("#portal")
    expect(portal).to_have_attribute("data-connection", "offline", timeout=SWITCH_TIMEOUT_MS)
    for element_id in NOTICED:
        element = page.locator(f"#{element_id}")
        expect(element).to_have_attribute("data-connection", "offline")
        notice = element.locator('.connection-notice[role="status"]')
        expect(notice).to_be_visible()
        expected = (
            "Offline \u2013 gespeicherte Daten werden angezeigt"
            if element_id == "meter-de"
            else "Offline \u2014 showing saved data"
        )
        expect(notice).to_have_text(expected)
        expect(element).to_have_attribute("data-state", "ready")  # the saved data stays
    # Gates keep showing the page's own content, marked but without a notice of their own.
    gate = page.locator("#gate-granted")
    expect(gate).to_have_attribute("data-connection", "offline")
    expect(gate.locator(".connection-notice")).to_have_count(0)
    expect(page.locator("#meter .usage-value")).to_have_text(meter_text)
    page.screenshot(path=str(artifacts_dir / "widgets-offline.png"), full_page=True)

    emulator.start()
    expect(portal).to_have_attribute("data-connection", "online", timeout=SWITCH_TIMEOUT_MS)
    expect(notices).to_have_count(0)
    for element_id in NOTICED:
        expect(page.locator(f"#{element_id}")).to_have_attribute("data-connection", "online")
    page.screenshot(path=str(artifacts_dir / "widgets-recovered.png"), full_page=True)
