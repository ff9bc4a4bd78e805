"""The public pricing page in real Chromium: an anonymous visitor (no customer), German `Intl`
prices, a country's price points, hide-addons; axe over all of it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.support.processes import EmulatorProcess
from tests.widgets.conftest import (
    CUSTOMER_ID,
    dom_events,
    open_widget_page,
    serious_axe_violations,
    start_site,
)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def pricing_page(
    browser: Browser,
    widget_runtime: None,
    emulator: EmulatorProcess,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Page]:
    """/pricing for a visitor the SDK knows no customer of."""
    log = tmp_path_factory.mktemp("pricing") / "site.log"
    site = start_site(emulator, log, ssr=False, customer_id=None)
    try:
        yield from open_widget_page(browser, site, "pricing")
    finally:
        site.stop()


def intl_money(page: Page, locale: str, amount: float, currency: str) -> str:
    """What the browser's own `Intl` makes of a whole amount."""
    return str(
        page.evaluate(
            """([locale, amount, currency]) => new Intl.NumberFormat(locale, {style: 'currency',
              currency, maximumFractionDigits: 0}).format(amount)""",
            [locale, amount, currency],
        )
    )


def plan(paywall: Locator, plan_id: str) -> Locator:
    return paywall.locator(f'li.plan[data-plan-id="{plan_id}"]')


def test_anonymous_visitor_gets_no_badges_and_start_ctas(pricing_page: Page) -> None:
    paywall = pricing_page.locator("#paywall")
    expect(paywall.locator("li.plan")).to_have_count(3)
    expect(paywall).to_have_attribute("data-current-plan", "")
    expect(paywall.locator("li.plan[data-current], li.plan[data-scheduled]")).to_have_count(0)
    expect(paywall.locator(".badge-current, .badge-trial, .badge-scheduled")).to_have_count(0)
    expect(paywall.locator(".badge")).to_have_text(["Recommended"])  # highlighted-plan-id only
    ctas = paywall.locator("button.cta")
    expect(ctas).to_have_text(["Get started", "Get started", "Start 14-day trial"])
    for index in range(3):
        expect(ctas.nth(index)).to_be_enabled()
    expect(plan(paywall, "plan-stigg-team")).to_have_attribute("data-intention", "START_TRIAL")
    expect(plan(paywall, "plan-stigg-pro")).to_have_attribute("data-intention", "UPGRADE_PLAN")
    start = len(dom_events(pricing_page))
    plan(paywall, "plan-stigg-pro").locator("button.cta").click()
    detail = dom_events(pricing_page, start)[-1]["detail"]
    assert detail["planId"] == "plan-stigg-pro" and detail["intention"] == "UPGRADE_PLAN"
    assert detail["customerId"] is None and detail["resourceId"] is None


def test_german_paywall_formats_prices_with_intl(pricing_page: Page) -> None:
    paywall = pricing_page.locator("#paywall-de")
    pro = plan(paywall, "plan-stigg-pro")
    twelve = intl_money(pricing_page, "de-DE", 12, "USD")
    assert twelve != "$12" and twelve.startswith("12")  # "12 $": Intl, not the CPython fallback
    expect(pro.locator(".amount")).to_have_text(twelve)
    expect(pro.locator(".price")).to_contain_text("/ Monat")
    expect(plan(paywall, "plan-stigg-team").locator(".price")).to_contain_text(
        f"{intl_money(pricing_page, 'de-DE', 10, 'USD')} pro seat / Monat"  # units: catalog's
    )
    expect(paywall.locator(".save")).to_have_text("16 % sparen")
    expect(plan(paywall, "plan-stigg-team").locator("button.cta")).to_have_text(
        "14 Tage kostenlos testen"
    )
    paywall.locator('input[value="ANNUALLY"]').check()
    expect(pro.locator(".amount")).to_have_text(intl_money(pricing_page, "de-DE", 120, "USD"))
    expect(pro.locator(".price")).to_contain_text("/ Jahr")


def test_billing_country_code_shows_the_countrys_price_points(pricing_page: Page) -> None:
    paywall = pricing_page.locator("#paywall-dk")
    pro = plan(paywall, "plan-stigg-pro")
    expect(pro.locator(".amount")).to_have_text(intl_money(pricing_page, "en", 90, "DKK"))
    # Team has no Danish prices: its default price stays.
    expect(plan(paywall, "plan-stigg-team").locator(".amount")).to_have_text("$10")
    paywall.locator('input[value="ANNUALLY"]').check()
    expect(pro.locator(".amount")).to_have_text(intl_money(pricing_page, "en", 900, "DKK"))
    expect(
        plan(pricing_page.locator("#paywall"), "plan-stigg-pro").locator(".amount")
    ).to_have_text("$12")


def test_hide_addons_attribute(pricing_page: Page) -> None:
    expect(pricing_page.locator("#paywall .addons")).not_to_have_count(0)
    for element_id in ("paywall-de", "paywall-dk"):
        expect(pricing_page.locator(f"#{element_id} .addons")).to_have_count(0)
        expect(pricing_page.locator(f"#{element_id} li.plan")).to_have_count(3)
    pricing_page.locator("#paywall-dk").evaluate("el => el.hideAddons = false")
    expect(pricing_page.locator("#paywall-dk .addons")).to_have_count(2)  # Pro's and Team's
    pricing_page.locator("#paywall-dk").evaluate("el => el.hideAddons = true")
    expect(pricing_page.locator("#paywall-dk .addons")).to_have_count(0)


def test_axe_reports_no_serious_violations_for_the_anonymous_page(pricing_page: Page) -> None:
    assert serious_axe_violations(pricing_page) == []


def test_signing_in_turns_the_public_paywall_into_the_customers(pricing_page: Page) -> None:
    """After `set_customer_id` the SDK loads the customer's entitlements (a second
    initialization, which counts as a change): the live paywall shows their current plan."""
    paywall = pricing_page.locator("#paywall")
    start = len(dom_events(pricing_page))
    pricing_page.evaluate(f"window.stiggSetCustomer('{CUSTOMER_ID}')")
    starter = plan(paywall, "plan-stigg-starter")
    expect(starter).to_have_attribute("data-current", "", timeout=30_000)
    expect(starter.locator(".badge-current")).to_have_text("Current plan")
    expect(starter.locator("button.cta")).to_be_disabled()
    expect(paywall).to_have_attribute("data-current-plan", "plan-stigg-starter")
    expect(plan(paywall, "plan-stigg-pro").locator("button.cta")).to_have_text("Upgrade")
    ready = [e["target"] for e in dom_events(pricing_page, start) if e["name"] == "stigg-ready"]
    assert "paywall" in ready


def test_no_page_errors(pricing_page: Page) -> None:
    assert pricing_page.errors == []  # type: ignore[attr-defined]
