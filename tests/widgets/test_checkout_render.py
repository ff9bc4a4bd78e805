"""`<stigg-checkout>`'s Python renderer: steps, price breakdown, promotion codes, final button,
texts and escaping (models built through the SDK's own pydantic models)."""

from __future__ import annotations

from typing import Any

import pytest

from stigg_client.models.checkout import CheckoutState, SubscriptionPreviewV2
from tests.widgets.models import TagCollector, feature, hostile
from tests.widgets.test_renderers import XSS
from widgets.render import ssr_element
from widgets.render.checkout import CheckoutOptions, render_checkout
from widgets.texts import Texts


def state_data(name: str = "{}") -> dict[str, Any]:
    n = name.format
    seats = {"featureId": "seats", "units": n("seat"), "unitsPlural": n("seats")}
    return {
        "setupSecret": "seti_local_1",
        "customer": {"id": "customer-1", "name": n("Ada")},
        "billingIntegration": {
            "billingIdentifier": "STRIPE",
            "credentials": {"accountId": "acct_1", "publicKey": "pk_1"},
        },
        "plan": {
            "id": "plan-team",
            "displayName": n("Team"),
            "description": n("For teams"),
            "pricePoints": [
                {
                    "billingPeriod": "MONTHLY",
                    "amount": 12,
                    "currency": "USD",
                    "feature": seats,
                    "minUnitQuantity": 2,
                    "maxUnitQuantity": 50,
                },
                {
                    "billingPeriod": "ANNUALLY",
                    "amount": 120,
                    "currency": "USD",
                    "feature": seats,
                    "minUnitQuantity": 2,
                    "maxUnitQuantity": 50,
                },
            ],
            "creditGrants": [
                {
                    "currencyId": "currency-ai-credits",
                    "amount": 1000,
                    "cadence": "MONTH",
                    "displayName": n("AI credits"),
                }
            ],
            "compatibleAddons": [
                {
                    "id": "addon-calls",
                    "displayName": n("Extra calls"),
                    "maxQuantity": 5,
                    "entitlements": [{"feature": feature("calls", name=n("API calls"))}],
                },
            ],
        },
    }


def usd(amount: float) -> dict[str, Any]:
    return {"amount": amount, "currency": "USD"}


def invoice(sub_total: float, total: float, **extra: Any) -> dict[str, Any]:
    return {
        "subTotal": usd(sub_total),
        "total": usd(total),
        "totalExcludingTax": usd(total),
        **extra,
    }


RANGE = {"start": "2026-12-01T00:00:00Z", "end": "2027-01-01T00:00:00Z"}
LAUNCH20 = {
    "name": "Launch 20%",
    "type": "PERCENTAGE",
    "value": 20,
    "durationType": "REPEATING",
    "durationInMonths": 3,
}


def preview(
    immediate: dict[str, Any], recurring: dict[str, Any] | None = None
) -> SubscriptionPreviewV2:
    return SubscriptionPreviewV2.model_validate(
        {"immediateInvoice": immediate, "recurringInvoice": recurring, "billingPeriodRange": RANGE}
    )


def state(name: str = "{}") -> CheckoutState:
    return CheckoutState.model_validate(state_data(name))


def test_loading_until_the_checkout_state_is_known() -> None:
    html = render_checkout(None, None)
    assert 'data-state="loading"' in html and 'aria-busy="true"' in html


def test_plan_step_names_the_plan_and_offers_its_periods() -> None:
    html = render_checkout(state(), None, CheckoutOptions(billing_period="ANNUALLY"))
    assert "Checkout: Team</h2>" in html
    assert 'aria-current="step"' in html and html.count("<li ") == 5
    assert 'value="ANNUALLY" checked' in html and 'value="MONTHLY" data-action' in html


def test_addons_step_uses_the_catalog_limits() -> None:
    html = render_checkout(state(), None, CheckoutOptions(step="addons", quantity=3))
    assert 'name="seats"' in html and 'min="2" max="50" step="1" value="3"' in html
    assert "Number of seats" in html
    assert 'name="addon:addon-calls"' in html and 'min="0" max="5"' in html
    assert "Quantity of Extra calls" in html


def test_billing_step_asks_for_address_and_tax_id_with_its_type() -> None:
    options = CheckoutOptions(step="billing", billing={"name": "Ada", "tax_id_type": "eu_vat"})
    html = render_checkout(state(), None, options)
    for label in ("Name", "Address", "City", "Postal code", "Country", "Tax ID type", "Tax ID"):
        assert f">{label}</label>" in html, label
    assert 'value="Ada"' in html and '<option value="eu_vat" selected>' in html


def test_breakdown_of_two_seats_with_a_promotion_code() -> None:
    discounted = invoice(24, 19.2, discount=usd(4.8), discountDetails=LAUNCH20, tax=usd(0))
    html = render_checkout(state(), preview(discounted, discounted))
    assert "<dt>Subtotal</dt><dd>$24.00</dd>" in html
    assert "<dt>Discount: Launch 20%</dt><dd>\u2212$4.80</dd>" in html
    assert "<dt>Total</dt><dd>$19.20</dd>" in html
    assert "Tax" not in html  # no tax line when there is no tax
    assert "Next invoice" not in html  # a new subscription: the total is what is charged


def test_breakdown_shows_tax_proration_next_invoice_and_credits() -> None:
    taxed = {
        "tax": usd(2.2),
        "taxDetails": {"displayName": "VAT (10%)", "percentage": 10, "inclusive": False},
    }
    immediate = invoice(
        22,
        14.2,
        **taxed,
        proration={
            "prorationDate": RANGE["start"],
            "credit": usd(10),
            "debit": usd(22),
            "netAmount": usd(12),
        },
        credits={"initial": usd(5), "used": usd(5), "remaining": usd(0)},
    )
    html = render_checkout(state(), preview(immediate, invoice(24, 26.4, **taxed)))
    assert "<dt>VAT (10%)</dt><dd>$2.20</dd>" in html
    assert "<dt>Credit for the unused time of your current plan</dt><dd>\u2212$10.00</dd>" in html
    assert "<dt>Prorated charge for the new plan</dt><dd>$22.00</dd>" in html
    assert "<dt>Credits applied</dt><dd>\u2212$5.00</dd>" in html
    assert "<dt>Due today</dt><dd>$14.20</dd>" in html
    assert "<dt>Next invoice</dt><dd>$26.40</dd>" in html


def test_a_negative_proration_credit_shows_one_minus_sign() -> None:
    proration = {"prorationDate": RANGE["start"], "credit": usd(-15), "debit": usd(24)}
    immediate = invoice(9, 9, proration={**proration, "netAmount": usd(9)})
    html = render_checkout(state(), preview(immediate, invoice(24, 24)))
    assert "<dt>Credit for the unused time of your current plan</dt><dd>\u2212$15.00</dd>" in html


@pytest.mark.parametrize(
    ("immediate", "label"),
    [
        (invoice(24, 24), "Pay"),
        (invoice(0, 0), "Subscribe"),
        (
            invoice(
                0,
                0,
                proration={
                    "prorationDate": RANGE["start"],
                    "credit": usd(5),
                    "debit": usd(5),
                    "netAmount": usd(0),
                },
            ),
            "Confirm",
        ),
    ],
)
def test_final_button_pays_only_when_something_is_due(
    immediate: dict[str, Any], label: str
) -> None:
    html = render_checkout(state(), preview(immediate), CheckoutOptions(step="payment"))
    assert f'data-action="continue">{label}</button>' in html
    assert 'autocomplete="cc-number"' in html


@pytest.mark.parametrize(
    ("error", "message"),
    [
        ("invalid", "This promotion code does not exist."),
        ("expired", "This promotion code has expired."),
        ("ineligible", "This promotion code cannot be used for this purchase."),
    ],
)
def test_each_promotion_code_error_has_its_message_and_keeps_the_text(
    error: str, message: str
) -> None:
    options = CheckoutOptions(promotion_code="BAD-CODE", promotion_error=error)
    html = render_checkout(state(), None, options)
    assert '<label for="stigg-checkout-promotion">Promotion code</label>' in html
    assert 'data-action="apply-promotion">Apply</button>' in html
    assert 'value="BAD-CODE"' in html and 'aria-invalid="true"' in html
    assert f'role="alert">{message}</p>' in html
    with pytest.raises(ValueError):
        render_checkout(state(), None, CheckoutOptions(promotion_error="nope"))


def test_payment_step_while_checking_on_hand_off_and_authenticating() -> None:
    due = preview(invoice(24, 24))
    checking = render_checkout(state(), due, CheckoutOptions(step="payment", payment="checking"))
    assert "Preparing the payment form" in checking and "cc-number" not in checking
    assert 'data-action="continue" disabled aria-disabled="true">Pay</button>' in checking
    handoff = render_checkout(state(), due, CheckoutOptions(step="payment", payment="handoff"))
    assert "secure checkout page" in handoff and "cc-number" not in handoff
    assert 'data-action="continue">Continue to payment</button>' in handoff
    options = CheckoutOptions(step="payment", authenticating=True)
    confirm = render_checkout(state(), due, options)
    assert 'part="authenticate" role="group"' in confirm
    assert 'data-action="authenticate">Confirm payment</button>' in confirm
    assert "cc-number" not in confirm and "Promotion code" not in confirm
    with pytest.raises(ValueError):
        render_checkout(state(), due, CheckoutOptions(step="payment", payment="cash"))


def test_summary_names_the_credits_the_plan_grants() -> None:
    html = render_checkout(state(), preview(invoice(24, 24)))
    line = "Includes 1,000 AI credits every month"
    assert f'<p class="credit-grant" part="credit-grant">{line}</p>' in html
    yearly = state_data()
    yearly["plan"]["creditGrants"][0].update(cadence="YEAR", amount=12000)
    german = CheckoutOptions(texts=Texts("de"))
    html = render_checkout(CheckoutState.model_validate(yearly), preview(invoice(24, 24)), german)
    assert "Enthält 12,000 AI credits pro Jahr" in html  # the default formatters' digits
    plain = state_data()
    plain["plan"]["creditGrants"] = []
    assert "credit-grant" not in render_checkout(
        CheckoutState.model_validate(plain), preview(invoice(24, 24))
    )


def test_german_texts() -> None:
    options = CheckoutOptions(step="payment", texts=Texts("de"))
    html = render_checkout(state(), preview(invoice(24, 24)), options)
    assert "Kasse: Team" in html and ">Bezahlen</button>" in html and ">Anwenden</button>" in html
    assert "Zwischensumme" in html


def test_done_step_and_ssr() -> None:
    html = render_checkout(state(), None, CheckoutOptions(step="done"))
    assert "Your subscription to Team is active." in html and "summary" not in html
    wrapped = ssr_element("stigg-checkout", {"plan-id": "plan-team"}, html, css_href="/w.css")
    assert wrapped.startswith('<stigg-checkout plan-id="plan-team" data-stigg-ssr')
    with pytest.raises(ValueError):
        render_checkout(state(), None, CheckoutOptions(step="nowhere"))


def test_every_catalog_string_is_escaped() -> None:
    hostile_state = CheckoutState.model_validate(hostile(state_data(), XSS))
    named = state(XSS)
    discount = {**LAUNCH20, "name": XSS.format("Launch")}
    tax = {"displayName": XSS.format("VAT"), "percentage": 10, "inclusive": False}
    priced = preview(
        invoice(24, 21, discount=usd(4.8), discountDetails=discount, tax=usd(1.8), taxDetails=tax)
    )
    for step in ("plan", "addons", "billing", "payment", "done"):
        for checkout_state in (hostile_state, named):
            options = CheckoutOptions(
                step=step, promotion_code=XSS, billing={"name": XSS, "tax_id": XSS}
            )
            html = render_checkout(checkout_state, priced, options)
            parsed = TagCollector()
            parsed.feed(html)
            assert "img" not in parsed.tags and "script" not in parsed.tags, step
            assert parsed.handlers == [], step
