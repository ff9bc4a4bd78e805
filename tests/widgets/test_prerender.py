"""`python -m widgets.prerender` against the real emulator, and its output hydrating in Chromium."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from demo_site.process import free_port
from tests.support.processes import REPO_ROOT, EmulatorProcess
from tests.widgets.conftest import PYODIDE_TIMEOUT_MS, dom_events, start_site


def run_prerender(emulator: EmulatorProcess, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "widgets.prerender", "--api-key", emulator.client_key]
    return subprocess.run(
        command + list(args), cwd=REPO_ROOT, capture_output=True, text=True, timeout=60
    )


def against(emulator: EmulatorProcess) -> tuple[str, ...]:
    return ("--base-uri", emulator.base_url, "--edge-uri", emulator.edge_url)


def test_writes_a_pricing_table_as_declarative_shadow_dom(emulator: EmulatorProcess) -> None:
    done = run_prerender(
        emulator,
        *against(emulator),
        "--element=stigg-pricing-table",
        "--product-id=product-stigg",
        "--locale=de-DE",
        "--billing-period=ANNUALLY",
        "--id=prices",
    )
    assert done.returncode == 0, done.stderr
    markup = done.stdout
    assert markup.startswith('<stigg-pricing-table id="prices" product-id="product-stigg"')
    assert 'billing-period="ANNUALLY"' in markup and 'locale="de-DE"' in markup
    assert '<template shadowrootmode="open">' in markup and "data-stigg-ssr" in markup
    assert 'class="comparison' in markup  # the table layout of a pricing table
    for plan in ("plan-stigg-pro", "plan-stigg-team"):
        assert f'data-plan-id="{plan}"' in markup
    assert "Jährlich" in markup  # German texts


def test_an_unreachable_api_fails_with_the_reason(emulator: EmulatorProcess) -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    done = run_prerender(emulator, "--base-uri", dead, "--edge-uri", dead)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.splitlines()[-1].startswith("prerender failed: ")


@pytest.fixture(scope="module")
def prerendered_page(
    browser: Browser,
    widget_runtime: None,
    emulator: EmulatorProcess,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Page]:
    """The CLI's paywall, included as is in a page that loads the shim and Python."""
    tmp = tmp_path_factory.mktemp("prerender")
    done = run_prerender(
        emulator,
        *against(emulator),
        "--product-id=product-stigg",
        "--id=pre",
        "--cta-href=#chosen-{planId}-{billingPeriod}",
    )
    assert done.returncode == 0, done.stderr
    markup = tmp / "paywall.html"
    markup.write_text(done.stdout)
    yield from open_prerendered(browser, emulator, tmp, markup)


def open_prerendered(
    browser: Browser, emulator: EmulatorProcess, tmp: Path, markup: Path
) -> Iterator[Page]:
    """`markup` (prerender output) in the test page of a site on `emulator`, for a visitor;
    page errors are collected in `page.errors`."""
    site = start_site(emulator, tmp / "site.log", ssr=False, customer_id=None, prerendered=markup)
    context = browser.new_context(viewport={"width": 1200, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(PYODIDE_TIMEOUT_MS)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.errors = errors  # type: ignore[attr-defined]
    try:
        page.goto(site.url + "prerendered")
        yield page
    finally:
        context.close()
        site.stop()


def test_prerendered_paywall_paints_then_hydrates(prerendered_page: Page) -> None:
    page = prerendered_page
    paywall = page.locator("#pre")
    # Painted by the browser from the markup alone; then marked, to prove hydration keeps it.
    expect(paywall.locator('li[data-plan-id="plan-stigg-pro"] .price')).to_contain_text("$12")
    paywall.locator("section.paywall").evaluate("node => node.dataset.original = 'prerender'")
    expect(paywall).to_have_attribute("data-hydrated", "true", timeout=PYODIDE_TIMEOUT_MS)
    assert paywall.locator("section.paywall").get_attribute("data-original") == "prerender"
    paywall.locator('input[value="ANNUALLY"]').check()
    expect(paywall.locator('li[data-plan-id="plan-stigg-pro"] .price')).to_contain_text("$120")
    paywall.locator('li[data-plan-id="plan-stigg-pro"] button.cta').click()
    page.wait_for_function("location.hash === '#chosen-plan-stigg-pro-ANNUALLY'")
    names = [event["name"] for event in dom_events(page)]
    assert names.count("stigg-ready") == 1 and "stigg-plan-selected" in names
