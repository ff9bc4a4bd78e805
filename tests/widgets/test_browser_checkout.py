"""`<stigg-checkout>` in real Chromium against the session emulator (test catalog: Team is
10 USD a seat per month, STIGG30 takes 30 % off): steps, live prices, promotion codes, the
in-page card form (declined, needs authentication, pays), the hand-off, events, German + dark."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import Browser, Locator, expect

from tests.sdk.backend import new_customer
from tests.support.processes import EmulatorProcess
from tests.widgets.conftest import (
    WidgetSite,
    dom_events,
    open_widget_page,
    serious_axe_violations,
)

ACTIVE = """query S($input: GetActiveSubscriptionsInput!) {
  getActiveSubscriptions(input: $input) { subscriptionId }
}"""
PROVISION = """mutation V($input: ProvisionSubscriptionInput!) {
  provisionSubscriptionV2(input: $input) { status }
}"""


def graphql(emulator: EmulatorProcess, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    response = httpx.post(
        f"{emulator.base_url}/graphql",
        json={"query": query, "variables": variables},
        headers={"X-API-KEY": emulator.server_key},
        timeout=10,
    )
    body: dict[str, Any] = response.json()
    return body


def use_up_single30(emulator: EmulatorProcess) -> None:
    """SINGLE30 allows one redemption: take it (it may already be taken by another test)."""
    other = new_customer(emulator, None, payment_method_id="pm_card_visa")
    data = {
        "customerId": other,
        "planId": "plan-stigg-pro",
        "promotionCode": "SINGLE30",
        "skipTrial": True,
    }
    graphql(emulator, PROVISION, {"input": data})


def active_subscriptions(emulator: EmulatorProcess, customer_id: str) -> list[Any]:
    body = graphql(emulator, ACTIVE, {"input": {"customerId": customer_id}})
    return list(body["data"]["getActiveSubscriptions"])


def to_payment_step(checkout: Locator) -> None:
    checkout.get_by_role("button", name="Continue").click()
    checkout.get_by_role("button", name="Continue").click()
    checkout.get_by_label("Name").fill("Ada Lovelace")
    checkout.get_by_role("button", name="Continue").click()


def enter_card(checkout: Locator, number: str) -> None:
    checkout.get_by_label("Card number").fill(number)
    checkout.get_by_label("Expiry (MM/YY)").fill("12/40")
    checkout.get_by_label("Security code (CVC)").fill("123")


def test_checkout_steps_prices_promotion_codes_and_card_outcomes(
    browser: Browser,
    widget_site: WidgetSite,
    emulator: EmulatorProcess,
    artifacts_dir: Path,
) -> None:
    customer_id = new_customer(emulator, None)
    use_up_single30(emulator)
    for page in open_widget_page(browser, widget_site, f"checkout?customer={customer_id}"):
        checkout = page.locator("#checkout")
        summary = checkout.locator('[part~="summary"]')
        expect(checkout.locator("h2")).to_have_text("Checkout: Team")
        expect(summary.locator('[data-line="total"] dd')).to_have_text("$20.00")
        assert serious_axe_violations(page) == []

        checkout.get_by_role("button", name="Continue").click()
        seats = checkout.get_by_label("Number of seats")
        expect(seats).to_have_attribute("max", "100")
        seats.fill("3")
        seats.press("Tab")
        expect(summary.locator('[data-line="total"] dd')).to_have_text("$30.00")

        code = checkout.get_by_label("Promotion code")
        for typed, message in (
            ("NO-SUCH-CODE", "This promotion code does not exist."),
            ("OVER30", "This promotion code has expired."),
            ("SINGLE30", "This promotion code cannot be used for this purchase."),
        ):
            code.fill(typed)
            checkout.get_by_role("button", name="Apply").click()
            expect(checkout.get_by_role("alert")).to_have_text(message)
            expect(checkout.get_by_label("Promotion code")).to_have_value(typed)
        checkout.get_by_label("Promotion code").fill("STIGG30")
        checkout.get_by_role("button", name="Apply").click()
        expect(summary.locator('[data-line="discount"] dd')).to_have_text("\u2212$9.00")
        expect(summary.locator('[data-line="total"] dd')).to_have_text("$21.00")

        checkout.get_by_role("button", name="Continue").click()
        checkout.get_by_label("Name").fill("Ada Lovelace")
        checkout.get_by_label("Tax ID type").select_option("eu_vat")
        checkout.get_by_label("Tax ID", exact=True).fill("DE123456789")
        checkout.get_by_role("button", name="Continue").click()

        enter_card(checkout, "4000 0000 0000 0002")
        checkout.get_by_role("button", name="Pay").click()
        expect(checkout.get_by_role("alert")).to_contain_text("Your card was declined.")
        assert active_subscriptions(emulator, customer_id) == []
        [declined] = [e for e in dom_events(page) if e["name"] == "stigg-checkout-error"]
        assert declined["detail"]["retryable"] is False
        assert serious_axe_violations(page) == []
        page.screenshot(path=str(artifacts_dir / "checkout-declined.png"), full_page=True)

        enter_card(checkout, "4000 0025 0000 3155")
        # Promotion codes applied on the payment step re-render it; the typed card stays.
        promotion_error = checkout.locator('[part="promotion-error"]')
        for typed, errors in (("NO-SUCH-CODE", 1), ("STIGG30", 0)):
            checkout.get_by_label("Promotion code").fill(typed)
            checkout.get_by_role("button", name="Apply").click()
            expect(promotion_error).to_have_count(errors)
            expect(checkout.get_by_label("Card number")).to_have_value("4000 0025 0000 3155")
            expect(checkout.get_by_label("Security code (CVC)")).to_have_value("123")
        expect(summary.locator('[data-line="total"] dd')).to_have_text("$21.00")
        checkout.get_by_role("button", name="Pay").click()
        confirm = checkout.get_by_role("button", name="Confirm payment")
        expect(checkout.get_by_role("group")).to_contain_text("Your bank asks you to confirm")
        page.screenshot(path=str(artifacts_dir / "checkout-authenticate.png"), full_page=True)
        assert active_subscriptions(emulator, customer_id) == []
        confirm.focus()
        page.keyboard.press("Enter")
        expect(checkout.get_by_role("status")).to_contain_text(
            "Your subscription to Team is active"
        )
        page.screenshot(path=str(artifacts_dir / "checkout-done.png"), full_page=True)

        events = dom_events(page)
        steps = [e["detail"]["step"] for e in events if e["name"] == "stigg-checkout-step"]
        assert steps == ["addons", "billing", "payment", "authenticate", "done"]
        [completed] = [e for e in events if e["name"] == "stigg-checkout-completed"]
        assert completed["detail"]["planId"] == "plan-stigg-team"
        assert completed["detail"]["subscriptionId"]
        [active] = active_subscriptions(emulator, customer_id)
        assert active["subscriptionId"] == completed["detail"]["subscriptionId"]
        assert page.errors == []  # type: ignore[attr-defined]


def test_without_a_payment_method_api_the_checkout_hands_off(
    browser: Browser, widget_site: WidgetSite, emulator: EmulatorProcess
) -> None:
    customer_id = new_customer(emulator, None)
    for page in open_widget_page(browser, widget_site, f"checkout?customer={customer_id}"):
        # Stigg's cloud: no /v1/payment-methods (the emulator is the page's API origin).
        page.route("**/v1/payment-methods", lambda route: route.fulfill(status=404, body="{}"))
        checkout = page.locator("#checkout")
        to_payment_step(checkout)
        expect(checkout.locator('[part="payment-note"]')).to_have_text(
            "You will enter your payment details on the secure checkout page."
        )
        expect(checkout.get_by_label("Card number")).to_have_count(0)
        checkout.get_by_role("button", name="Continue to payment").click()
        page.wait_for_url("**/handoff?**")
        query = page.url.split("?", 1)[1]
        assert query == "from=checkout&plan=plan-stigg-team&period=MONTHLY&seats=2"


def test_checkout_in_german_with_the_dark_theme(
    browser: Browser, widget_site: WidgetSite, emulator: EmulatorProcess, artifacts_dir: Path
) -> None:
    customer_id = new_customer(emulator, None)
    for page in open_widget_page(
        browser, widget_site, f"checkout?customer={customer_id}", color_scheme="dark"
    ):
        checkout = page.locator("#checkout")
        page.evaluate(
            "() => { const c = document.querySelector('#checkout');"
            " c.setAttribute('locale', 'de-DE'); c.setAttribute('theme', 'auto'); }"
        )
        expect(checkout.locator("h2")).to_have_text("Kasse: Team")
        expect(checkout.locator('[data-line="total"] dd')).to_contain_text("20,00")
        color = page.evaluate(
            "() => getComputedStyle(document.querySelector('#checkout').shadowRoot"
            ".querySelector('[part~=checkout]')).color"
        )
        assert color != "rgb(0, 0, 0)"
        page.add_style_tag(content="stigg-checkout::part(continue) { letter-spacing: 3px; }")
        weiter = checkout.get_by_role("button", name="Weiter")
        assert weiter.evaluate("b => getComputedStyle(b).letterSpacing") == "3px"
        weiter.focus()
        page.keyboard.press("Enter")
        expect(checkout.locator('[data-step="addons"]')).to_have_count(1)  # by keyboard
        assert serious_axe_violations(page) == []
        page.screenshot(path=str(artifacts_dir / "checkout-de-dark.png"), full_page=True)
