"""estimateSubscription / estimateSubscriptionUpdate: worked examples computed by hand.

Catalog (tests/emulator/catalogs/billing.yaml): Basic 30/month or 300/year (DK: 200 / 2000 DKK),
Pro 60/month, Seats 10 per seat per month, Storage add-on 5/month (50/year; DK 40 / 400 DKK).
Coupons: HALF3 = 50% REPEATING 3 months, TENOFF = 10 USD FIXED FOREVER, FIRST20 = 20% ONCE,
FIVEONCE = 5 USD FIXED ONCE, EIGHT2 = 8 USD FIXED REPEATING 2 months, QUARTER = 25% FOREVER.
The clock is frozen at 2030-01-01T00:00:00Z; January has 31 days, so a subscription started
then has the billing period 2030-01-01 .. 2030-02-01. Every figure is computed exactly and
rounded half-up to cents only when shown.
"""

from __future__ import annotations

from typing import Any

from tests.emulator.billing.helpers import (
    customer_at,
    estimate,
    estimate_update,
    invoices,
    new_customer,
    provision,
    set_clock,
    usd,
)
from tests.emulator.helpers import Api, client, server
from tests.support.processes import EmulatorProcess

T0 = "2030-01-01T00:00:00.000Z"
T10 = "2030-01-11T00:00:00.000Z"  # 10 days into January: 21 of 31 days remain


def test_new_per_unit_with_tax(billing: EmulatorProcess) -> None:
    _, ref = customer_at(billing, T0)
    result = estimate(
        client(billing),
        customerId=ref,
        planId="plan-b-seats",
        billingPeriod="MONTHLY",
        billableFeatures=[{"featureId": "feature-b-seats", "quantity": 3}],
        billingInformation={"taxPercentage": 17},
    )
    # 3 seats x 10 = 30.00; tax 17% of 30 = 5.10; total 35.10.
    assert result["subTotal"] == usd(30)
    assert result["totalExcludingTax"] == usd(30)
    assert result["tax"] == usd(5.1)
    assert result["total"] == usd(35.1)
    assert result["taxDetails"] == {
        "displayName": "Tax (17%)",
        "inclusive": False,
        "percentage": 17,
    }
    assert result["discount"] is None and result["discountAmount"] is None
    assert result["billingPeriodRange"] == {"start": T0, "end": "2030-02-01T00:00:00.000Z"}
    # A first subscription: nothing to credit, the whole period is charged.
    assert result["proration"]["prorationDate"] == T0
    assert result["proration"]["credit"] == usd(0)
    assert result["proration"]["debit"] == usd(30)
    assert result["proration"]["netAmount"] == usd(30)
    assert result["subscription"]["total"] == usd(35.1)


def test_new_with_addons_and_fixed_forever_coupon(billing: EmulatorProcess) -> None:
    api, ref = customer_at(billing, T0)
    result = estimate(
        api,
        customerId=ref,
        planId="plan-b-basic",
        billingPeriod="MONTHLY",
        addons=[{"addonId": "addon-b-storage", "quantity": 2}],
        promotionCode="TENOFF",
    )
    # Basic 30 + 2 x Storage 5 = 40.00; TENOFF takes 10.00 off: 30.00 (no tax).
    assert result["subTotal"] == usd(40)
    assert result["discountAmount"] == usd(10)
    assert result["totalExcludingTax"] == usd(30)
    assert result["tax"] == usd(0)
    assert result["total"] == usd(30)
    assert result["discount"] == {
        "type": "FIXED",
        "value": 10,
        "durationType": "FOREVER",
        "durationInMonths": None,
        "start": T0,
        "end": None,
    }
    # FOREVER: the recurring price is discounted too: 40 - 10 = 30.
    assert result["subscription"]["subTotal"] == usd(40)
    assert result["subscription"]["total"] == usd(30)


def test_new_with_repeating_percentage_coupon(billing: EmulatorProcess) -> None:
    api, ref = customer_at(billing, T0)
    result = estimate(
        api, customerId=ref, planId="plan-b-basic", billingPeriod="MONTHLY", promotionCode="HALF3"
    )
    # 50% of 30.00 = 15.00 off: 15.00; the coupon runs 3 months: 2030-01-01 .. 2030-04-01.
    assert result["subTotal"] == usd(30)
    assert result["discountAmount"] == usd(15)
    assert result["total"] == usd(15)
    assert result["discount"]["type"] == "PERCENTAGE"
    assert result["discount"]["value"] == 50
    assert result["discount"]["durationType"] == "REPEATING"
    assert result["discount"]["durationInMonths"] == 3
    assert result["discount"]["end"] == "2030-04-01T00:00:00.000Z"
    # The next period (from 2030-02-01) is still inside the 3 months: recurring 15.00.
    assert result["subscription"]["total"] == usd(15)
    assert result["subscription"]["discount"]["durationType"] == "REPEATING"


def test_new_with_once_coupon_discounts_only_the_first_invoice(billing: EmulatorProcess) -> None:
    api, ref = customer_at(billing, T0)
    result = estimate(
        api,
        customerId=ref,
        planId="plan-b-basic",
        billingPeriod="MONTHLY",
        promotionCode="FIRST20",
        billingInformation={"taxPercentage": 10},
    )
    # First invoice: 30.00 - 20% (6.00) = 24.00; tax 10% = 2.40; total 26.40.
    assert result["discountAmount"] == usd(6)
    assert result["totalExcludingTax"] == usd(24)
    assert result["tax"] == usd(2.4)
    assert result["total"] == usd(26.4)
    assert result["discount"]["durationType"] == "ONCE"
    # ONCE: later invoices pay the full 30.00 + 3.00 tax = 33.00.
    assert result["subscription"]["discount"] is None
    assert result["subscription"]["total"] == usd(33)


def test_new_annual_with_country_price(billing: EmulatorProcess) -> None:
    api, ref = customer_at(billing, T0)
    result = estimate(
        api,
        customerId=ref,
        planId="plan-b-basic",
        billingPeriod="ANNUALLY",
        billingCountryCode="DK",
        addons=[{"addonId": "addon-b-storage", "quantity": 1}],
        billingInformation={"taxPercentage": 25},
    )
    # DK prices: Basic 2000 DKK/year + Storage 400 DKK/year = 2400; tax 25% = 600; total 3000.
    dkk = {"currency": "DKK"}
    assert result["subTotal"] == {"amount": 2400, **dkk}
    assert result["tax"] == {"amount": 600, **dkk}
    assert result["total"] == {"amount": 3000, **dkk}
    assert result["billingPeriodRange"] == {"start": T0, "end": "2031-01-01T00:00:00.000Z"}


def _seats_subscription(api: Api, seats: int) -> tuple[str, str]:
    ref = new_customer(api, "pm_card_visa")
    result = provision(
        api,
        customerId=ref,
        planId="plan-b-seats",
        billingPeriod="MONTHLY",
        billableFeatures=[{"featureId": "feature-b-seats", "quantity": seats}],
        billingInformation={"taxPercentage": 10},
    )
    assert result["status"] == "SUCCESS"
    return ref, result["subscription"]["subscriptionId"]


def test_update_prorates_a_quantity_increase(billing: EmulatorProcess) -> None:
    api = server(billing)
    set_clock(api, to=T0)
    _, sub_id = _seats_subscription(api, 3)
    set_clock(api, to=T10)
    result = estimate_update(
        client(billing),
        subscriptionId=sub_id,
        billableFeatures=[{"featureId": "feature-b-seats", "quantity": 5}],
    )
    proration = result["proration"]
    # 21 of 31 days remain. Credit for 3 seats: 30 x 21/31 = 20.3225... -> -20.32.
    # Debit for 5 seats: 50 x 21/31 = 33.8709... -> 33.87. Net 13.55.
    assert proration["prorationDate"] == T10
    assert proration["credit"] == usd(-20.32)
    assert proration["debit"] == usd(33.87)
    assert proration["netAmount"] == usd(13.55)
    assert proration["hasProrations"] is True
    # Tax 10% (kept from provisioning) of 13.55 = 1.355 -> 1.36; total 14.905 -> 14.91.
    assert result["subTotal"] == usd(13.55)
    assert result["tax"] == usd(1.36)
    assert result["total"] == usd(14.91)
    assert result["billingPeriodRange"] == {"start": T0, "end": "2030-02-01T00:00:00.000Z"}
    # Not prorated: 5 x 10 = 50, no discount: 50 excluding tax, 10% tax = 5.00, total 55.
    assert _usd_figures(result["subscription"]) == (50, None, 50, 5, 55)


def test_update_prorates_a_quantity_decrease(billing: EmulatorProcess) -> None:
    api = server(billing)
    set_clock(api, to=T0)
    _, sub_id = _seats_subscription(api, 3)
    set_clock(api, to=T10)
    result = estimate_update(
        api,
        subscriptionId=sub_id,
        billableFeatures=[{"featureId": "feature-b-seats", "quantity": 2}],
    )
    # Credit 3 seats: -20.32 (as above). Debit 2 seats: 20 x 21/31 = 13.5483... -> 13.55.
    # Net -6.77; tax 10% = -0.677 -> -0.68; total -7.447 -> -7.45 (a credit).
    assert result["proration"]["credit"] == usd(-20.32)
    assert result["proration"]["debit"] == usd(13.55)
    assert result["proration"]["netAmount"] == usd(-6.77)
    assert result["subTotal"] == usd(-6.77)
    assert result["tax"] == usd(-0.68)
    assert result["total"] == usd(-7.45)
    # Not prorated: 2 x 10 = 20 excluding tax, 10% tax = 2.00, total 22.
    assert _usd_figures(result["subscription"]) == (20, None, 20, 2, 22)


def test_update_add_on_with_repeating_coupon_still_running(billing: EmulatorProcess) -> None:
    api, ref = customer_at(billing, T0, "pm_card_visa")
    sub_id = provision(
        api, customerId=ref, planId="plan-b-basic", billingPeriod="MONTHLY", promotionCode="HALF3"
    )["subscription"]["subscriptionId"]
    set_clock(api, to=T10)
    result = estimate_update(
        api, subscriptionId=sub_id, addons=[{"addonId": "addon-b-storage", "quantity": 1}]
    )
    # Credit Basic: 30 x 21/31 = 20.3225... -> -20.32. Debit Basic + Storage: 35 x 21/31 =
    # 23.7096... -> 23.71. Net 3.39; HALF3 (until 2030-04-01) takes 50%: 1.695 -> 1.70 shown,
    # leaving exactly 1.695 -> 1.70 (each figure is rounded from its exact value).
    assert result["proration"]["netAmount"] == usd(3.39)
    assert result["subTotal"] == usd(3.39)
    assert result["discountAmount"] == usd(1.7)
    assert result["totalExcludingTax"] == usd(1.7)
    assert result["total"] == usd(1.7)
    assert result["discount"]["durationType"] == "REPEATING"
    # Not prorated: 30 + 5 = 35; HALF3 still runs at the period end (2030-02-01): 50% off =
    # 17.50 excluding tax; no tax rate: tax 0, total 17.50.
    assert _usd_figures(result["subscription"]) == (35, None, 17.5, 0, 17.5)
    assert result["subscription"]["discount"] == {"type": "PERCENTAGE", "durationType": "REPEATING"}


def test_update_after_repeating_coupon_ended(billing: EmulatorProcess) -> None:
    api, ref = customer_at(billing, T0, "pm_card_visa")
    sub_id = provision(
        api, customerId=ref, planId="plan-b-basic", billingPeriod="MONTHLY", promotionCode="HALF3"
    )["subscription"]["subscriptionId"]
    set_clock(api, to="2030-04-11T00:00:00Z")
    result = estimate_update(
        api, subscriptionId=sub_id, addons=[{"addonId": "addon-b-storage", "quantity": 1}]
    )
    # Period 2030-04-01 .. 2030-05-01 (30 days), 20 remain. Credit 30 x 20/30 = -20.00;
    # debit 35 x 20/30 = 23.333... -> 23.33; net 3.33. HALF3 ended on 2030-04-01: no discount.
    assert result["billingPeriodRange"] == {
        "start": "2030-04-01T00:00:00.000Z",
        "end": "2030-05-01T00:00:00.000Z",
    }
    assert result["proration"]["credit"] == usd(-20)
    assert result["proration"]["debit"] == usd(23.33)
    assert result["total"] == usd(3.33)
    assert result["discount"] is None
    # Not prorated: 30 + 5 = 35, the coupon is over: 35 excluding tax, no tax, total 35.
    assert _usd_figures(result["subscription"]) == (35, None, 35, 0, 35)
    assert result["subscription"]["discount"] is None


def test_update_does_not_reapply_a_once_coupon(billing: EmulatorProcess) -> None:
    api, ref = customer_at(billing, T0, "pm_card_visa")
    created = provision(
        api, customerId=ref, planId="plan-b-basic", billingPeriod="MONTHLY", promotionCode="FIRST20"
    )["subscription"]
    # The first invoice had the 20%: 30 - 6 = 24.
    assert created["latestInvoice"]["total"] == 24
    set_clock(api, to=T10)
    result = estimate_update(
        api,
        subscriptionId=created["subscriptionId"],
        addons=[{"addonId": "addon-b-storage", "quantity": 2}],
    )
    # Credit -20.32; debit 40 x 21/31 = 27.0967... -> 27.10; net 6.78, no discount (ONCE).
    assert result["proration"]["debit"] == usd(27.1)
    assert result["total"] == usd(6.78)
    assert result["discount"] is None
    # Not prorated: 30 + 2 x 5 = 40, no discount, no tax.
    assert _usd_figures(result["subscription"]) == (40, None, 40, 0, 40)


def test_monthly_to_annual_switch_credits_unused_time(billing: EmulatorProcess) -> None:
    api, ref = customer_at(billing, T0, "pm_card_visa")
    provision(api, customerId=ref, planId="plan-b-basic", billingPeriod="MONTHLY")
    set_clock(api, to=T10)
    result = estimate(api, customerId=ref, planId="plan-b-basic", billingPeriod="ANNUALLY")
    # Unused monthly time: 30 x 21/31 -> -20.32. The annual period starts now, charged in full:
    # 300.00. Net 279.68; the new period runs 2030-01-11 .. 2031-01-11.
    assert result["proration"]["credit"] == usd(-20.32)
    assert result["proration"]["debit"] == usd(300)
    assert result["total"] == usd(279.68)
    assert result["billingPeriodRange"] == {"start": T10, "end": "2031-01-11T00:00:00.000Z"}
    assert result["subscription"]["total"] == usd(300)


def test_plan_changes_prorate_within_the_period(billing: EmulatorProcess) -> None:
    api, ref = customer_at(billing, T0, "pm_card_visa")
    provision(api, customerId=ref, planId="plan-b-basic", billingPeriod="MONTHLY")
    set_clock(api, to=T10)
    up = estimate(api, customerId=ref, planId="plan-b-pro", billingPeriod="MONTHLY")
    # Basic credit -20.32; Pro debit 60 x 21/31 = 40.6451... -> 40.65; net 20.33.
    assert up["proration"]["debit"] == usd(40.65)
    assert up["total"] == usd(20.33)
    assert up["isPlanDowngrade"] is False
    assert up["billingPeriodRange"]["end"] == "2030-02-01T00:00:00.000Z"
    cheaper = estimate(
        api,
        customerId=ref,
        planId="plan-b-seats",
        billingPeriod="MONTHLY",
        billableFeatures=[{"featureId": "feature-b-seats", "quantity": 1}],
    )
    # Seats x1 = 10 x 21/31 = 6.7741... -> 6.77; net 6.77 - 20.32 = -13.55 (a credit).
    assert cheaper["total"] == usd(-13.55)


def test_invalid_promotion_codes_are_rejected_and_nothing_applies(
    billing: EmulatorProcess,
) -> None:
    api, ref = customer_at(billing, T0, "pm_card_visa")
    base = {"customerId": ref, "planId": "plan-b-basic", "billingPeriod": "MONTHLY"}
    document = (
        "mutation E($input: EstimateSubscriptionInput!) "
        "{ estimateSubscription(input: $input) { total { amount } } }"
    )
    assert api.error_code(document, {"input": {**base, "promotionCode": "NOPE"}}) == (
        "PromotionCodeNotFound"
    )
    assert api.error_code(document, {"input": {**base, "promotionCode": "OLDHALF"}}) == (
        "PromotionCodeNotActive"
    )
    provision_doc = (
        "mutation P($input: ProvisionSubscriptionInput!) "
        "{ provisionSubscriptionV2(input: $input) { status } }"
    )
    assert api.error_code(provision_doc, {"input": {**base, "promotionCode": "NOPE"}}) == (
        "PromotionCodeNotFound"
    )
    assert (
        api.data(
            "query A($input: GetActiveSubscriptionsInput!) "
            "{ getActiveSubscriptions(input: $input) { subscriptionId } }",
            {"input": {"customerId": ref}},
        )["getActiveSubscriptions"]
        == []
    )


def test_preview_subscription_v2_by_client_key(billing: EmulatorProcess) -> None:
    api, ref = customer_at(billing, T0, "pm_card_visa")
    provision(api, customerId=ref, planId="plan-b-basic", billingPeriod="MONTHLY")
    set_clock(api, to=T10)
    money = "{ amount currency }"
    invoice = (
        f"subTotal {money} discount {money} totalExcludingTax {money} tax {money} total {money}"
    )
    preview = client(billing).data(
        "mutation P($input: PreviewSubscriptionInput!) { previewSubscription(input: $input) {"
        " billingPeriodRange { start end } isPlanDowngrade"
        f" immediateInvoice {{ {invoice} discountDetails {{ type durationType }}"
        f" proration {{ credit {money} debit {money} netAmount {money} }} }}"
        f" recurringInvoice {{ {invoice} }} }} }}",
        {
            "input": {
                "customerId": ref,
                "planId": "plan-b-pro",
                "billingPeriod": "MONTHLY",
                "promotionCode": "TENOFF",
                "billingInformation": {"taxPercentage": 20},
            }
        },
    )["previewSubscription"]
    now = preview["immediateInvoice"]
    # Basic -> Pro with 21 of 31 days left: -20.32 + 40.65 = 20.33; TENOFF 10 off -> 10.33;
    # tax 20% = 2.066 -> 2.07; total 12.396 -> 12.40.
    assert now["proration"]["netAmount"] == usd(20.33)
    assert now["subTotal"] == usd(20.33)
    assert now["discount"] == usd(10)
    assert now["discountDetails"] == {"type": "FIXED", "durationType": "FOREVER"}
    assert now["totalExcludingTax"] == usd(10.33)
    assert now["tax"] == usd(2.07)
    assert now["total"] == usd(12.4)
    # Then every month: 60 - 10 = 50 + 20% = 60.
    assert preview["recurringInvoice"]["total"] == usd(60)
    assert preview["billingPeriodRange"]["end"] == "2030-02-01T00:00:00.000Z"


def _usd_figures(preview: dict[str, Any]) -> tuple[float | None, ...]:
    """(subTotal, discountAmount, totalExcludingTax, tax, total) of a USD preview; the
    non-prorated `subscription` part has no discountAmount (None)."""
    names = ("subTotal", "discountAmount", "totalExcludingTax", "tax", "total")
    shown = [preview.get(name) for name in names]
    assert all(money["currency"] == "USD" for money in shown if money is not None)
    return tuple(money["amount"] if money is not None else None for money in shown)


def _invoice_totals(api: Api, ref: str) -> list[tuple[str, str, float]]:
    """(period start, billing reason, total) of every invoice of `ref`, oldest first."""
    return [
        (row["periodStart"], row["billingReason"], row["total"])
        for row in reversed(invoices(api, ref))
    ]


def test_fixed_once_coupon_discounts_the_first_invoice_only(billing: EmulatorProcess) -> None:
    api, ref = customer_at(billing, T0, "pm_card_visa")
    fields = {
        "customerId": ref,
        "planId": "plan-b-basic",
        "billingPeriod": "MONTHLY",
        "promotionCode": "FIVEONCE",
        "billingInformation": {"taxPercentage": 10},
    }
    result = estimate(api, **fields)
    # First invoice: 30.00 - 5.00 = 25.00; tax 10% = 2.50; total 27.50.
    assert _usd_figures(result) == (30, 5, 25, 2.5, 27.5)
    assert result["discount"] == {
        "type": "FIXED",
        "value": 5,
        "durationType": "ONCE",
        "durationInMonths": None,
        "start": T0,
        "end": None,
    }
    # Later invoices: the full 30.00 + 3.00 tax = 33.00, no discount.
    assert result["subscription"]["discount"] is None
    assert _usd_figures(result["subscription"]) == (30, None, 30, 3, 33)
    # The clock issues exactly that: 27.50 on creation, then 33.00 each month.
    provision(api, **fields)
    set_clock(api, to="2030-03-15T00:00:00Z")
    assert _invoice_totals(api, ref) == [
        ("2030-01-01T00:00:00.000Z", "SUBSCRIPTION_CREATION", 27.5),
        ("2030-02-01T00:00:00.000Z", "BILLING_CYCLE", 33),
        ("2030-03-01T00:00:00.000Z", "BILLING_CYCLE", 33),
    ]


def test_fixed_repeating_coupon_stops_after_its_months(billing: EmulatorProcess) -> None:
    api, ref = customer_at(billing, T0, "pm_card_visa")
    fields = {
        "customerId": ref,
        "planId": "plan-b-basic",
        "billingPeriod": "MONTHLY",
        "promotionCode": "EIGHT2",
    }
    result = estimate(api, **fields)
    # 30.00 - 8.00 = 22.00 (no tax); 2 months from 2030-01-01: it ends 2030-03-01.
    assert _usd_figures(result) == (30, 8, 22, 0, 22)
    assert result["discount"] == {
        "type": "FIXED",
        "value": 8,
        "durationType": "REPEATING",
        "durationInMonths": 2,
        "start": T0,
        "end": "2030-03-01T00:00:00.000Z",
    }
    # The next period starts 2030-02-01, before the end: still 22.00.
    assert _usd_figures(result["subscription"]) == (30, None, 22, 0, 22)
    assert result["subscription"]["discount"] == {"type": "FIXED", "durationType": "REPEATING"}
    # Renewals: February is the 2nd month (22.00); from 2030-03-01 the coupon is over (30.00).
    provision(api, **fields)
    set_clock(api, to="2030-04-15T00:00:00Z")
    assert _invoice_totals(api, ref) == [
        ("2030-01-01T00:00:00.000Z", "SUBSCRIPTION_CREATION", 22),
        ("2030-02-01T00:00:00.000Z", "BILLING_CYCLE", 22),
        ("2030-03-01T00:00:00.000Z", "BILLING_CYCLE", 30),
        ("2030-04-01T00:00:00.000Z", "BILLING_CYCLE", 30),
    ]


def test_percentage_forever_coupon_on_new_and_updated_subscriptions(
    billing: EmulatorProcess,
) -> None:
    api, ref = customer_at(billing, T0, "pm_card_visa")
    fields = {
        "customerId": ref,
        "planId": "plan-b-seats",
        "billingPeriod": "MONTHLY",
        "billableFeatures": [{"featureId": "feature-b-seats", "quantity": 4}],
        "promotionCode": "QUARTER",
        "billingInformation": {"taxPercentage": 20},
    }
    result = estimate(api, **fields)
    # 4 seats x 10 = 40.00; 25% = 10.00 off: 30.00; tax 20% = 6.00; total 36.00.
    assert _usd_figures(result) == (40, 10, 30, 6, 36)
    assert result["discount"] == {
        "type": "PERCENTAGE",
        "value": 25,
        "durationType": "FOREVER",
        "durationInMonths": None,
        "start": T0,
        "end": None,
    }
    assert result["subscription"]["total"] == usd(36)
    sub_id = provision(api, **fields)["subscription"]["subscriptionId"]
    # A year later the coupon still applies. Period 2031-01-01 .. 2031-02-01, 21 of 31 days left.
    set_clock(api, to="2031-01-11T00:00:00Z")
    update = estimate_update(
        api,
        subscriptionId=sub_id,
        billableFeatures=[{"featureId": "feature-b-seats", "quantity": 6}],
    )
    # Credit 40 x 21/31 = 27.0967... -> -27.10; debit 60 x 21/31 = 40.6451... -> 40.65;
    # net 13.55; 25% = 3.3875 -> 3.39 off; 10.1625 -> 10.16 excluding tax; tax 20% = 2.0325
    # -> 2.03; total 12.195 -> 12.20.
    assert update["proration"]["credit"] == usd(-27.1)
    assert update["proration"]["debit"] == usd(40.65)
    assert _usd_figures(update) == (13.55, 3.39, 10.16, 2.03, 12.2)
    assert update["discount"]["durationType"] == "FOREVER"
    assert update["billingPeriodRange"] == {
        "start": "2031-01-01T00:00:00.000Z",
        "end": "2031-02-01T00:00:00.000Z",
    }
    # Not prorated: 6 x 10 = 60; 25% off = 45.00 excluding tax; tax 20% = 9.00; total 54.00.
    assert _usd_figures(update["subscription"]) == (60, None, 45, 9, 54)
    assert update["subscription"]["discount"] == {"type": "PERCENTAGE", "durationType": "FOREVER"}


def test_annual_to_monthly_switch_credits_unused_annual_time(billing: EmulatorProcess) -> None:
    # estimateSubscriptionUpdate has no billingPeriod in Stigg's schema (only quantities,
    # add-ons and a promotion code): a period switch is estimated with estimateSubscription.
    api, ref = customer_at(billing, T0, "pm_card_visa")
    provision(api, customerId=ref, planId="plan-b-basic", billingPeriod="ANNUALLY")
    set_clock(api, to=T10)
    result = estimate(api, customerId=ref, planId="plan-b-basic", billingPeriod="MONTHLY")
    # The annual period 2030-01-01 .. 2031-01-01 has 365 days; 355 remain on 2030-01-11.
    # Credit 300 x 355/365 = 291.7808... -> -291.78. The monthly period starts now and is
    # charged in full: 30.00. Net 30.00 - 291.78 = -261.78 (a credit); no tax.
    assert result["proration"]["prorationDate"] == T10
    assert result["proration"]["credit"] == usd(-291.78)
    assert result["proration"]["debit"] == usd(30)
    assert result["proration"]["netAmount"] == usd(-261.78)
    assert result["proration"]["hasProrations"] is True
    assert result["subTotal"] == usd(-261.78)
    assert result["total"] == usd(-261.78)
    assert result["billingPeriodRange"] == {"start": T10, "end": "2030-02-11T00:00:00.000Z"}
    assert result["isPlanDowngrade"] is False
    # Then 30.00 a month.
    assert result["subscription"]["subTotal"] == usd(30)
    assert result["subscription"]["total"] == usd(30)


def test_update_with_a_new_promotion_code(billing: EmulatorProcess) -> None:
    api = server(billing)
    set_clock(api, to=T0)
    _, sub_id = _seats_subscription(api, 3)  # no coupon, 10% tax
    set_clock(api, to=T10)
    result = estimate_update(
        api,
        subscriptionId=sub_id,
        billableFeatures=[{"featureId": "feature-b-seats", "quantity": 5}],
        promotionCode="HALF3",
    )
    # Net 13.55 as in the plain increase; HALF3 takes 50%: 6.775 -> 6.78 off, 6.775 -> 6.78
    # excluding tax; tax 10% = 0.6775 -> 0.68; total 7.4525 -> 7.45.
    assert result["proration"]["netAmount"] == usd(13.55)
    assert _usd_figures(result) == (13.55, 6.78, 6.78, 0.68, 7.45)
    # The new code starts now, so its 3 months end 2030-04-11, not 2030-04-01.
    assert result["discount"] == {
        "type": "PERCENTAGE",
        "value": 50,
        "durationType": "REPEATING",
        "durationInMonths": 3,
        "start": T10,
        "end": "2030-04-11T00:00:00.000Z",
    }
    # Not prorated: 5 x 10 = 50; 50% off = 25.00; tax 10% = 2.50; total 27.50.
    assert _usd_figures(result["subscription"]) == (50, None, 25, 2.5, 27.5)
    document = (
        "mutation E($input: EstimateSubscriptionUpdateInput!) "
        "{ estimateSubscriptionUpdate(input: $input) { total { amount } } }"
    )
    assert api.error_code(
        document, {"input": {"subscriptionId": sub_id, "promotionCode": "NOPE"}}
    ) == ("PromotionCodeNotFound")
