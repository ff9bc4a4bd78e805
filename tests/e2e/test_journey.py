"""The customer journey of the demo site in Chromium: pricing, sign-up, metered limit, checkout,
portal — against an emulator with the demo catalog that checks customer tokens."""

from __future__ import annotations

import asyncio
import itertools
import re
import secrets
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect

from demo_site.process import SiteProcess
from stigg_client import StiggServer
from tests.e2e.conftest import (
    PYODIDE_START_TIMEOUT_MS,
    journey_emulator_process,
    journey_site_process,
    off_loopback,
)
from tests.support.processes import EmulatorProcess

pytestmark = pytest.mark.browser
NBSP = "\u00a0"
T = TypeVar("T")


def python_ready(page: Page) -> None:
    """Wait until the page's Python has mounted the widgets and finished its start-up."""
    expect(page.locator("body")).to_have_attribute(
        "data-python", "ready", timeout=PYODIDE_START_TIMEOUT_MS
    )


def sign_up(page: Page, site: SiteProcess, next_path: str = "/app") -> str:
    """Create a new account through the sign-in page; returns the new customer id."""
    page.goto(f"{site.base_url}/signin?next={next_path}")
    page.fill("#signup-name", "Ada Lovelace")
    page.fill("#signup-email", f"ada-{secrets.token_hex(3)}@example.com")
    page.click("#signup")
    page.wait_for_url(f"**{next_path}")
    customer_id = page.locator("#signed-in-as").inner_text()
    assert re.fullmatch(r"customer-[0-9a-f]{12}", customer_id), customer_id
    return customer_id


def use_up_to_the_free_limit(page: Page, card: str, button: str, status: str, noun: str) -> None:
    """Click a metered action of the app's card `card` up to the Free plan's 3 a month: the meter
    counts each, then the gate closes on the button and the prompt offers Pro."""
    meter = page.locator(f"#{card}-meter .usage-value")
    expect(meter).to_have_text(f"0 of 3 {noun}s used")
    action = page.locator(button)
    for used in (1, 2, 3):
        action.click()
        expect(page.locator(status)).to_have_text(
            f"{noun.capitalize()} created ({used} of 3 this month)."
        )
        expect(meter).to_have_text(f"{used} of 3 {noun}s used")
    expect(page.locator(f"#{card}-gate")).to_have_attribute("data-access", "denied")
    expect(action).to_be_hidden()
    prompt = page.locator(f"#{card}-upgrade .upgrade-prompt")
    expect(prompt).to_have_attribute("data-plan-id", "plan-pro")


def pay_by_card(page: Page) -> None:
    """Pay the hosted checkout open in `page` with the test card that succeeds."""
    page.fill("#cardNumber", "4242 4242 4242 4242")
    page.click("#pay")
    page.wait_for_url("**/checkout/success?**")


def embedded_checkout(page: Page) -> Locator:
    """The `<stigg-checkout>` of the /checkout page `page` is heading to, once it is ready."""
    page.wait_for_url("**/checkout?**")
    python_ready(page)
    checkout = page.locator("#checkout")
    expect(checkout).to_have_attribute("data-state", "ready")
    return checkout


def checkout_total(checkout: Locator, line: str = "total") -> Locator:
    """An amount of the checkout's summary (`total`, `discount`, `credit`, `debit`, ...)."""
    return checkout.locator(f'[part~="summary"] [data-line="{line}"] dd')


def pay_in_page(checkout: Locator, card: str | None) -> None:
    """From any step, on to the payment step; pay with `card` typed in (None: the card on
    file) and the Pay button."""
    steps = ("plan", "addons", "billing", "payment")
    for step, following in itertools.pairwise(steps):
        if checkout.locator(f'[data-step="{step}"]').count():
            checkout.get_by_role("button", name="Continue").click()
            expect(checkout.locator(f'[data-step="{following}"]')).to_have_count(1)
    expect(checkout.get_by_label("Card number")).to_be_visible()
    if card is not None:
        checkout.get_by_label("Card number").fill(card)
        checkout.get_by_label("Expiry (MM/YY)").fill("12/40")
        checkout.get_by_label("Security code (CVC)").fill("123")
    checkout.get_by_role("button", name="Pay").click()


def bought_in_page(page: Page, checkout: Locator, card: str | None, plan: str) -> None:
    """Pay in the embedded checkout, then wait on the success page until `plan` is active."""
    pay_in_page(checkout, card)
    page.wait_for_url("**/checkout/success?**")
    subscription_confirmed(page)
    expect(page.locator("#new-plan")).to_have_text(plan)


def subscription_confirmed(page: Page, timeout_ms: float = PYODIDE_START_TIMEOUT_MS) -> None:
    """Wait until the checkout success page says the new subscription is active."""
    expect(page.locator("#checkout-progress")).to_have_attribute(
        "data-state", "done", timeout=timeout_ms
    )


def open_billing(page: Page) -> Locator:
    """Follow the Billing link; the customer portal once it shows the customer's data."""
    page.get_by_role("link", name="Billing").click()
    python_ready(page)
    portal = page.locator("#portal")
    expect(portal).to_have_attribute("data-state", "ready")
    return portal


def portal_usage(portal: Locator, feature_id: str) -> Locator:
    """The usage text ("N of M units used") of one feature in the customer portal."""
    return portal.locator(f".usage-meter[data-feature-id='{feature_id}'] .usage-value")


def plan_card(page: Page, element: str, plan_id: str) -> Locator:
    """One plan's card in the paywall element `element` (Playwright pierces shadow roots)."""
    return page.locator(f"{element} li.plan[data-plan-id='{plan_id}']")


def test_visitor_sees_monthly_annual_and_localized_prices(
    page: Page,
    journey_site: SiteProcess,
    journey_emulator: EmulatorProcess,
    requested_urls: list[str],
    csp_violations: list[str],
    artifacts_dir: Path,
) -> None:
    response = page.goto(f"{journey_site.base_url}/pricing")
    assert response is not None
    policy = response.headers["content-security-policy"]
    assert "script-src 'self' 'unsafe-eval' 'wasm-unsafe-eval';" in policy
    assert f"connect-src 'self' {journey_emulator.base_url} {journey_emulator.edge_url};" in policy
    paywall = page.locator("#paywall")
    # Server-rendered first paint: prices are there before Python runs.
    expect(paywall).to_have_attribute("data-stigg-ssr", "")
    expect(plan_card(page, "#paywall", "plan-pro").locator(".price")).to_have_text("$15 / month")
    python_ready(page)
    expect(paywall).to_have_attribute("data-hydrated", "true")
    pro = plan_card(page, "#paywall", "plan-pro")
    team = plan_card(page, "#paywall", "plan-team")
    expect(pro.locator(".price")).to_have_text("$15 / month")
    expect(team.locator(".price")).to_have_text("$12 per seat / month")
    expect(plan_card(page, "#paywall", "plan-free").locator(".price")).to_have_text("Free")
    expect(plan_card(page, "#paywall", "plan-enterprise").locator(".price")).to_have_text("Custom")
    page.locator("#paywall input[data-action='period'][value='ANNUALLY']").check()
    expect(paywall.locator("section.paywall")).to_have_attribute("data-billing-period", "ANNUALLY")
    expect(pro.locator(".price")).to_have_text("$150 / year")
    expect(team.locator(".price")).to_have_text("$120 per seat / year")
    page.screenshot(path=str(artifacts_dir / "journey-pricing-annual.png"), full_page=True)

    page.goto(f"{journey_site.base_url}/pricing?country=DE")
    expect(page.locator("html")).to_have_attribute("lang", "de-DE")
    pro_de = plan_card(page, "#paywall", "plan-pro")
    # The server's first paint and the hydrated page print the same localized amount.
    expect(pro_de.locator(".amount")).to_have_text(f"14{NBSP}€")
    python_ready(page)
    expect(page.locator("#paywall")).to_have_attribute("data-hydrated", "true")
    page.locator("#paywall input[data-action='period'][value='ANNUALLY']").check()
    expect(pro_de.locator(".amount")).to_have_text(f"140{NBSP}€")
    expect(plan_card(page, "#paywall", "plan-team").locator(".amount")).to_have_text(f"110{NBSP}€")
    expect(pro_de.locator(".period")).to_have_text("/ Jahr")
    page.screenshot(path=str(artifacts_dir / "journey-pricing-de.png"), full_page=True)
    assert off_loopback(requested_urls) == []
    assert csp_violations == []


def test_free_sign_up_gate_denied_metered_until_limit_then_upgrade_prompt(
    page: Page,
    journey_site: SiteProcess,
    journey_emulator: EmulatorProcess,
    requested_urls: list[str],
    csp_violations: list[str],
    artifacts_dir: Path,
) -> None:
    customer_id = sign_up(page, journey_site)
    assert journey_emulator.server_key not in page.content()
    python_ready(page)
    expect(page.locator("#history-gate")).to_have_attribute("data-access", "denied")
    expect(page.locator("#history-upgrade .upgrade-prompt")).to_have_attribute(
        "data-plan-id", "plan-pro"
    )
    expect(page.locator("#sso-upgrade .upgrade-prompt")).to_have_attribute(
        "data-plan-id", "plan-enterprise"
    )
    # Free exports to PDF only: each format's gate asks the ENUM check for its value.
    expect(page.locator("#format-pdf")).to_have_attribute("data-access", "granted")
    for denied in ("#format-docx", "#format-markdown", "#format-html"):
        expect(page.locator(denied)).to_have_attribute("data-access", "denied")
    expect(page.get_by_text("Word (DOCX): from Pro")).to_be_visible()
    use_up_to_the_free_limit(page, "templates", "#create-template", "#template-status", "template")
    expect(page.locator("#templates-meter [data-usage-level]")).to_have_attribute(
        "data-usage-level", "exceeded"
    )
    prompt = page.locator("#templates-upgrade .upgrade-prompt")
    expect(prompt).to_contain_text("Upgrade to Pro to unlock Templates")
    page.screenshot(path=str(artifacts_dir / "journey-limit-reached.png"), full_page=True)

    # The backend refuses a fourth template too, whatever the page shows.
    answer = page.request.post(f"{journey_site.base_url}/api/templates")
    assert answer.status == 402
    assert answer.json()["usage"] == 3
    # The client SDK sent this customer's token to the emulator (it checks them).
    emulator_calls = [u for u in requested_urls if u.startswith(journey_emulator.edge_url)]
    assert any(customer_id in url for url in emulator_calls)
    assert off_loopback(requested_urls) == []
    assert csp_violations == []


def test_export_sends_a_raw_event_that_the_plan_meter_counts(
    page: Page, journey_site: SiteProcess, csp_violations: list[str], artifacts_dir: Path
) -> None:
    sign_up(page, journey_site)
    python_ready(page)
    use_up_to_the_free_limit(page, "exports", "#export-pdf", "#export-status", "export")
    # Events count for their own meter only: no template was used.
    expect(page.locator("#templates-meter .usage-value")).to_have_text("0 of 3 templates used")
    page.screenshot(path=str(artifacts_dir / "journey-exports-limit.png"), full_page=True)
    answer = page.request.post(f"{journey_site.base_url}/api/exports")
    assert answer.status == 402
    assert answer.json() == {"error": "limit reached", "usage": 3, "limit": 3}
    assert csp_violations == []


def test_add_on_chosen_in_the_paywall_is_bought_at_checkout(
    page: Page, journey_site: SiteProcess, csp_violations: list[str], artifacts_dir: Path
) -> None:
    sign_up(page, journey_site)
    python_ready(page)
    team = plan_card(page, "#app-paywall", "plan-team")
    team.locator("input[data-action='addon'][value='addon-ai-pack']").check()
    team.locator("button.cta").click()
    checkout = embedded_checkout(page)
    expect(checkout_total(checkout)).to_have_text("$32.00")  # 2 seats + 8
    checkout.get_by_role("button", name="Continue").click()
    expect(checkout.get_by_label("Quantity of AI pack")).to_have_value("1")
    page.screenshot(path=str(artifacts_dir / "journey-checkout-addon.png"), full_page=True)
    bought_in_page(page, checkout, "4242 4242 4242 4242", "Team")

    portal = open_billing(page)
    expect(portal.locator(".section-addons li[part='addon']")).to_have_text("1 \u00d7 AI pack")
    # The add-on's 1,000 assists come on top of Team's 2,000.
    expect(portal_usage(portal, "feature-ai-credits")).to_have_text("0 of 3,000 assists used")
    page.screenshot(path=str(artifacts_dir / "journey-portal-addon.png"), full_page=True)
    assert csp_violations == []


def test_organisation_plans_price_seats_by_tier_through_checkout(
    page: Page, journey_site: SiteProcess, csp_violations: list[str], artifacts_dir: Path
) -> None:
    """The demo's VOLUME and GRADUATED seat tiers (issue 16): the paywall's total follows the
    tier of the seats picked, and the embedded checkout charges that total."""
    sign_up(page, journey_site, "/pricing/organisations")
    python_ready(page)
    volume = plan_card(page, "#paywall", "plan-org-volume")
    expect(volume.locator(".price .amount")).to_have_text("from $10")
    graduated = plan_card(page, "#paywall", "plan-org-graduated")
    seats = graduated.locator("input[data-action='quantity']")
    seats.fill("6")
    seats.press("Tab")
    expect(graduated.locator(".tier-total")).to_contain_text("6 seats: $115")
    page.screenshot(path=str(artifacts_dir / "journey-pricing-organisations.png"), full_page=True)
    seats = volume.locator("input[data-action='quantity']")
    seats.fill("11")
    seats.press("Tab")
    expect(volume.locator(".tier-total")).to_contain_text("11 seats: $88")
    volume.locator("button.cta").click()
    checkout = embedded_checkout(page)
    expect(checkout_total(checkout)).to_have_text("$88.00")
    bought_in_page(page, checkout, "4242 4242 4242 4242", "Org Volume")
    assert csp_violations == []


def test_sign_in_as_a_seeded_demo_customer(
    page: Page, journey_site: SiteProcess, csp_violations: list[str], artifacts_dir: Path
) -> None:
    page.goto(f"{journey_site.base_url}/signin?next=/app")
    customers = page.locator("ul.customers li")
    expect(customers).to_have_count(2)
    expect(customers.nth(0)).to_contain_text("First customer")
    expect(customers.nth(1)).to_contain_text("team@acme.example")
    page.get_by_role("button", name="Continue as Acme Writers").click()
    page.wait_for_url("**/app")
    expect(page.locator("#signed-in-as")).to_have_text("customer-demo-02")
    python_ready(page)
    # Acme is on Team with 3 seats (demo_site/catalog.yaml): what Team includes is open.
    expect(page.locator("#history-gate")).to_have_attribute("data-access", "granted")
    expect(page.locator("#templates-meter .usage-value")).to_contain_text("unlimited")
    expect(page.locator("#sso-gate")).to_have_attribute("data-access", "denied")
    team = plan_card(page, "#app-paywall", "plan-team")
    expect(team.locator(".badge-current")).to_be_visible()
    expect(team.locator("input[data-action='quantity']")).to_have_value("3")
    page.screenshot(path=str(artifacts_dir / "journey-demo-customer.png"), full_page=True)
    assert csp_violations == []


def paywall_state(page: Page, element: str) -> tuple[str | None, dict[str, tuple[str, int]], str]:
    """What a paywall shows its customer: the period, each plan's CTA text and number of
    current-plan badges, and Team's seats."""
    paywall = page.locator(element)
    plans = {}
    for plan_id in ("plan-free", "plan-pro", "plan-team", "plan-enterprise"):
        card = plan_card(page, element, plan_id)
        plans[plan_id] = (
            card.locator(".cta").inner_text(),
            card.locator(".badge-current").count(),
        )
    seats = plan_card(page, element, "plan-team").locator("input[data-action='quantity']")
    period = paywall.locator("section.paywall").get_attribute("data-billing-period")
    return period, plans, seats.input_value()


def test_signed_in_visitor_sees_their_plan_on_the_pricing_page(
    page: Page, journey_site: SiteProcess, csp_violations: list[str]
) -> None:
    """Acme (customer-demo-02, on Team with 3 seats) sees on /pricing, both server-rendered and
    hydrated, the current plan, period, seats and CTAs that the in-app paywall shows."""
    page.goto(f"{journey_site.base_url}/signin?next=/app")
    page.get_by_role("button", name="Continue as Acme Writers").click()
    page.wait_for_url("**/app")
    python_ready(page)
    in_app = plan_card(page, "#app-paywall", "plan-team")
    expect(in_app.locator(".badge-current")).to_be_visible()
    expect(in_app.locator("input[data-action='quantity']")).to_have_value("3")
    expected = paywall_state(page, "#app-paywall")
    _, plans, seats = expected
    assert seats == "3"
    assert plans["plan-team"][1] == 1

    page.goto(f"{journey_site.base_url}/pricing")
    paywall = page.locator("#paywall")
    # The server's first paint already shows the customer's plan, before Python runs.
    expect(paywall).to_have_attribute("data-stigg-ssr", "")
    team = plan_card(page, "#paywall", "plan-team")
    expect(team.locator(".badge-current")).to_be_visible()
    expect(team.locator(".cta")).not_to_have_text("Get started")
    assert paywall_state(page, "#paywall") == expected
    python_ready(page)
    expect(paywall).to_have_attribute("data-hydrated", "true")
    expect(team.locator(".badge-current")).to_be_visible()
    expect(team.locator("input[data-action='quantity']")).to_have_value("3")
    assert paywall_state(page, "#paywall") == expected
    # A downgrade is scheduled by the in-app paywall's backend call: the pricing page sends the
    # visitor there rather than to a checkout.
    pro_cta = plan_card(page, "#paywall", "plan-pro").locator(".cta")
    expect(pro_cta).to_have_text("Downgrade")
    pro_cta.click()
    page.wait_for_url("**/app#plans")
    assert csp_violations == []


HELD_ACTIVATION = ("--checkout-activation-delay", "3600")
"""Paid checkouts wait an hour to activate: until the test restarts the emulator, which activates
paid sessions when it starts (a billing webhook that arrives late)."""


def test_upgrade_through_hosted_checkout_with_promo_code(
    page: Page,
    built_runtime: Path,
    tmp_path: Path,
    csp_violations: list[str],
    artifacts_dir: Path,
) -> None:
    with own_journey(tmp_path, extra_args=HELD_ACTIVATION) as (emulator, site):
        sign_up(page, site)
        python_ready(page)
        expect(page.locator("#templates-meter .usage-value")).to_have_text("0 of 3 templates used")
        team = plan_card(page, "#app-paywall", "plan-team")
        team.locator("input[data-action='quantity']").fill("3")
        team.locator("input[data-action='quantity']").dispatch_event("change")
        team.locator("button.cta").click()
        embedded_checkout(page)
        page.get_by_role("link", name="Pay on the hosted checkout page instead").click()
        page.wait_for_url(re.compile(r".*/checkout/[^/?]+$"))
        order = page.locator("#order")
        expect(order).to_contain_text("$36.00")  # 3 seats at $12
        page.fill("#promotionCode", "LAUNCH20")
        page.click("#apply")
        expect(order).to_contain_text("$28.80")  # 20 % off
        page.screenshot(path=str(artifacts_dir / "journey-hosted-checkout.png"), full_page=True)
        pay_by_card(page)
        query = parse_qs(urlsplit(page.url).query)
        assert query["checkoutCompleted"] == ["true"]

        # Paid but not yet active: the page waits, and shows the plan as it still is.
        progress = page.locator("#checkout-progress")
        gate = page.locator("#success-history-gate")
        meter = page.locator("#success-meter .usage-value")
        expect(gate).to_have_attribute("data-access", "denied", timeout=PYODIDE_START_TIMEOUT_MS)
        expect(meter).to_have_text("0 of 3 templates used")
        expect(progress).to_have_attribute("data-state", "waiting")
        expect(progress.locator("progress")).to_be_visible()
        expect(page.locator("#checkout-message")).to_contain_text("Confirming your payment…")
        expect(page.locator("#checkout-result")).to_be_hidden()
        page.screenshot(path=str(artifacts_dir / "journey-checkout-waiting.png"), full_page=True)
        page.evaluate("() => { window.stillTheSamePage = true; }")

        emulator.restart()  # the late activation: Team starts now
        subscription_confirmed(page, timeout_ms=30_000)
        expect(page.locator("#new-plan")).to_have_text("Team")
        expect(gate).to_have_attribute("data-access", "granted")
        expect(meter).to_contain_text("unlimited")
        expect(page.locator("#checkout-message")).to_have_text("Payment confirmed.")
        # All of it without reloading the page.
        assert page.evaluate("() => window.stillTheSamePage") is True
        page.screenshot(path=str(artifacts_dir / "journey-checkout-success.png"), full_page=True)

        # The portal shows the new plan, the card paid with and the way to the invoices.
        page.goto(f"{site.base_url}/portal")
        python_ready(page)
        portal = page.locator("#portal")
        expect(portal).to_have_attribute("data-state", "ready")
        expect(portal.locator("li.subscription h4")).to_have_text("Team")
        expect(portal.locator(".section-payment")).to_contain_text("4242")
        history = portal.locator("a[part='invoice-history']")
        href = history.get_attribute("href")
        assert href is not None
        page.screenshot(path=str(artifacts_dir / "journey-portal-paid.png"), full_page=True)
        assert csp_violations == []
        page.goto(href)
        invoice = page.locator("#invoices tr")
        expect(invoice).to_have_count(1)
        expect(invoice).to_contain_text("SUBSCRIPTION_CREATION")
        expect(invoice).to_contain_text("PAID")
        expect(invoice).to_contain_text("$28.80")


def test_portal_shows_plan_and_usage(
    page: Page, journey_site: SiteProcess, csp_violations: list[str], artifacts_dir: Path
) -> None:
    sign_up(page, journey_site, next_path="/portal")
    for _ in range(2):
        assert page.request.post(f"{journey_site.base_url}/api/templates").ok
    python_ready(page)
    portal = page.locator("#portal")
    expect(portal).to_have_attribute("data-state", "ready")
    expect(portal.locator("li.subscription h4")).to_have_text("Free")
    expect(portal.locator("li.subscription")).to_have_attribute("data-status", "ACTIVE")
    expect(portal_usage(portal, "feature-templates")).to_have_text("2 of 3 templates used")
    expect(portal_usage(portal, "feature-ai-credits")).to_have_text("0 of 20 assists used")
    page.screenshot(path=str(artifacts_dir / "journey-portal.png"), full_page=True)
    assert csp_violations == []


def test_portal_billing_then_scheduled_seat_and_plan_downgrades_listed_and_cancelled(
    page: Page, journey_site: SiteProcess, csp_violations: list[str], artifacts_dir: Path
) -> None:
    base = journey_site.base_url
    sign_up(page, journey_site)
    page.goto(
        f"{base}/checkout?plan=plan-team&period=MONTHLY&seats=3&intention=UPGRADE_PLAN&hosted=1"
    )
    page.wait_for_url(re.compile(r".*/checkout/[^/?]+$"))
    pay_by_card(page)
    subscription_confirmed(page)

    # The portal: plan and seats, usage, the invoice just paid, the card, no pending change.
    portal = open_billing(page)
    expect(portal.locator("li.subscription h4")).to_have_text("Team")
    expect(portal.locator("li.subscription [part='price']")).to_have_text("$36 / month")
    expect(portal.locator("li.subscription [part='quantity']")).to_have_text("3 seats")
    expect(portal_usage(portal, "feature-ai-credits")).to_have_text("0 of 2,000 assists used")
    invoice = portal.locator("li[part='invoice']")
    expect(invoice).to_have_attribute("data-status", "PAID")
    expect(invoice).to_contain_text("$36")
    expect(invoice).to_contain_text("Paid")
    next_invoice = portal.locator("li[part='invoice-next']")
    expect(next_invoice).to_contain_text(re.compile(r"^Next invoice: \$36 on \S"))
    expect(portal.locator(".section-payment")).to_contain_text("Card ending in 4242")
    expect(portal.locator("a[part='invoice-history']")).to_be_visible()
    scheduled = portal.locator("li[part='scheduled-update']")
    expect(scheduled).to_have_count(0)
    page.screenshot(path=str(artifacts_dir / "journey-portal-team.png"), full_page=True)

    # In the app's plans the customer lowers Team to 2 seats: due at the end of the period.
    page.get_by_role("link", name="App").click()
    python_ready(page)
    team = plan_card(page, "#app-paywall", "plan-team")
    seats = team.locator("input[data-action='quantity']")
    expect(seats).to_have_value("3")  # what the customer has, from the live subscription
    seats.fill("2")
    seats.dispatch_event("change")
    expect(team.locator("button.cta")).to_have_attribute("data-intention", "CHANGE_UNIT_QUANTITY")
    team.locator("button.cta").click()
    expect(page.locator("#plans-status")).to_have_text(
        "Scheduled: 2 seats from your next billing date (see Billing to cancel)."
    )
    # The reloaded paywall shows the 3 seats still held and offers to cancel the change.
    expect(seats).to_have_value("3")
    expect(team.locator("button.cta")).to_have_attribute(
        "data-intention", "CANCEL_SCHEDULED_UPDATES"
    )

    # The portal lists the scheduled change; cancelling it there removes it.
    open_billing(page)
    expect(scheduled).to_have_count(1)
    expect(scheduled).to_have_attribute("data-schedule-type", "UnitAmount")
    expect(scheduled).to_contain_text(re.compile(r"^2 seats from \S.+Cancel$"))
    expect(portal.locator("li.subscription [part='quantity']")).to_have_text("3 seats")
    expect(next_invoice).to_contain_text("Next invoice: $24 on")  # 2 seats at the renewal
    page.screenshot(path=str(artifacts_dir / "journey-portal-scheduled.png"), full_page=True)
    scheduled.get_by_role("button", name="Cancel").click()
    expect(page.locator("#portal-status")).to_have_text("The scheduled change was cancelled.")
    expect(scheduled).to_have_count(0)
    expect(portal.locator("section.section-scheduled")).to_have_count(0)
    expect(next_invoice).to_contain_text("Next invoice: $36 on")
    expect(portal.locator("li.subscription [part='quantity']")).to_have_text("3 seats")
    page.screenshot(path=str(artifacts_dir / "journey-portal-cancelled.png"), full_page=True)

    # A plan downgrade from the in-app paywall: Pro from the end of the period, Team until then.
    page.get_by_role("link", name="App").click()
    python_ready(page)
    pro = plan_card(page, "#app-paywall", "plan-pro")
    expect(pro.locator("button.cta")).to_have_attribute("data-intention", "DOWNGRADE_PLAN")
    pro.locator("button.cta").click()
    expect(page.locator("#plans-status")).to_have_text(
        "Scheduled: Pro from your next billing date (see Billing to cancel)."
    )
    expect(pro.locator("button.cta")).to_have_attribute(
        "data-intention", "CANCEL_SCHEDULED_UPDATES"
    )
    open_billing(page)
    expect(scheduled).to_have_count(1)
    expect(scheduled).to_have_attribute("data-schedule-type", "Downgrade")
    expect(scheduled).to_contain_text(re.compile(r"^Changes to Pro on \S.+Cancel$"))
    expect(portal.locator("li.subscription h4")).to_have_text("Team")
    expect(next_invoice).to_contain_text("Next invoice: $15 on")  # Pro's month at the renewal
    page.screenshot(path=str(artifacts_dir / "journey-portal-plan-downgrade.png"), full_page=True)
    scheduled.get_by_role("button", name="Cancel").click()
    expect(page.locator("#portal-status")).to_have_text("The scheduled change was cancelled.")
    expect(scheduled).to_have_count(0)
    expect(next_invoice).to_contain_text("Next invoice: $36 on")
    expect(portal.locator("li.subscription h4")).to_have_text("Team")
    assert csp_violations == []


def test_second_tab_sees_new_usage_within_a_second(
    page: Page, context: BrowserContext, journey_site: SiteProcess, artifacts_dir: Path
) -> None:
    sign_up(page, journey_site)
    other = context.new_page()
    other.goto(f"{journey_site.base_url}/app")
    python_ready(page)
    python_ready(other)
    other_meter = other.locator("#templates-meter .usage-value")
    expect(other_meter).to_have_text("0 of 3 templates used")
    page.click("#create-template")
    expect(page.locator("#template-status")).to_have_text("Template created (1 of 3 this month).")
    expect(other_meter).to_have_text("1 of 3 templates used", timeout=1_000)
    other.screenshot(path=str(artifacts_dir / "journey-second-tab.png"), full_page=True)


def test_a_returning_visitor_starts_from_saved_entitlements_and_gets_the_fresh_ones(
    page: Page, journey_site: SiteProcess, journey_emulator: EmulatorProcess
) -> None:
    """The app page answers from the SDK's persisted snapshot at once; the load that follows
    brings what changed while the visitor was away (another device counted a template)."""
    customer_id = sign_up(page, journey_site)
    python_ready(page)
    meter = page.locator("#templates-meter .usage-value")
    expect(meter).to_have_text("0 of 3 templates used")
    page.goto(f"{journey_site.base_url}/pricing")
    with_server(
        journey_emulator, lambda server: server.report_usage(customer_id, "feature-templates", 1)
    )
    page.goto(f"{journey_site.base_url}/app")
    expect(meter).to_have_text("1 of 3 templates used")
    python_ready(page)
    expect(meter).to_have_text("1 of 3 templates used")


def with_server(emulator: EmulatorProcess, action: Callable[[StiggServer], Awaitable[T]]) -> T:
    """Run `action` with a server-key SDK on `emulator` (in a thread: Playwright's sync API owns
    this thread's event loop)."""

    async def run() -> T:
        async with StiggServer(
            api_key=emulator.server_key, base_uri=emulator.base_url, realtime_updates=False
        ) as server:
            return await action(server)

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, run()).result(timeout=30)


GRANTED_AT = """gate => {
    const check = () => {
        if (gate.getAttribute("data-access") === "granted" && !gate.dataset.grantedAt) {
            gate.dataset.grantedAt = String(performance.timeOrigin + performance.now());
        }
    };
    new MutationObserver(check).observe(gate, {attributes: true, attributeFilter: ["data-access"]});
    check();
}"""
"""Stamps the gate with the wall-clock time (ms) it first shows access granted."""
ACTIVATED_AT = """() => document.addEventListener("stigg-checkout-completed", () =>
    localStorage.setItem("test-activated-at", String(performance.timeOrigin + performance.now())))
"""
"""Record (for the other tab) when the checkout completed: the subscription was active before."""


def test_second_tab_sees_the_upgrade_within_a_second(
    page: Page,
    context: BrowserContext,
    journey_site: SiteProcess,
    journey_emulator: EmulatorProcess,
    artifacts_dir: Path,
) -> None:
    """A customer with a card on file upgrades in one tab's embedded checkout (paid with that
    card) and the other open tab opens its gate within a second of that."""
    customer_id = sign_up(page, journey_site)
    with_server(
        journey_emulator,
        lambda server: server.update_customer(
            customer_id, billing_info={"payment_method_id": "pm_card_on_file"}
        ),
    )
    page.goto(f"{journey_site.base_url}/app")
    other = context.new_page()
    other.goto(f"{journey_site.base_url}/app")
    python_ready(page)
    python_ready(other)
    gate = other.locator("#history-gate")
    expect(gate).to_have_attribute("data-access", "denied")
    expect(other.locator("#templates-meter .usage-value")).to_have_text("0 of 3 templates used")
    gate.evaluate(GRANTED_AT)

    team = plan_card(page, "#app-paywall", "plan-team")
    expect(team.locator("button.cta")).to_have_attribute("data-intention", "UPGRADE_PLAN")
    team.locator("button.cta").click()
    checkout = embedded_checkout(page)
    page.evaluate(ACTIVATED_AT)
    pay_in_page(checkout, None)  # no card typed: the card on file pays
    page.wait_for_url("**/checkout/success?**")
    activated_by = other.evaluate("() => Number(localStorage.getItem('test-activated-at'))")
    assert activated_by > 0, "no completion time recorded"

    expect(gate).to_have_attribute("data-access", "granted", timeout=5_000)
    expect(other.locator("#templates-meter .usage-value")).to_contain_text("unlimited")
    granted_at = float(gate.get_attribute("data-granted-at") or "nan")
    other.screenshot(path=str(artifacts_dir / "journey-second-tab-upgrade.png"), full_page=True)
    # Tab 2 learned of the upgrade from the live push (or tab 1's broadcast) within a second.
    assert granted_at - activated_by <= 1_000, (granted_at, activated_by)
    subscription_confirmed(page)
    expect(page.locator("#new-plan")).to_have_text("Team")


def test_backend_refuses_cross_site_and_anonymous_requests(journey_site: SiteProcess) -> None:
    base = journey_site.base_url
    assert httpx.post(f"{base}/api/templates").status_code == 401
    cross = httpx.post(f"{base}/api/templates", headers={"Origin": "http://evil.example"})
    assert cross.status_code == 403
    forged = httpx.post(f"{base}/api/templates", cookies={"inkwell_session": "customer-x.00"})
    assert forged.status_code == 401
    for path in (
        "/api/subscription/seats",
        "/api/subscription/downgrade",
        "/api/scheduled-updates/cancel",
    ):
        assert httpx.post(f"{base}{path}", data={"seats": "2"}).status_code == 401, path
        evil = httpx.post(f"{base}{path}", headers={"Origin": "http://evil.example"})
        assert evil.status_code == 403, path
    redirect = httpx.get(f"{base}/checkout?plan=plan-pro", follow_redirects=False)
    assert redirect.status_code == 303
    assert redirect.headers["location"].startswith("/signin?next=")


def test_visitor_starts_a_trial_from_the_pricing_page(
    page: Page, journey_site: SiteProcess, csp_violations: list[str], artifacts_dir: Path
) -> None:
    page.goto(f"{journey_site.base_url}/pricing")
    python_ready(page)
    pro = plan_card(page, "#paywall", "plan-pro")
    expect(pro).to_have_attribute("data-intention", "START_TRIAL")
    pro.locator("button.cta").click()
    # Not signed in: the backend sends the visitor to sign up, then on to the chosen plan.
    page.wait_for_url("**/signin?next=*")
    page.fill("#signup-name", "Grace Hopper")
    page.fill("#signup-email", "grace@example.com")
    page.click("#signup")
    page.wait_for_url("**/checkout/success?**")
    subscription_confirmed(page)
    expect(page.locator("#new-plan")).to_have_text("Pro")
    expect(page.locator("#success-history-gate")).to_have_attribute("data-access", "granted")
    expect(page.locator("#success-meter .usage-value")).to_have_text("0 of 50 templates used")
    page.screenshot(path=str(artifacts_dir / "journey-trial.png"), full_page=True)
    assert csp_violations == []


@contextmanager
def own_journey(
    tmp_path: Path, extra_args: tuple[str, ...] = ()
) -> Iterator[tuple[EmulatorProcess, SiteProcess]]:
    """An emulator and demo site of one test's own (for outages, restarts and the test clock)."""
    emulator = journey_emulator_process(tmp_path, extra_args).start()
    site = journey_site_process(emulator, tmp_path / "site.log")
    try:
        yield emulator, site.start()
    finally:
        site.stop()
        emulator.stop()


def test_emulator_outage_keeps_the_app_working_and_it_recovers(
    page: Page, built_runtime: Path, tmp_path: Path, artifacts_dir: Path
) -> None:
    with own_journey(tmp_path) as (emulator, site):
        sign_up(page, site)
        python_ready(page)
        meter = page.locator("#templates-meter .usage-value")
        expect(meter).to_have_text("0 of 3 templates used")
        notice = page.locator("#offline-notice")
        expect(notice).to_be_hidden()

        emulator.stop()
        expect(notice).to_be_visible(timeout=15_000)
        # Entitlements keep answering from the SDK's cache.
        expect(page.locator("#history-gate")).to_have_attribute("data-access", "denied")
        expect(meter).to_have_text("0 of 3 templates used")
        page.screenshot(path=str(artifacts_dir / "journey-offline.png"), full_page=True)

        # A page opened while the API is down starts from the entitlements it saved last time
        # (the SDK's persisted snapshot), not from fallbacks.
        page.reload()
        python_ready(page)
        expect(notice).to_be_visible()
        expect(meter).to_have_text("0 of 3 templates used")
        expect(page.locator("#history-gate")).to_have_attribute("data-access", "denied")

        emulator.start()
        expect(notice).to_be_hidden(timeout=15_000)
        page.click("#create-template")
        expect(page.locator("#template-status")).to_have_text(
            "Template created (1 of 3 this month)."
        )
        expect(meter).to_have_text("1 of 3 templates used")


def test_trial_ends_without_a_card_and_the_open_app_downgrades(
    page: Page, built_runtime: Path, tmp_path: Path, artifacts_dir: Path
) -> None:
    with own_journey(tmp_path) as (emulator, site):
        sign_up(page, site)
        page.goto(f"{site.base_url}/checkout?plan=plan-pro&period=MONTHLY&intention=START_TRIAL")
        page.wait_for_url("**/checkout/success?**")
        subscription_confirmed(page)
        expect(page.locator("#new-plan")).to_have_text("Pro")
        page.goto(f"{site.base_url}/app")
        python_ready(page)
        history = page.locator("#history-gate")
        meter = page.locator("#templates-meter .usage-value")
        expect(history).to_have_attribute("data-access", "granted")
        expect(meter).to_have_text("0 of 50 templates used")
        expect(plan_card(page, "#app-paywall", "plan-pro").locator(".badge-trial")).to_be_visible()

        # Past the 14-day trial with no card on file: the subscription ends, Free takes over.
        answer = httpx.post(
            f"{emulator.base_url}/emulator/clock",
            json={"by": "15d"},
            headers={"X-API-KEY": emulator.server_key},
        )
        assert answer.status_code == 200, answer.text
        # The emulator pushes the change over the page's live stream; the SDK's 30 s refresh is
        # the safety net should the stream be reconnecting just then (the page itself never polls).
        expect(history).to_have_attribute("data-access", "denied", timeout=35_000)
        expect(meter).to_have_text("0 of 3 templates used")
        page.screenshot(path=str(artifacts_dir / "journey-trial-ended.png"), full_page=True)
