"""Tiered and usage-based prices in `<stigg-paywall>` in real Chromium, on the demo catalog's
product-inkwell-org: server-rendered markup paints first and hydrates, the keyboard changes the
quantity and the total follows its tier, axe finds nothing serious, hostile catalog strings stay
text; a screenshot for review."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import Browser, Locator, Page, expect

from tests.conftest import DEMO_CATALOG
from tests.emulator.conftest import start_emulator
from tests.widgets.conftest import PYODIDE_TIMEOUT_MS, serious_axe_violations
from tests.widgets.models import hostile
from tests.widgets.test_browser_states import PAYLOAD, SHOWN
from tests.widgets.test_prerender import against, open_prerendered, run_prerender

pytestmark = pytest.mark.browser


def prerendered_tiers(browser: Browser, tmp: Path, payload: str = "{}") -> Iterator[Page]:
    """`python -m widgets.prerender` of the demo's tiered product, hydrating in the test page
    (an emulator of its own); every catalog string goes through the `payload` template."""
    catalog = tmp / "catalog.yaml"
    catalog.write_text(yaml.safe_dump(hostile(yaml.safe_load(DEMO_CATALOG.read_text()), payload)))
    emulator = start_emulator(tmp, catalog)
    try:
        done = run_prerender(
            emulator, *against(emulator), "--product-id=product-inkwell-org", "--id=pre"
        )
        assert done.returncode == 0, done.stderr
        markup = tmp / "paywall.html"
        markup.write_text(done.stdout)
        yield from open_prerendered(browser, emulator, tmp, markup)
    finally:
        emulator.stop()


@pytest.fixture(scope="module")
def tiers_page(
    browser: Browser, widget_runtime: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Page]:
    """The demo catalog's tiered and usage-based plans, prerendered then hydrated."""
    yield from prerendered_tiers(browser, tmp_path_factory.mktemp("tiers"))


@pytest.fixture(scope="module")
def hostile_tiers_page(
    browser: Browser, widget_runtime: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Page]:
    """The same plans with every catalog string (names, units) wrapped in live markup."""
    yield from prerendered_tiers(browser, tmp_path_factory.mktemp("tiers-xss"), PAYLOAD)


def plan(page: Page, plan_id: str) -> Locator:
    return page.locator(f'#pre li.plan[data-plan-id="{plan_id}"]')


def test_server_rendered_tiers_paint_then_hydrate(tiers_page: Page) -> None:
    volume = plan(tiers_page, "plan-org-volume")
    expect(volume.locator(".price .amount")).to_have_text("from $10")
    expect(volume.locator("table.tiers tbody tr")).to_have_count(3)
    expect(volume.locator('table.tiers tr[aria-current="true"] th')).to_have_text("1\u201310")
    volume.locator(".tier-total").evaluate("node => node.dataset.original = 'ssr'")
    expect(tiers_page.locator("#pre")).to_have_attribute(
        "data-hydrated", "true", timeout=PYODIDE_TIMEOUT_MS
    )
    assert volume.locator(".tier-total").get_attribute("data-original") == "ssr"


def test_keyboard_quantity_moves_the_total_across_tiers(tiers_page: Page) -> None:
    expect(tiers_page.locator("#pre")).to_have_attribute("data-hydrated", "true")
    for plan_id, quantity, total, row in (
        ("plan-org-volume", "11", "11 seats: $88", "11\u201350"),
        ("plan-org-graduated", "6", "6 seats: $115", "6\u201310"),
    ):
        card = plan(tiers_page, plan_id)
        field = card.locator('input[data-action="quantity"]')
        field.focus()
        tiers_page.keyboard.press("Control+A")
        tiers_page.keyboard.type(quantity)
        tiers_page.keyboard.press("Tab")  # commits the value: a change event
        expect(card.locator(".tier-total")).to_contain_text(total)
        expect(card.locator('table.tiers tr[aria-current="true"] th')).to_have_text(row)
    # Arrow keys step the quantity too: back into the first tier of Volume.
    volume = plan(tiers_page, "plan-org-volume")
    field = volume.locator('input[data-action="quantity"]')
    field.focus()
    tiers_page.keyboard.press("ArrowDown")
    tiers_page.keyboard.press("Tab")
    expect(volume.locator(".tier-total")).to_contain_text("10 seats: $100")


def test_usage_based_plan_shows_unit_price_and_inclusions(tiers_page: Page) -> None:
    payg = plan(tiers_page, "plan-org-payg")
    expect(payg.locator(".price .amount")).to_have_text("$5")
    expect(payg.locator(".usage-price")).to_contain_text("AI assists, billed by use")
    expect(payg.locator(".usage-rate")).to_have_text("$1 per 1,000 assists")
    expect(payg.locator(".features")).to_contain_text("Unlimited assists")
    graduated = plan(tiers_page, "plan-org-graduated")
    expect(graduated.locator(".usage-price table.tiers")).to_contain_text("$50 flat")


def test_axe_screenshot_and_no_errors(tiers_page: Page, artifacts_dir: Path) -> None:
    expect(tiers_page.locator("#pre")).to_have_attribute("data-hydrated", "true")
    assert serious_axe_violations(tiers_page) == []
    tiers_page.locator("#pre").screenshot(path=str(artifacts_dir / "widgets-tiered-paywall.png"))
    assert tiers_page.errors == []  # type: ignore[attr-defined]


def test_hostile_unit_names_in_tier_tables_stay_text(hostile_tiers_page: Page) -> None:
    page = hostile_tiers_page
    expect(page.locator("#pre")).to_have_attribute(
        "data-hydrated", "true", timeout=PYODIDE_TIMEOUT_MS
    )
    volume = plan(page, "plan-org-volume")
    expect(volume.locator("table.tiers caption")).to_contain_text(SHOWN)  # seat units
    expect(volume.locator(".tier-total")).to_contain_text(SHOWN)
    payg = plan(page, "plan-org-payg")
    expect(payg.locator(".usage-price")).to_contain_text(SHOWN)  # the metered feature's name
    field = volume.locator('input[data-action="quantity"]')
    field.fill("11")
    field.press("Tab")  # re-rendered by Python: still text
    expect(volume.locator(".tier-total")).to_contain_text("$88")
    expect(page.locator("#pre").locator("img, script")).to_have_count(0)
    assert page.evaluate("window.__xss") is None
    assert page.errors == []  # type: ignore[attr-defined]
