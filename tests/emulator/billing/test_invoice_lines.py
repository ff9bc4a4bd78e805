"""Invoice lines (what each recorded invoice was made of) and the portal's next-invoice preview.

Expected figures are worked out by hand in the comments; the clock starts at 2030-01-01 and
January has 31 days.
"""

from __future__ import annotations

from typing import Any

from tests.emulator.billing.helpers import (
    customer_at,
    new_customer,
    provision,
    set_clock,
    subscription,
)
from tests.emulator.helpers import Api, client
from tests.support.processes import EmulatorProcess

T0 = "2030-01-01T00:00:00Z"
LINES = """
query G($input: GetSubscriptionInput!) { getSubscription(input: $input) {
  latestInvoice { billingReason subTotal tax total currency
    lines { description amount currency quantity proration } } } }
"""
PORTAL = """
query P($input: CustomerPortalInput!) { customerPortal(input: $input) { subscriptions {
  subscriptionId previewNextInvoice {
    total { amount currency } subTotal { amount } subTotalExcludingTax { amount }
    totalExcludingTax { amount } tax { amount } discount { amount } amountDue { amount }
    discountDetails { type value } taxDetails { percentage } lastUpdatedAt
    lines { type description costDescription quantity proration amount { amount currency }
      unitPrice { amount } period { start end } } } } } }
"""


def _invoice(api: Api, ref_id: str) -> dict[str, Any]:
    result: dict[str, Any] = api.data(LINES, {"input": {"subscriptionId": ref_id}})[
        "getSubscription"
    ]["latestInvoice"]
    return result


def _line_sum(invoice: dict[str, Any]) -> float:
    return round(sum(line["amount"] for line in invoice["lines"]), 2)


def test_creation_invoice_lines_per_unit_addon_discount_and_tax(billing: EmulatorProcess) -> None:
    api, ref = customer_at(billing, T0, "pm_card_visa")
    sub = provision(
        api,
        customerId=ref,
        planId="plan-b-seats",
        billingPeriod="MONTHLY",
        billableFeatures=[{"featureId": "feature-b-seats", "quantity": 3}],
        addons=[{"addonId": "addon-b-storage", "quantity": 2}],
        promotionCode="TENOFF",
        billingInformation={"taxPercentage": 20},
    )["subscription"]
    invoice = _invoice(api, sub["subscriptionId"])
    # 3 seats x 10 = 30, storage 2 x 5 = 10: subtotal 40; TENOFF -10 -> 30; 20% tax 6; total 36.
    assert invoice["lines"] == [
        {
            "description": "Seats: seats x 3 at 10 USD / month",
            "amount": 30,
            "currency": "USD",
            "quantity": 3,
            "proration": False,
        },
        {
            "description": "Add-on Storage x 2 at 5 USD / month",
            "amount": 10,
            "currency": "USD",
            "quantity": 2,
            "proration": False,
        },
        {
            "description": "Discount: Ten off",
            "amount": -10,
            "currency": "USD",
            "quantity": None,
            "proration": False,
        },
        {
            "description": "Tax (20%)",
            "amount": 6,
            "currency": "USD",
            "quantity": None,
            "proration": False,
        },
    ]
    assert (invoice["subTotal"], invoice["tax"], invoice["total"]) == (40, 6, 36)
    assert _line_sum(invoice) == invoice["total"]


def test_prorated_update_lines_round_once_and_add_up(billing: EmulatorProcess) -> None:
    api, ref = customer_at(billing, T0, "pm_card_visa")
    sub_id = provision(
        api,
        customerId=ref,
        planId="plan-b-basic",
        billingPeriod="MONTHLY",
        promotionCode="HALF3",
        billingInformation={"taxPercentage": 10},
    )["subscription"]["subscriptionId"]
    created = _invoice(api, sub_id)
    # 30, HALF3 -15, 10% of 15 = 1.50: 16.50.
    assert [line["amount"] for line in created["lines"]] == [30, -15, 1.5]
    assert created["total"] == 16.5
    set_clock(api, to="2030-01-11T00:00:00Z")  # 21 of 31 days remain
    api.data(
        "mutation U($input: UpdateSubscriptionInput!) { updateOneSubscription(input: $input) "
        "{ subscriptionId } }",
        {"input": {"refId": sub_id, "addons": [{"addonId": "addon-b-storage", "quantity": 1}]}},
    )
    invoice = _invoice(api, sub_id)
    # Unused Basic: 30 x 21/31 = 20.3225.. -> -20.32; remaining Basic + Storage: 35 x 21/31 =
    # 23.7096.. -> 23.71; net 3.39; HALF3 50% = 1.695 -> -1.70; tax 10% of 1.695 = 0.1695 -> 0.17;
    # total 1.695 + 0.1695 = 1.8645 -> 1.86 = -20.32 + 23.71 - 1.70 + 0.17.
    assert [
        (line["description"], line["amount"], line["proration"]) for line in invoice["lines"]
    ] == [
        ("Unused time on Basic", -20.32, True),
        ("Remaining time on Basic, add-on Storage x 1", 23.71, True),
        ("Discount: Half off for 3 months", -1.7, False),
        ("Tax (10%)", 0.17, False),
    ]
    assert (invoice["billingReason"], invoice["subTotal"], invoice["tax"], invoice["total"]) == (
        "SUBSCRIPTION_UPDATE",
        3.39,
        0.17,
        1.86,
    )
    assert _line_sum(invoice) == invoice["total"]


def test_portal_preview_matches_the_renewal_the_clock_issues(billing: EmulatorProcess) -> None:
    api, ref = customer_at(billing, T0, "pm_card_visa")
    sub_id = provision(
        api,
        customerId=ref,
        planId="plan-b-seats",
        billingPeriod="MONTHLY",
        billableFeatures=[{"featureId": "feature-b-seats", "quantity": 5}],
        promotionCode="HALF3",
        billingInformation={"taxPercentage": 25},
    )["subscription"]["subscriptionId"]
    # 5 -> 2 seats at the end of the period: the February renewal bills 2 seats.
    api.data(
        "mutation U($input: UpdateSubscriptionInput!) { updateOneSubscription(input: $input) "
        "{ subscriptionId } }",
        {
            "input": {
                "refId": sub_id,
                "billableFeatures": [{"featureId": "feature-b-seats", "quantity": 2}],
                "scheduleStrategy": "END_OF_BILLING_PERIOD",
            }
        },
    )

    def preview() -> dict[str, Any]:
        [sub] = client(billing).data(PORTAL, {"input": {"customerId": ref}})["customerPortal"][
            "subscriptions"
        ]
        assert sub["subscriptionId"] == sub_id
        result: dict[str, Any] = sub["previewNextInvoice"]
        return result

    before = preview()
    # 2 x 10 = 20; HALF3 (until 2030-04-01) -10; 25% tax on 10 = 2.50; total 12.50.
    assert before["lines"] == [
        {
            "type": "BaseCharge",
            "description": "Seats: seats x 2 at 10 USD / month",
            "costDescription": "Seats: seats x 2 at 10 USD / month",
            "quantity": 2,
            "proration": False,
            "amount": {"amount": 20, "currency": "USD"},
            "unitPrice": {"amount": 10},
            "period": {"start": "2030-02-01T00:00:00.000Z", "end": "2030-03-01T00:00:00.000Z"},
        }
    ]
    assert before["subTotal"] == before["subTotalExcludingTax"] == {"amount": 20}
    assert (before["discount"], before["totalExcludingTax"]) == ({"amount": 10}, {"amount": 10})
    assert (before["tax"], before["total"], before["amountDue"]) == (
        {"amount": 2.5},
        {"amount": 12.5, "currency": "USD"},
        {"amount": 12.5},
    )
    assert before["discountDetails"] == {"type": "PERCENTAGE", "value": 50}
    assert before["taxDetails"] == {"percentage": 25}
    report = set_clock(api, to="2030-02-01T00:00:00Z")
    assert len(report["invoices"]) == 1
    issued = _invoice(api, sub_id)
    assert issued["billingReason"] == "BILLING_CYCLE"
    assert (issued["subTotal"], issued["tax"], issued["total"]) == (
        before["subTotal"]["amount"],
        before["tax"]["amount"],
        before["total"]["amount"],
    )
    charged = [line for line in issued["lines"] if line["quantity"] is not None]
    assert [(line["description"], line["amount"], line["quantity"]) for line in charged] == [
        (line["description"], line["amount"]["amount"], line["quantity"])
        for line in before["lines"]
    ]
    assert subscription(api, sub_id)["prices"][0]["usageLimit"] == 2
    # The next preview is March's: still within HALF3.
    assert preview()["lines"][0]["period"]["start"] == "2030-03-01T00:00:00.000Z"
    set_clock(api, to="2030-03-15T00:00:00Z")
    # April's renewal is past HALF3's three months: 20 + 25% = 25, no discount.
    april = preview()
    assert (april["discount"], april["total"]["amount"]) == (None, 25)


def test_no_preview_when_the_subscription_ends_or_is_free(billing: EmulatorProcess) -> None:
    api, ref = customer_at(billing, T0, "pm_card_visa")
    sub_id = provision(api, customerId=ref, planId="plan-b-basic", billingPeriod="MONTHLY")[
        "subscription"
    ]["subscriptionId"]
    api.data(
        "mutation C($input: SubscriptionCancellationInput!) { cancelSubscription(input: $input) "
        "{ subscriptionId } }",
        {
            "input": {
                "subscriptionRefId": sub_id,
                "subscriptionCancellationTime": "END_OF_BILLING_PERIOD",
            }
        },
    )
    [sub] = client(billing).data(PORTAL, {"input": {"customerId": ref}})["customerPortal"][
        "subscriptions"
    ]
    assert sub["previewNextInvoice"] is None
    free = new_customer(api)
    provision(api, customerId=free, planId="plan-b-free")
    [row] = client(billing).data(PORTAL, {"input": {"customerId": free}})["customerPortal"][
        "subscriptions"
    ]
    assert row["previewNextInvoice"] is None
