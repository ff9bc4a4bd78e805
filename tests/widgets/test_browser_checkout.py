"""`<stigg-checkout>` in real Chromium against the session emulator (test catalog: Team is
10 USD a seat per month, STIGG30 takes 30 % off): steps, live prices, promotion codes, events."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from tests.sdk.backend import new_customer
from tests.support.processes import EmulatorProcess
from tests.widgets.conftest import (
    WidgetSite,
    dom_events,
    open_widget_page,
    serious_axe_violations,
)


def test_checkout_steps_prices_promotion_code_and_completion(
    browser: Browser, widget_site: WidgetSite, emulator: EmulatorProcess
) -> None:
    customer_id = new_customer(emulator, None, payment_method_id="pm_card_visa")
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
        code.fill("NO-SUCH-CODE")
        checkout.get_by_role("button", name="Apply").click()
        expect(checkout.get_by_role("alert")).to_have_text("This promotion code does not exist.")
        expect(checkout.get_by_label("Promotion code")).to_have_value("NO-SUCH-CODE")
        checkout.get_by_label("Promotion code").fill("EXPIRED30")
        checkout.get_by_role("button", name="Apply").click()
        expect(checkout.get_by_role("alert")).to_have_text("This promotion code has expired.")
        checkout.get_by_label("Promotion code").fill("STIGG30")
        checkout.get_by_role("button", name="Apply").click()
        expect(summary.locator('[data-line="discount"] dd')).to_have_text("\u2212$9.00")
        expect(summary.locator('[data-line="total"] dd')).to_have_text("$21.00")

        checkout.get_by_role("button", name="Continue").click()
        checkout.get_by_label("Name").fill("Ada Lovelace")
        checkout.get_by_label("Tax ID type").select_option("eu_vat")
        checkout.get_by_label("Tax ID", exact=True).fill("DE123456789")
        checkout.get_by_role("button", name="Continue").click()
        assert serious_axe_violations(page) == []
        pay = checkout.get_by_role("button", name="Pay")
        pay.focus()
        page.keyboard.press("Enter")
        expect(checkout.get_by_role("status")).to_contain_text(
            "Your subscription to Team is active"
        )

        events = dom_events(page)
        steps = [e["detail"]["step"] for e in events if e["name"] == "stigg-checkout-step"]
        assert steps == ["addons", "billing", "payment", "done"]
        [completed] = [e for e in events if e["name"] == "stigg-checkout-completed"]
        assert completed["detail"]["planId"] == "plan-stigg-team"
        assert completed["detail"]["subscriptionId"]
        assert page.errors == []  # type: ignore[attr-defined]
