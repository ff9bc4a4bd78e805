"""The hosted checkout page in Chromium: pay (with JavaScript off), decline, cancel, billing
details (address, phone, tax id) collected and printed on the invoice."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from playwright.sync_api import Browser, Page, expect

from tests.emulator.billing.helpers import active, new_customer, provision, wait_for
from tests.emulator.helpers import Api, server
from tests.support.processes import EmulatorProcess


def _checkout_url(api: Api, ref: str, **options: Any) -> str:
    base = api.emulator.base_url
    result = provision(
        api,
        customerId=ref,
        planId="plan-b-basic",
        billingPeriod="MONTHLY",
        billingInformation={"taxPercentage": 10},
        checkoutOptions={
            "successUrl": f"{base}/healthz?landing=success",
            "cancelUrl": f"{base}/healthz?landing=cancel",
            "allowPromoCodes": True,
            **options,
        },
    )
    assert result["status"] == "PAYMENT_REQUIRED"
    return str(result["checkoutUrl"])


def _live(api: Api, ref: str) -> dict[str, Any]:
    """The customer's one active subscription, once the delayed activation has happened."""
    [live] = wait_for(lambda: active(api, ref))
    result: dict[str, Any] = live
    return result


def test_pay_without_javascript(billing: EmulatorProcess, browser: Browser) -> None:
    api = server(billing)
    ref = new_customer(api)
    url = _checkout_url(api, ref)
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(url)
        # Basic 30 + 10% tax = 33.00.
        expect(page.locator("#order")).to_contain_text("Total due today")
        expect(page.locator("#order")).to_contain_text("$33.00")
        page.fill("#promotionCode", "HALF3")
        page.click("#apply")
        # 50% off: 15.00 + 1.50 tax = 16.50.
        expect(page.locator("#order")).to_contain_text("$16.50")
        page.fill("#cardNumber", "4242 4242 4242 4242")
        page.click("#pay")
        page.wait_for_url("**/healthz?**")
        query = parse_qs(urlsplit(page.url).query)
        assert query["landing"] == ["success"]
        assert query["checkoutCompleted"] == ["true"]
        sub_id = query["subscriptionId"][0]
    finally:
        context.close()
    live = _live(api, ref)
    assert live["subscriptionId"] == sub_id
    assert live["latestInvoice"]["total"] == 16.5


def test_declined_card_error_on_the_page(billing: EmulatorProcess, page: Page) -> None:
    api = server(billing)
    url = _checkout_url(api, new_customer(api))
    page.goto(url)
    page.fill("#cardNumber", "4000 0000 0000 0002")
    page.click("#pay")
    expect(page.locator("#error")).to_have_text("Your card was declined. Try another card.")
    assert urlsplit(page.url).path == urlsplit(url).path
    expect(page.locator("#pay")).to_be_visible()


def test_cancel_returns_to_the_cancel_url(billing: EmulatorProcess, page: Page) -> None:
    api = server(billing)
    ref = new_customer(api)
    page.goto(_checkout_url(api, ref))
    page.click("#cancel")
    page.wait_for_url("**/healthz?**")
    query = parse_qs(urlsplit(page.url).query)
    assert query["landing"] == ["cancel"]
    assert query["checkoutCompleted"] == ["false"]
    assert active(api, ref) == []


def test_billing_details_collected_on_the_page(billing: EmulatorProcess, page: Page) -> None:
    api = server(billing)
    ref = new_customer(api)
    page.goto(
        _checkout_url(
            api,
            ref,
            collectBillingAddress=True,
            collectPhoneNumber=True,
            allowTaxIdCollection=True,
        )
    )
    page.fill("#cardNumber", "4242 4242 4242 4242")
    page.fill("#line1", "10 Downing St")
    page.fill("#city", "London")
    page.fill("#postalCode", "SW1A 2AA")
    page.fill("#country", "gb")
    page.fill("#phone", "+44 20 7946 0000")
    page.select_option("#taxIdType", "gb_vat")
    page.fill("#taxId", "GB123456789")
    page.click("#pay")
    page.wait_for_url("**/healthz?**")
    assert parse_qs(urlsplit(page.url).query)["checkoutCompleted"] == ["true"]
    invoice = _live(api, ref)["latestInvoice"]
    document = httpx.get(invoice["pdfUrl"], headers={"Accept": "application/json"}).json()
    assert document["customer"]["billingAddress"] == {
        "addressLine1": "10 Downing St",
        "city": "London",
        "postalCode": "SW1A 2AA",
        "country": "GB",
        "phoneNumber": "+44 20 7946 0000",
    }
    assert document["customer"]["taxIds"] == [{"type": "gb_vat", "value": "GB123456789"}]
    page.goto(invoice["pdfUrl"])
    expect(page.locator("#billed-to")).to_contain_text("Tax ID (gb_vat): GB123456789")
