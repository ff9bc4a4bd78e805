"""Tiered, block, usage-based and overage prices: the hand-worked cases of
docs/design/pricing-and-parity.md §2 (case numbers in the test names), on the demo catalog.

Demo plans (product-inkwell-org), all monthly:
- plan-org-volume: seats VOLUME (upTo 10 @ $10, upTo 50 @ $8, open @ $6); 1,000 AI assists
  included, overage $0.01 each.
- plan-org-graduated: seats GRADUATED (upTo 5 @ $20, upTo 10 @ $15, open @ $10); AI assists
  usage based, GRADUATED (upTo 1,000: flat $50; open: $0.04 each).
- plan-org-payg: $5 flat; AI assists usage based at $1 per block of 1,000.
The global clock is frozen at 2030-04-01 (April: 30 days); proration cases move only their
customer's clock 15 days (half the period).
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from stigg_emulator.catalog.model import PriceSpec
from stigg_emulator.domain.tiers import price_total
from tests.conftest import DEMO_CATALOG
from tests.emulator.billing.helpers import (
    estimate,
    estimate_update,
    invoices,
    new_customer,
    provision,
    report_usage,
    set_clock,
    usd,
)
from tests.emulator.conftest import start_emulator
from tests.emulator.helpers import Api, server
from tests.support.processes import SERVER_KEY, EmulatorProcess

T0 = "2030-04-01T00:00:00Z"
SEATS = "feature-seats"
ASSISTS = "feature-ai-credits"
PREVIEW_NEXT = """
mutation N($input: PreviewNextInvoiceInput!) { previewNextInvoice(input: $input) {
  subTotal { amount } total { amount } lines { type description amount { amount } quantity } } }
"""


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorProcess]:
    """One emulator on the demo catalog, its clock at T0."""
    process = start_emulator(tmp_path_factory.mktemp("tiers"), DEMO_CATALOG)
    set_clock(server(process), to=T0)
    yield process
    process.stop()


@pytest.fixture
def api(demo: EmulatorProcess) -> Api:
    return server(demo)


def _seats(api: Api, plan: str, seats: int, **extra: Any) -> dict[str, Any]:
    return estimate(
        api,
        customerId=new_customer(api),
        planId=plan,
        billingPeriod="MONTHLY",
        billableFeatures=[{"featureId": SEATS, "quantity": seats}],
        **extra,
    )


def _subscribe(api: Api, ref: str, plan: str, seats: int | None) -> dict[str, Any]:
    """A monthly subscription to `plan` (with `seats` of its seat price, when given)."""
    fields: dict[str, Any] = {"customerId": ref, "planId": plan, "billingPeriod": "MONTHLY"}
    if seats is not None:
        fields["billableFeatures"] = [{"featureId": SEATS, "quantity": seats}]
    subscription: dict[str, Any] = provision(api, **fields)["subscription"]
    return subscription


def _customer_clock(api: Api, customer: str, by: str) -> None:
    response = api.http.post(
        "/emulator/clock",
        json={"customerId": customer, "by": by},
        headers={"X-API-KEY": SERVER_KEY},
    )
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("case", "plan", "seats", "total"),
    [
        (1, "plan-org-volume", 10, 100),  # exactly at upTo: 10 x $10
        (2, "plan-org-volume", 11, 88),  # one above: all 11 at $8 (a volume total can drop)
        (3, "plan-org-volume", 51, 306),  # last, open tier: 51 x $6
        (4, "plan-org-graduated", 5, 100),  # exactly at upTo: 5 x $20
        (5, "plan-org-graduated", 6, 115),  # one above: 5 x $20 + 1 x $15
        (6, "plan-org-graduated", 20, 275),  # open tier: 5 x 20 + 5 x 15 + 10 x 10
    ],
)
def test_cases_1_to_6_tier_boundaries(
    api: Api, case: int, plan: str, seats: int, total: float
) -> None:
    result = _seats(api, plan, seats)
    assert result["subTotal"] == usd(total), case
    assert result["total"] == usd(total), case
    assert result["subscription"]["total"] == usd(total), case


def test_cases_12_to_14_coupons_apply_after_tiering(api: Api) -> None:
    # 12: G, 20 seats $275 - 20% ($55) = $220. 13: V, 12 seats $96 - 20% ($19.20) = $76.80.
    # 14: V, 10 seats $100 - $10 fixed = $90.
    assert _seats(api, "plan-org-graduated", 20, promotionCode="LAUNCH20")["total"] == usd(220)
    launch = _seats(api, "plan-org-volume", 12, promotionCode="LAUNCH20")
    assert (launch["subTotal"], launch["discountAmount"]) == (usd(96), usd(19.2))
    assert launch["total"] == usd(76.8)
    ten_off = _seats(api, "plan-org-volume", 10, appliedCoupon={"couponId": "coupon-ten-off"})
    assert ten_off["total"] == usd(90)


def test_min_and_max_unit_quantity_bound_a_tiered_price(api: Api) -> None:
    ref = new_customer(api)
    for seats, bound in ((0, "at least 1"), (1001, "at most 1000")):
        body = api.gql(
            "mutation E($input: EstimateSubscriptionInput!) { estimateSubscription(input: $input)"
            " { total { amount } } }",
            {
                "input": {
                    "customerId": ref,
                    "planId": "plan-org-volume",
                    "billableFeatures": [{"featureId": SEATS, "quantity": seats}],
                }
            },
        )
        assert bound in body["errors"][0]["message"]


@pytest.mark.parametrize(
    ("case", "plan", "before", "after", "credit", "debit", "due", "next_total"),
    [
        # 10: V 8 -> 12 seats at half period: credit -$40 (8 x $10 / 2), debit $48 (12 x $8 / 2).
        (10, "plan-org-volume", 8, 12, -40, 48, 8, 96),
        # 11: G 4 -> 7 seats: credit -$40 (4 x $20 / 2), debit $65 ((5 x 20 + 2 x 15) / 2).
        (11, "plan-org-graduated", 4, 7, -40, 65, 25, 130),
    ],
)
def test_cases_10_11_upgrade_across_a_tier_prorates(
    api: Api,
    case: int,
    plan: str,
    before: int,
    after: int,
    credit: float,
    debit: float,
    due: float,
    next_total: float,
) -> None:
    ref = new_customer(api, "pm_card_visa")
    sub = _subscribe(api, ref, plan, before)
    _customer_clock(api, ref, "15d")
    result = estimate_update(
        api,
        subscriptionId=sub["subscriptionId"],
        billableFeatures=[{"featureId": SEATS, "quantity": after}],
    )
    proration = result["proration"]
    assert (proration["credit"], proration["debit"]) == (usd(credit), usd(debit)), case
    assert result["total"] == usd(due), case
    assert result["subscription"]["total"] == usd(next_total), case
    # Applied: the prorated invoice charges what the estimate said; the renewal the new total.
    api.data(
        "mutation U($input: UpdateSubscriptionInput!) { updateOneSubscription(input: $input) "
        "{ subscriptionId } }",
        {
            "input": {
                "refId": sub["subscriptionId"],
                "billableFeatures": [{"featureId": SEATS, "quantity": after}],
            }
        },
    )
    assert invoices(api, ref)[0]["total"] == due, case
    _customer_clock(api, ref, "15d")
    assert (invoices(api, ref)[0]["billingReason"], invoices(api, ref)[0]["total"]) == (
        "BILLING_CYCLE",
        next_total,
    ), case


def test_case_9_overage_per_block() -> None:
    # O per block: $0.50 per 100 above the 1,000 included; usage 1,250 -> 250 over -> 3 blocks.
    over = PriceSpec("USAGE_BASED", "MONTHLY", Decimal("0.50"), block_size=100)
    assert price_total(over, Decimal(250), over.amount) == Decimal("1.50")
    assert price_total(over, Decimal(0), over.amount) == Decimal(0)


def _renewal(api: Api, ref: str, plan: str, seats: int | None, usage: int) -> dict[str, Any]:
    """Subscribe at T0, use `usage` AI assists, preview the renewal, then let it be issued; the
    renewal invoice (which must equal the preview) is returned."""
    sub = _subscribe(api, ref, plan, seats)
    if usage:
        report_usage(api, ref, ASSISTS, usage)
    preview = api.data(PREVIEW_NEXT, {"input": {"subscriptionId": sub["subscriptionId"]}})[
        "previewNextInvoice"
    ]
    _customer_clock(api, ref, "30d")
    issued = invoices(api, ref)[0]
    assert issued["billingReason"] == "BILLING_CYCLE"
    assert issued["total"] == preview["total"]["amount"]
    return preview


def test_case_7_usage_based_graduated_tiers_billed_in_arrears(api: Api) -> None:
    # 1 seat ($20 in advance) + AI assists 1,250 in arrears: $50 flat + 250 x $0.04 = $60.
    ref = new_customer(api, "pm_card_visa")
    preview = _renewal(api, ref, "plan-org-graduated", 1, 1250)
    assert (preview["subTotal"]["amount"], preview["total"]["amount"]) == (80, 80)
    usage_line = next(line for line in preview["lines"] if line["type"] == "PayAsYouGoCharge")
    assert (usage_line["amount"]["amount"], usage_line["quantity"]) == (60, 1250)


def test_case_8_usage_in_blocks(api: Api) -> None:
    # $5 flat + 1,500 assists in blocks of 1,000 -> 2 blocks x $1 = $2; renewal $7.
    ref = new_customer(api, "pm_card_visa")
    preview = _renewal(api, ref, "plan-org-payg", None, 1500)
    assert preview["total"]["amount"] == 7


def test_case_9_overage_per_unit_above_the_included_quantity(api: Api) -> None:
    # 2 seats (2 x $10) + 1,250 assists with 1,000 included: 250 x $0.01 = $2.50; renewal $22.50.
    ref = new_customer(api, "pm_card_visa")
    preview = _renewal(api, ref, "plan-org-volume", 2, 1250)
    assert preview["total"]["amount"] == 22.5
    overage = next(line for line in preview["lines"] if line["type"] == "OverageCharge")
    assert (overage["amount"]["amount"], overage["quantity"]) == (2.5, 250)


def test_usage_based_plans_estimate_only_what_is_billed_in_advance(api: Api) -> None:
    # Nothing is used yet when subscribing: G with 1 seat costs $20 now, payg $5.
    assert _seats(api, "plan-org-graduated", 1)["total"] == usd(20)
    payg = estimate(api, customerId=new_customer(api), planId="plan-org-payg")
    assert payg["total"] == usd(5)


def test_no_usage_no_arrears_charge(api: Api) -> None:
    # Case 7 with usage 0: the graduated usage price charges nothing (not even its flat tier).
    ref = new_customer(api, "pm_card_visa")
    preview = _renewal(api, ref, "plan-org-graduated", 1, 0)
    assert preview["total"]["amount"] == 20


PAYWALL = """
query P($input: GetPaywallInput!) { paywall(input: $input) {
  plans { refId
    prices { billingModel billingPeriod price { amount currency } blockSize tiersMode
      minUnitQuantity maxUnitQuantity tiers { upTo unitPrice { amount currency }
      flatPrice { amount currency } } feature { refId } }
    overagePrices { billingModel price { amount } blockSize tiersMode feature { refId } } }
  paywallCalculatedPricePoints { planId amount additionalChargesMayApply feature { refId } } } }
"""


def test_the_paywall_carries_tiers_blocks_and_overage_as_stiggs_price_fragment(api: Api) -> None:
    paywall = api.data(PAYWALL, {"input": {"productId": "product-inkwell-org"}})["paywall"]
    plans = {plan["refId"]: plan for plan in paywall["plans"]}
    (volume,) = plans["plan-org-volume"]["prices"]
    assert volume == {
        "billingModel": "PER_UNIT",
        "billingPeriod": "MONTHLY",
        "price": None,
        "blockSize": None,
        "tiersMode": "VOLUME",
        "minUnitQuantity": 1,
        "maxUnitQuantity": 1000,
        "tiers": [
            {"upTo": 10, "unitPrice": usd(10), "flatPrice": None},
            {"upTo": 50, "unitPrice": usd(8), "flatPrice": None},
            {"upTo": None, "unitPrice": usd(6), "flatPrice": None},
        ],
        "feature": {"refId": SEATS},
    }
    assert plans["plan-org-volume"]["overagePrices"] == [
        {
            "billingModel": "USAGE_BASED",
            "price": {"amount": 0.01},
            "blockSize": None,
            "tiersMode": None,
            "feature": {"refId": ASSISTS},
        }
    ]
    usage = plans["plan-org-graduated"]["prices"][1]
    assert usage["tiers"][0] == {"upTo": 1000, "unitPrice": usd(0), "flatPrice": usd(50)}
    blocks = plans["plan-org-payg"]["prices"][1]
    assert (blocks["billingModel"], blocks["blockSize"], blocks["price"]) == (
        "USAGE_BASED",
        1000,
        usd(1),
    )
    # "From" amounts: the per-unit price at the smallest quantity; usage prices may add charges.
    points = {
        (p["planId"], (p["feature"] or {}).get("refId")): p
        for p in paywall["paywallCalculatedPricePoints"]
    }
    assert points[("plan-org-volume", SEATS)]["amount"] == 10
    assert points[("plan-org-graduated", SEATS)]["amount"] == 20
    assert points[("plan-org-payg", ASSISTS)]["additionalChargesMayApply"] is True
    assert points[("plan-org-payg", None)]["additionalChargesMayApply"] is False


def test_a_subscription_lists_its_usage_based_prices_beside_the_bought_ones(api: Api) -> None:
    ref = new_customer(api, "pm_card_visa")
    sub = _subscribe(api, ref, "plan-org-graduated", 3)
    prices = api.data(
        "query G($input: GetSubscriptionInput!) { getSubscription(input: $input) {"
        " prices { usageLimit billingModel featureId price { tiersMode } } } }",
        {"input": {"subscriptionId": sub["subscriptionId"]}},
    )["getSubscription"]["prices"]
    assert prices == [
        {
            "usageLimit": 3,
            "billingModel": "PER_UNIT",
            "featureId": SEATS,
            "price": {"tiersMode": "GRADUATED"},
        },
        {
            "usageLimit": None,
            "billingModel": "USAGE_BASED",
            "featureId": ASSISTS,
            "price": {"tiersMode": "GRADUATED"},
        },
    ]
