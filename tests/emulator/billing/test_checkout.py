"""Hosted checkout (plain HTTP form posts) and payment states of subscriptions and invoices."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from tests.emulator.billing.helpers import (
    ACTIVATION_DELAY_S,
    BILLING_CATALOG,
    active,
    new_customer,
    provision,
    set_clock,
    subscription,
    wait_for,
)
from tests.emulator.conftest import start_emulator
from tests.emulator.helpers import Api, client, server
from tests.support.processes import CLIENT_KEY, EmulatorProcess

SUCCESS = "https://shop.test/done?from=checkout"
CANCEL = "https://shop.test/pricing"
CARD = {"expiry": "12/34", "cvc": "123"}


def _checkout(api: Api, ref: str, **options: Any) -> tuple[str, str]:
    result = provision(
        api,
        customerId=ref,
        planId="plan-b-basic",
        billingPeriod="MONTHLY",
        addons=[{"addonId": "addon-b-storage", "quantity": 1}],
        billingInformation={"taxPercentage": 10},
        checkoutOptions={"successUrl": SUCCESS, "cancelUrl": CANCEL, **options},
    )
    assert result["status"] == "PAYMENT_REQUIRED"
    assert result["subscription"] is None
    url = result["checkoutUrl"]
    assert url == f"{api.emulator.base_url}/checkout/{result['checkoutBillingId']}"
    return url, result["checkoutBillingId"]


def _pending_subscription_id(location: str) -> str:
    return parse_qs(urlsplit(location).query)["subscriptionId"][0]


def test_page_shows_the_order_and_paying_activates_later(billing: EmulatorProcess) -> None:
    api = server(billing)
    set_clock(api, to="2030-01-01T00:00:00Z")
    ref = new_customer(api)
    url, _ = _checkout(api, ref, allowPromoCodes=True)
    page = api.http.get(url)
    assert page.status_code == 200
    text = page.text
    # Basic 30 + Storage 5 = 35; tax 10% = 3.50; total 38.50 (the estimate's figures).
    for expected in ("Basic", "Billed monthly", "Add-on Storage x 1", "$35.00", "$3.50", "$38.50"):
        assert expected in text, expected
    assert "name='promotionCode'" in text
    assert "<script" not in text  # works without JavaScript
    # Applying a code re-prices the order without paying: 50% of 35 = 17.50 + 1.75 tax = 19.25.
    applied = api.http.post(url, data={"action": "apply", "promotionCode": "HALF3"})
    assert applied.status_code == 200 and "$19.25" in applied.text

    events: list[str] = []
    ready = threading.Event()

    def listen() -> None:
        with httpx.stream(
            "GET",
            f"{billing.base_url}/v1/c/{ref}/events",
            params={"apiKey": CLIENT_KEY},
            timeout=15,
        ) as response:
            for line in response.iter_lines():
                if line.startswith("event: ready"):
                    ready.set()
                elif line.startswith("data: ") and "feature-b-flag" in line:
                    events.append(line)
                    return

    listener = threading.Thread(target=listen, daemon=True)
    listener.start()
    assert ready.wait(10)
    paid_at = time.monotonic()
    response = api.http.post(
        url,
        data={
            "action": "pay",
            "cardNumber": "4242 4242 4242 4242",
            "promotionCode": "HALF3",
            **CARD,
        },
    )
    assert response.status_code == 303
    location = response.headers["location"]
    sub_id = _pending_subscription_id(location)
    assert location == f"{SUCCESS}&subscriptionId={sub_id}&checkoutCompleted=true"
    # The card is on file at once; the subscription follows after the activation delay.
    customer = api.data(
        "query C($input: GetCustomerByRefIdInput!) { getCustomerByRefId(input: $input) "
        "{ hasPaymentMethod defaultPaymentMethodLast4Digits defaultPaymentMethodCardBrand "
        "defaultPaymentExpirationMonth defaultPaymentExpirationYear } }",
        {"input": {"customerId": ref}},
    )["getCustomerByRefId"]
    assert customer == {
        "hasPaymentMethod": True,
        "defaultPaymentMethodLast4Digits": "4242",
        "defaultPaymentMethodCardBrand": "visa",
        "defaultPaymentExpirationMonth": 12,
        "defaultPaymentExpirationYear": 2034,
    }
    assert active(api, ref) == [] or time.monotonic() - paid_at >= ACTIVATION_DELAY_S
    [live] = wait_for(lambda: active(api, ref))
    assert time.monotonic() - paid_at >= ACTIVATION_DELAY_S * 0.9
    assert live["subscriptionId"] == sub_id
    assert live["status"] == "ACTIVE"
    assert live["paymentCollection"] == "NOT_REQUIRED"
    invoice = live["latestInvoice"]
    assert (invoice["status"], invoice["billingReason"], invoice["currency"]) == (
        "PAID",
        "SUBSCRIPTION_CREATION",
        "USD",
    )
    assert (invoice["subTotal"], invoice["tax"], invoice["total"]) == (35, 1.75, 19.25)
    listener.join(10)
    assert events, "no realtime entitlement update carried the new plan's feature"
    payload = json.loads(events[0].removeprefix("data: "))
    assert payload["customerId"] == ref
    # The portal links to the invoices; the invoice list has the paid invoice.
    portal = client(billing).data(
        "query P($input: CustomerPortalInput!) { customerPortal(input: $input) "
        "{ billingPortalUrl billingInformation { defaultPaymentMethodLast4Digits } } }",
        {"input": {"customerId": ref}},
    )["customerPortal"]
    assert portal["billingInformation"]["defaultPaymentMethodLast4Digits"] == "4242"
    listing = httpx.get(portal["billingPortalUrl"], headers={"Accept": "application/json"})
    [listed] = listing.json()["data"]
    assert listed["billingId"] == invoice["billingId"] and listed["total"] == 19.25
    # The session is closed now.
    again = api.http.post(url, data={"action": "pay", "cardNumber": "4242424242424242", **CARD})
    assert again.status_code == 422 and "no longer open" in again.text


def test_declined_card_shows_an_error_and_stores_nothing(billing: EmulatorProcess) -> None:
    api = server(billing)
    ref = new_customer(api)
    url, _ = _checkout(api, ref)
    response = api.http.post(url, data={"action": "pay", "cardNumber": "4000000000000002", **CARD})
    assert response.status_code == 402
    assert "Your card was declined." in response.text
    assert "role='alert'" in response.text
    has_card = api.data(
        "query C($input: GetCustomerByRefIdInput!) { getCustomerByRefId(input: $input) "
        "{ hasPaymentMethod } }",
        {"input": {"customerId": ref}},
    )["getCustomerByRefId"]["hasPaymentMethod"]
    assert has_card is False
    time.sleep(ACTIVATION_DELAY_S * 2)
    assert active(api, ref) == []
    # Still open: a good card afterwards works.
    retry = api.http.post(url, data={"action": "pay", "cardNumber": "4242424242424242", **CARD})
    assert retry.status_code == 303


def test_card_needing_authentication_leaves_payment_action_required(
    billing: EmulatorProcess,
) -> None:
    api = server(billing)
    ref = new_customer(api)
    url, _ = _checkout(api, ref)
    response = api.http.post(url, data={"action": "pay", "cardNumber": "4000002500003155", **CARD})
    assert response.status_code == 303
    sub_id = _pending_subscription_id(response.headers["location"])
    [live] = wait_for(lambda: active(api, ref))
    assert live["subscriptionId"] == sub_id
    assert live["paymentCollection"] == "ACTION_REQUIRED"
    invoice = live["latestInvoice"]
    assert invoice["status"] == "OPEN" and invoice["requiresAction"] is True
    assert invoice["paymentSecret"]
    payment_url = invoice["paymentUrl"]
    assert payment_url.startswith(f"{billing.base_url}/checkout/invoices/")
    page = httpx.get(payment_url)
    assert page.status_code == 200 and "Complete authentication" in page.text
    done = httpx.post(payment_url, data={"action": "authenticate"})
    assert "PAID" in done.text
    after = subscription(api, sub_id)
    assert after["paymentCollection"] == "NOT_REQUIRED"
    assert after["latestInvoice"]["status"] == "PAID"
    assert after["latestInvoice"]["requiresAction"] is False


def test_cancel_returns_to_cancel_url_and_creates_nothing(billing: EmulatorProcess) -> None:
    api = server(billing)
    ref = new_customer(api)
    url, _ = _checkout(api, ref)
    response = api.http.post(url, data={"action": "cancel"})
    assert response.status_code == 303
    location = urlsplit(response.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == CANCEL
    assert parse_qs(location.query)["checkoutCompleted"] == ["false"]
    time.sleep(ACTIVATION_DELAY_S * 2)
    assert active(api, ref) == []
    assert "canceled" in api.http.get(url).text


def test_checkout_options_and_escaping(billing: EmulatorProcess) -> None:
    api = server(billing)
    ref = new_customer(api)
    result = provision(
        api,
        customerId=ref,
        planId="plan-b-pro",
        billingPeriod="MONTHLY",
        checkoutOptions={
            "successUrl": SUCCESS,
            "cancelUrl": CANCEL,
            "allowPromoCodes": True,
            "collectBillingAddress": True,
            "collectPhoneNumber": True,
            "allowTaxIdCollection": True,
        },
    )
    url = result["checkoutUrl"]
    text = httpx.get(url).text
    # The plan's display name is `Pro <script>alert('x')</script> & co`: shown as text.
    assert "Pro &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; co" in text
    assert "<script>" not in text
    for name in ("line1", "city", "postalCode", "country", "phone", "taxId", "promotionCode"):
        assert f"name='{name}'" in text, name
    missing = httpx.post(url, data={"action": "pay", "cardNumber": "4242424242424242", **CARD})
    assert missing.status_code == 422 and "Address is required." in missing.text
    address = {"line1": "1 Main St", "city": "Aarhus", "postalCode": "8000", "country": "DK"}
    no_phone = httpx.post(
        url, data={"action": "pay", "cardNumber": "4242424242424242", **CARD, **address}
    )
    assert no_phone.status_code == 422 and "Phone number is required." in no_phone.text
    bad_code = httpx.post(
        url,
        data={
            "action": "pay",
            "cardNumber": "4242424242424242",
            "phone": "+45 1234",
            "promotionCode": "NOPE",
            **CARD,
            **address,
        },
    )
    assert bad_code.status_code == 422 and "PromotionCodeNotFound" in bad_code.text
    assert "name='taxIdType'" in text and "<option value='eu_vat' selected>" in text
    form = {
        "action": "pay",
        "cardNumber": "4242424242424242",
        "phone": "+45 1234",
        "taxIdType": "eu_vat",
        "taxId": "DK12345678",
        "promotionCode": "TENOFF",
        **CARD,
        **address,
    }
    bad_country = httpx.post(url, data={**form, "country": "Denmark"})
    assert bad_country.status_code == 422 and "two-letter ISO 3166-1" in bad_country.text
    bad_type = httpx.post(url, data={**form, "taxIdType": "xx_nope"})
    assert bad_type.status_code == 422 and "Unknown tax ID type" in bad_type.text
    paid = httpx.post(url, data={**form, "country": "dk"})
    assert paid.status_code == 303
    [live] = wait_for(lambda: active(api, ref))
    assert live["plan"]["refId"] == "plan-b-pro"
    assert live["latestInvoice"]["total"] == 50  # 60 - TENOFF 10
    # What the page collected is the customer's billing information now, in Stigg's
    # CustomerBillingInfo shapes (Address with phoneNumber, TaxExempt): the invoice the
    # GraphQL API links to (latestInvoice.pdfUrl) bills it.
    billed = {
        "name": None,
        "email": None,
        "billingAddress": {
            "addressLine1": "1 Main St",
            "city": "Aarhus",
            "postalCode": "8000",
            "country": "DK",
            "phoneNumber": "+45 1234",
        },
        "taxIds": [{"type": "eu_vat", "value": "DK12345678"}],
    }
    first = live["latestInvoice"]
    assert first["pdfUrl"] == f"{billing.base_url}/invoices/{first['billingId']}"
    document = httpx.get(first["pdfUrl"], headers={"Accept": "application/json"}).json()
    assert document["billingId"] == first["billingId"] and document["total"] == 50
    assert document["customer"] == billed
    page = httpx.get(first["pdfUrl"]).text
    for shown in ("1 Main St", "8000 Aarhus", "Phone: +45 1234", "Tax ID (eu_vat): DK12345678"):
        assert f"<li>{shown}</li>" in page, shown
    # Stored on the customer, not only on that invoice: next month's renewal bills it too.
    set_clock(api, by="32d")
    renewal = subscription(api, live["subscriptionId"])["latestInvoice"]
    assert renewal["billingReason"] == "BILLING_CYCLE" and renewal["pdfUrl"] != first["pdfUrl"]
    again = httpx.get(renewal["pdfUrl"], headers={"Accept": "application/json"}).json()
    assert again["customer"] == billed


def test_page_shows_per_unit_quantity_and_discount_rows(billing: EmulatorProcess) -> None:
    api = server(billing)
    ref = new_customer(api)
    url = provision(
        api,
        customerId=ref,
        planId="plan-b-seats",
        billingPeriod="MONTHLY",
        billableFeatures=[{"featureId": "feature-b-seats", "quantity": 3}],
        billingInformation={"taxPercentage": 10},
        checkoutOptions={"successUrl": SUCCESS, "cancelUrl": CANCEL, "allowPromoCodes": True},
    )["checkoutUrl"]
    # 3 seats x 10.00 = 30.00; tax 10% = 3.00; total 33.00.
    text = api.http.get(url).text
    row = "<tr><td>{}</td><td class='amount'>{}</td></tr>"
    assert row.format("Seats: 3 seats x $10.00", "$30.00") in text
    assert row.format("Tax (10%)", "$3.00") in text
    assert "Discount" not in text
    # TENOFF (coupon "Ten off"): 30.00 - 10.00 = 20.00; tax 10% = 2.00; total 22.00.
    applied = api.http.post(url, data={"action": "apply", "promotionCode": "TENOFF"}).text
    assert row.format("Seats: 3 seats x $10.00", "$30.00") in applied
    assert row.format("Subtotal", "$30.00") in applied
    assert row.format("Discount (Ten off)", "-$10.00") in applied
    assert row.format("Tax (10%)", "$2.00") in applied
    assert "<tr class='total'><td>Total due today</td><td class='amount'>$22.00</td></tr>" in (
        applied
    )


def test_card_on_file_creates_paid_subscriptions_at_once(billing: EmulatorProcess) -> None:
    api = server(billing)
    good = new_customer(api, "pm_card_visa")
    created = provision(api, customerId=good, planId="plan-b-basic", billingPeriod="MONTHLY")
    assert created["status"] == "SUCCESS" and created["checkoutUrl"] is None
    sub = created["subscription"]
    assert (sub["status"], sub["paymentCollection"]) == ("ACTIVE", "NOT_REQUIRED")
    assert sub["latestInvoice"]["status"] == "PAID"
    assert sub["latestInvoice"]["total"] == 30

    declined = new_customer(api, "pm_card_chargeDeclined")
    sub = provision(api, customerId=declined, planId="plan-b-basic", billingPeriod="MONTHLY")[
        "subscription"
    ]
    assert sub["paymentCollection"] == "FAILED"
    assert sub["latestInvoice"]["status"] == "OPEN"
    assert sub["latestInvoice"]["errorMessage"] == "Your card was declined."
    assert sub["latestInvoice"]["paymentUrl"]

    action = new_customer(api, "pm_card_authenticationRequired")
    sub = provision(api, customerId=action, planId="plan-b-basic", billingPeriod="MONTHLY")[
        "subscription"
    ]
    assert sub["paymentCollection"] == "ACTION_REQUIRED"
    assert sub["latestInvoice"]["requiresAction"] is True


def test_apply_subscription_with_a_payment_method_by_client_key(billing: EmulatorProcess) -> None:
    api = server(billing)
    ref = new_customer(api)
    card = httpx.post(
        f"{billing.base_url}/v1/payment-methods",
        json={"customerId": ref, "cardNumber": "4242424242424242", "expiry": "12/40"},
        headers={"X-API-KEY": billing.client_key},
    ).json()
    applied = client(billing).data(
        "mutation A($input: ApplySubscriptionInput!) { applySubscription(input: $input) "
        "{ subscription { status paymentCollection latestInvoice { status total } } } }",
        {
            "input": {
                "customerId": ref,
                "planId": "plan-b-basic",
                "billingPeriod": "MONTHLY",
                "paymentMethodId": card["paymentMethodId"],
            }
        },
    )["applySubscription"]["subscription"]
    assert applied == {
        "status": "ACTIVE",
        "paymentCollection": "NOT_REQUIRED",
        "latestInvoice": {"status": "PAID", "total": 30},
    }


def test_unknown_session_is_not_found(billing: EmulatorProcess) -> None:
    assert httpx.get(f"{billing.base_url}/checkout/nope").status_code == 404
    assert httpx.get(f"{billing.base_url}/checkout/invoices/nope").status_code == 404


def test_payment_survives_a_restart_before_activation(tmp_path: Path) -> None:
    emulator = start_emulator(
        tmp_path, BILLING_CATALOG, extra_args=("--checkout-activation-delay", "60")
    )
    try:
        api = server(emulator)
        ref = new_customer(api)
        url, _ = _checkout(api, ref)
        paid = api.http.post(url, data={"action": "pay", "cardNumber": "4242424242424242", **CARD})
        assert paid.status_code == 303
        time.sleep(0.5)
        assert active(api, ref) == []  # the 60 s "webhook" has not arrived
        emulator.restart()
        [live] = active(api, ref)  # activated on start, not lost
        assert live["latestInvoice"]["status"] == "PAID"
    finally:
        emulator.stop()


def test_checkout_of_an_archived_customer_is_unavailable(billing: EmulatorProcess) -> None:
    api = server(billing)
    ref = new_customer(api)
    url, _ = _checkout(api, ref)
    api.data(
        "mutation A($input: ArchiveCustomerInput!) { archiveCustomer(input: $input) "
        "{ customerId } }",
        {"input": {"customerId": ref}},
    )
    page = httpx.get(url)
    assert page.status_code == 409 and "Customer not found" in page.text
    posted = httpx.post(url, data={"action": "pay", "cardNumber": "4242424242424242", **CARD})
    assert posted.status_code == 409


def test_failed_payment_is_retried_with_another_card_on_its_payment_url(
    billing: EmulatorProcess,
) -> None:
    api = server(billing)
    ref = new_customer(api, "pm_card_chargeDeclined")
    sub = provision(api, customerId=ref, planId="plan-b-basic", billingPeriod="MONTHLY")[
        "subscription"
    ]
    assert sub["paymentCollection"] == "FAILED"
    payment_url = sub["latestInvoice"]["paymentUrl"]
    page = httpx.get(payment_url)
    assert "Your card was declined." in page.text and "$30.00" in page.text
    again = httpx.post(payment_url, data={"action": "pay", "cardNumber": "4000000000000002"})
    assert "Your card was declined." in again.text and ">OPEN<" in again.text
    paid = httpx.post(payment_url, data={"action": "pay", "cardNumber": "4242424242424242"})
    assert ">PAID<" in paid.text
    after = subscription(api, sub["subscriptionId"])
    assert (after["paymentCollection"], after["latestInvoice"]["status"]) == (
        "NOT_REQUIRED",
        "PAID",
    )
    assert after["customer"]["defaultPaymentMethodLast4Digits"] == "4242"


def test_invoice_document_bills_the_customer_billing_information(billing: EmulatorProcess) -> None:
    api = server(billing)
    info = {
        "paymentMethodId": "pm_card_visa",
        "customerName": "Acme ApS",
        "billingAddress": {
            "addressLine1": "123 Main Street",
            "addressLine2": "Apt. 1",
            "city": "New York",
            "state": "NY",
            "postalCode": "10164",
            "country": "US",
            "phoneNumber": "+1 212-499-5321",
        },
        "taxIds": [{"type": "us_ein", "value": "12-3456789"}],
    }
    ref = new_customer(api, email="billing@acme.test", billingInformation=info)
    invoice = provision(api, customerId=ref, planId="plan-b-basic", billingPeriod="MONTHLY")[
        "subscription"
    ]["latestInvoice"]
    document = httpx.get(invoice["pdfUrl"], headers={"Accept": "application/json"}).json()
    assert document["customer"] == {
        "name": "Acme ApS",
        "email": "billing@acme.test",
        "billingAddress": info["billingAddress"],
        "taxIds": [{"type": "us_ein", "value": "12-3456789"}],
    }
    page = httpx.get(invoice["pdfUrl"]).text
    # Basic 30.00, no tax: one line and the total.
    for shown in ("Acme ApS", "Apt. 1", "10164 New York", "Phone: +1 212-499-5321"):
        assert f"<li>{shown}</li>" in page, shown
    assert "<li>Tax ID (us_ein): 12-3456789</li>" in page
    assert "<tr class='total'><td>Total</td><td class='amount'>$30.00</td></tr>" in page
    assert httpx.get(f"{billing.base_url}/invoices/in_nope").status_code == 404
