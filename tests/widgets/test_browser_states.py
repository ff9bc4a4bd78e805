"""Widgets in real Chromium: hostile catalog strings never run, and error/offline/retry states."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from playwright.sync_api import Browser, Page, expect

from demo_site.process import free_port
from tests.conftest import TEST_CATALOG, database_url_for
from tests.support.processes import EmulatorProcess
from tests.widgets.conftest import (
    CUSTOMER_ID,
    WidgetSite,
    assert_matches_baseline,
    dom_events,
    open_widget_page,
    page_on_own_emulator,
    python_events,
    serious_axe_violations,
    start_site,
)
from tests.widgets.models import hostile

PAYLOAD = '<img src=x onerror="window.__xss=1">{}<script>window.__xss=2</script>'
SHOWN = '<img src=x onerror="window.__xss=1">'


def hostile_catalog() -> dict[str, Any]:
    """The test catalog, its customer given a promotional entitlement, with every display
    string, unit name and metadata value wrapped in markup that would run if parsed."""
    catalog: dict[str, Any] = yaml.safe_load(TEST_CATALOG.read_text())
    customer = next(c for c in catalog["customers"] if c["id"] == CUSTOMER_ID)
    customer["promotionalEntitlements"] = [
        {"feature": "feature-demo-01", "period": "ONE_MONTH", "usageLimit": 10}
    ]
    result: dict[str, Any] = hostile(catalog, PAYLOAD)
    return result


@pytest.fixture(scope="module")
def xss_page(
    browser: Browser, widget_runtime: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Page]:
    tmp = tmp_path_factory.mktemp("xss")
    catalog = tmp / "catalog.yaml"
    catalog.write_text(yaml.safe_dump(hostile_catalog()))
    for page, _ in page_on_own_emulator(browser, tmp, catalog, ssr=True):
        yield page


def test_hostile_catalog_strings_render_as_text(xss_page: Page) -> None:
    paywall = xss_page.locator("#paywall")
    expect(paywall.locator("li.plan h3").first).to_contain_text(SHOWN)
    team = paywall.locator('li[data-plan-id="plan-stigg-team"]')
    expect(team.locator(".unit")).to_contain_text(SHOWN)  # the seat feature's units
    expect(team.locator(".quantity")).to_contain_text(SHOWN)  # ...and plural
    expect(paywall.locator(".addon").first).to_contain_text(SHOWN)  # add-on name
    portal = xss_page.locator("#portal")
    expect(portal.locator('[part="promotion"]')).to_contain_text(SHOWN)  # promotional feature
    expect(portal.locator(".section-billing")).to_contain_text(f"Billed to {SHOWN}")
    expect(xss_page.locator("#meter .usage-value")).to_contain_text(SHOWN)  # units of a meter
    for element_id in ("paywall", "table", "portal", "ssr", "prompt", "meter"):
        images = xss_page.locator(f"#{element_id}").locator("img, script")
        expect(images).to_have_count(0)
    assert xss_page.evaluate("window.__xss") is None
    assert xss_page.errors == []  # type: ignore[attr-defined]


def test_hostile_catalog_strings_render_as_text_in_the_checkout(xss_page: Page) -> None:
    xss_page.goto(xss_page.url.split("?")[0].rstrip("/") + f"/checkout?customer={CUSTOMER_ID}")
    xss_page.wait_for_function("document.body.dataset.python === 'ready'")
    checkout = xss_page.locator("#checkout")
    expect(checkout).to_have_attribute("data-state", "ready")
    expect(checkout.locator("h2")).to_contain_text(SHOWN)  # the plan's name
    checkout.get_by_role("button", name="Continue").click()
    expect(checkout.locator(".checkout-step")).to_contain_text(SHOWN)  # seat units, add-on
    expect(checkout.locator("img, script")).to_have_count(0)
    assert xss_page.evaluate("window.__xss") is None
    assert xss_page.errors == []  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def dead_page(
    browser: Browser, widget_runtime: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Page]:
    """The page pointed at a port where nothing listens: every load fails."""
    tmp = tmp_path_factory.mktemp("dead")
    nothing = EmulatorProcess(
        database_url=database_url_for(tmp),
        catalog=TEST_CATALOG,
        log_path=tmp / "e.log",
        port=free_port(),
        edge_port=free_port(),
    )
    site: WidgetSite = start_site(nothing, tmp / "site.log", ssr=False)
    try:
        yield from open_widget_page(browser, site)
    finally:
        site.stop()


def test_error_state_has_alert_and_retry(dead_page: Page) -> None:
    paywall = dead_page.locator("#paywall")
    expect(paywall).to_have_attribute("data-state", "error")
    alert = paywall.locator('[role="alert"]')
    expect(alert).to_be_visible()
    expect(alert.get_by_role("button", name="Retry")).to_be_visible()
    start = len(dom_events(dead_page))
    alert.get_by_role("button", name="Retry").click()
    dead_page.wait_for_function(
        f"window.stiggEvents.slice({start}).some(e => e.name === 'stigg-error')", timeout=60_000
    )
    expect(paywall).to_have_attribute("data-state", "error")
    errors = [e for e in dom_events(dead_page) if e["name"] == "stigg-error"]
    assert errors[-1]["target"] == "paywall" and errors[-1]["detail"]["retryable"] is True
    assert errors[-1]["detail"]["message"]
    assert all(e["bubbles"] and e["composed"] and e["cancelable"] for e in errors)
    # Python subscribers got the same errors, with the same payload (`retryable` included).
    python_errors = [e for e in python_events(dead_page) if e["name"] == "stigg-error"]
    assert python_errors == [
        {"name": e["name"], "target": e["target"], "detail": e["detail"]} for e in errors
    ]


def test_retry_by_keyboard(dead_page: Page) -> None:
    paywall = dead_page.locator("#paywall")
    expect(paywall).to_have_attribute("data-state", "error")
    for key in ("Enter", "Space"):
        start = len(dom_events(dead_page))
        paywall.get_by_role("button", name="Retry").focus()
        dead_page.keyboard.press(key)
        dead_page.wait_for_function(
            f"window.stiggEvents.slice({start}).some(e => e.name === 'stigg-error'"
            " && e.target === 'paywall')",
            timeout=60_000,
        )
        expect(paywall).to_have_attribute("data-state", "error")


def test_offline_state_when_the_browser_is_offline(dead_page: Page, artifacts_dir: Path) -> None:
    portal = dead_page.locator("#portal")
    dead_page.context.set_offline(True)
    try:
        portal.get_by_role("button", name="Retry").click()
        expect(portal).to_have_attribute("data-state", "offline", timeout=60_000)
        expect(portal.locator('[role="status"]')).to_contain_text("offline")
        assert_matches_baseline(dead_page, portal, "portal-offline", artifacts_dir)
    finally:
        dead_page.context.set_offline(False)


def test_error_state_screenshot_and_axe(dead_page: Page, artifacts_dir: Path) -> None:
    """Every element of the page failed to load: error (or offline) states only. (PyScript
    prints the logged load failures into the page, in its own `.py-error` blocks: not ours.)"""
    assert serious_axe_violations(dead_page, exclude=[".py-error"]) == []
    paywall = dead_page.locator("#paywall")
    expect(paywall).to_have_attribute("data-state", "error")
    assert_matches_baseline(dead_page, paywall, "paywall-error", artifacts_dir)


@pytest.fixture
def bare_page(browser: Browser, dead_page: Page) -> Iterator[Page]:
    """The elements without Python (the shim alone): what a visitor sees before Pyodide."""
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    try:
        page.goto(dead_page.url + "bare")
        yield page
    finally:
        page.close()


def test_loading_state_is_busy_before_python(bare_page: Page, artifacts_dir: Path) -> None:
    paywall = bare_page.locator("#p")
    expect(paywall).to_have_attribute("aria-busy", "true")
    expect(paywall).to_have_attribute("data-state", "loading")
    expect(paywall.locator(".skeleton-card")).to_have_count(3)
    # The skeleton's status names itself for assistive tech: localized, overridable, not shown.
    expect(paywall.get_by_role("status")).to_have_text("Loading…")
    expect(bare_page.locator("#m").get_by_role("status")).to_have_text("Wird geladen…")
    expect(bare_page.locator("#c").get_by_role("status")).to_have_text("One moment")
    box = paywall.locator(".state-loading .visually-hidden").bounding_box()
    assert box is not None and box["width"] <= 1 and box["height"] <= 1
    assert serious_axe_violations(bare_page) == []
    assert_matches_baseline(bare_page, paywall, "paywall-loading", artifacts_dir)


def test_shim_reflects_attributes_and_replays_calls_made_before_python(bare_page: Page) -> None:
    assert bare_page.evaluate("document.querySelector('#p').productId = 'x'") == "x"
    expect(bare_page.locator("#p")).to_have_attribute("product-id", "x")
    bare_page.evaluate("document.querySelector('#p').hideAddons = true")
    expect(bare_page.locator("#p")).to_have_attribute("hide-addons", "")
    # Register late, as Python does: every call queued so far arrives, in order, then live ones.
    calls = bare_page.evaluate(
        """() => { window.calls = [];
          window.stiggElements.register((kind, el, name, old, value) =>
            window.calls.push([kind, el.id, name, old, value]));
          document.querySelector('#g').setAttribute('feature-id', 'f');
          return window.calls; }"""
    )
    # Elements upgrade tag by tag (in the shim's definition order), each once.
    assert sorted(calls[:4]) == [["connected", i, None, None, None] for i in "cgmp"]
    assert calls[4:] == [
        ["attribute", "p", "product-id", None, "x"],
        ["attribute", "p", "hide-addons", None, ""],
        ["attribute", "g", "feature-id", None, "f"],
    ]
