"""estimateSubscription / estimateSubscriptionUpdate: worked examples computed by hand.

Catalog (tests/emulator/catalogs/billing.yaml): Basic 30/month or 300/year (DK: 200 / 2000 DKK),
Pro 60/month, Seats 10 per seat per month, Storage add-on 5/month (50/year; DK 40 / 400 DKK).
Coupons: HALF3 = 50% REPEATING 3 months, TENOFF = 10 USD FIXED FOREVER, FIRST20 = 20% ONCE.
The clock is frozen at 2030-01-01T00:00:00Z; January has 31 days, so a subscription started
then has the billing period 2030-01-01 .. 2030-02-01. Every figure is computed exactly and
rounded half-up to cents only when shown.
"""

from __future__ import annotations

from tests.emulator.billing.helpers import (
    estimate,
    estimate_update,
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
    api = server(billing)
    set_clock(api, to=T0)
    ref = new_customer(api)
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
    api = server(billing)
    set_clock(api, to=T0)
    ref = new_customer(api)
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
    api = server(billing)
    set_clock(api, to=T0)
    ref = new_customer(api)
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
    api = server(billing)
    set_clock(api, to=T0)
    ref = new_customer(api)
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
    api = server(billing)
    set_clock(api, to=T0)
    ref = new_customer(api)
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
    # Not prorated: 5 x 10 = 50 + 10% tax = 55.
    assert result["subscription"]["subTotal"] == usd(50)
    assert result["subscription"]["total"] == usd(55)


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
    assert result["subscription"]["total"] == usd(22)  # 2 x 10 + 10% tax


def test_update_add_on_with_repeating_coupon_still_running(billing: EmulatorProcess) -> None:
    api = server(billing)
    set_clock(api, to=T0)
    ref = new_customer(api, "pm_card_visa")
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
    assert result["subscription"]["total"] == usd(17.5)  # (30 + 5) x 50%


def test_update_after_repeating_coupon_ended(billing: EmulatorProcess) -> None:
    api = server(billing)
    set_clock(api, to=T0)
    ref = new_customer(api, "pm_card_visa")
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
    assert result["subscription"]["total"] == usd(35)


def test_update_does_not_reapply_a_once_coupon(billing: EmulatorProcess) -> None:
    api = server(billing)
    set_clock(api, to=T0)
    ref = new_customer(api, "pm_card_visa")
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


def test_monthly_to_annual_switch_credits_unused_time(billing: EmulatorProcess) -> None:
    api = server(billing)
    set_clock(api, to=T0)
    ref = new_customer(api, "pm_card_visa")
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
    api = server(billing)
    set_clock(api, to=T0)
    ref = new_customer(api, "pm_card_visa")
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
    api = server(billing)
    set_clock(api, to=T0)
    ref = new_customer(api, "pm_card_visa")
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
    api = server(billing)
    set_clock(api, to=T0)
    ref = new_customer(api, "pm_card_visa")
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
