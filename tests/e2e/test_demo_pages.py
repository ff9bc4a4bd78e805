"""The demo pages run Python in Chromium, answer from the emulator, and never leave loopback."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from demo_site.process import SiteProcess
from tests.e2e.conftest import PYODIDE_START_TIMEOUT_MS, off_loopback

pytestmark = pytest.mark.browser


def wait_for_answer(page: Page, state: str) -> None:
    """Wait until Python has written its outcome into #answer; fail with the text it wrote."""
    answer = page.locator("#answer")
    expect(answer).not_to_have_attribute("data-state", "loading", timeout=PYODIDE_START_TIMEOUT_MS)
    assert answer.get_attribute("data-state") == state, answer.inner_text()


def test_runtime_check_page_loads_pydantic_locally(
    page: Page, runtime_site: SiteProcess, requested_urls: list[str]
) -> None:
    page.goto(f"{runtime_site.base_url}/runtime-check")
    wait_for_answer(page, "granted")
    text = page.locator("#answer").inner_text()
    assert "Python 3.14" in text
    assert "pydantic 2.14.3" in text
    assert "pydantic-core 2.50.4" in text
    assert any(url.endswith("pyemscripten_2026_0_wasm32.whl") for url in requested_urls)
    assert off_loopback(requested_urls) == []


def test_demo_page_renders_the_entitlement(
    page: Page, demo_site: SiteProcess, requested_urls: list[str], artifacts_dir: Path
) -> None:
    page.goto(f"{demo_site.base_url}/")
    wait_for_answer(page, "granted")
    expect(page.locator("#answer")).to_have_text("customer-demo-01 has access to feature-demo-02")
    page.screenshot(path=str(artifacts_dir / "demo-page.png"), full_page=True)
    assert any("/sdk/" in url and url.endswith(".whl") for url in requested_urls)
    emulator_origins = (demo_site.emulator_url, str(demo_site.edge_url))
    assert any(url.startswith(emulator_origins) for url in requested_urls)
    assert off_loopback(requested_urls) == []


def test_demo_page_shows_a_missing_entitlement(page: Page, demo_site: SiteProcess) -> None:
    page.goto(f"{demo_site.base_url}/?feature=feature-api-calls")
    wait_for_answer(page, "denied")
    expect(page.locator("#answer")).to_have_text(
        "customer-demo-01 has no access to feature-api-calls"
    )


def test_worker_page_answers_through_the_sync_transport(
    page: Page, demo_site: SiteProcess, requested_urls: list[str], artifacts_dir: Path
) -> None:
    page.goto(f"{demo_site.base_url}/worker")
    assert page.evaluate("crossOriginIsolated") is True
    wait_for_answer(page, "granted")
    expect(page.locator("#answer")).to_have_text(
        "customer-demo-01 has access to feature-demo-02 (worker, requests)"
    )
    page.screenshot(path=str(artifacts_dir / "demo-worker-page.png"), full_page=True)
    assert off_loopback(requested_urls) == []
