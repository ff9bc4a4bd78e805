"""Paywall (GraphQL + edge), coupons, products, estimates, customer portal, checkout state."""

from __future__ import annotations

import uuid
from typing import Any

from tests.emulator.helpers import Api, client, server
from tests.support.processes import EmulatorProcess

PAYWALL = """
query GetPaywall($input: GetPaywallInput!) {
  paywall(input: $input) {
    currency { code symbol }
    plans {
      refId displayName pricingType hiddenFromWidgets basePlan { refId }
      product { refId productSettings { downgradePlan { refId } } }
      entitlements { featureId hiddenFromWidgets usageLimit feature { refId } }
      inheritedEntitlements { feature { refId } usageLimit }
      compatibleAddons { refId maxQuantity prices { billingPeriod price { amount currency } } }
      prices { billingModel billingPeriod billingCountryCode price { amount currency }
               feature { refId } minUnitQuantity }
      defaultTrialConfig { duration units trialEndBehavior }
    }
    paywallCalculatedPricePoints { planId billingPeriod amount currency billingCountryCode }
    customer { customerId }
    activeSubscriptions { subscriptionId plan { refId } }
  }
}
"""
PREVIEW = """
fragment Preview on SubscriptionPreview {
  subTotal { amount currency } totalExcludingTax { amount currency } total { amount currency }
  discountAmount { amount currency } tax { amount currency }
  taxDetails { displayName percentage inclusive }
  billingPeriodRange { start end }
  discount { name type value durationType durationInMonths }
  subscription { subTotal { amount } total { amount } tax { amount } discountAmount { amount } }
  proration { prorationDate credit { amount } debit { amount } netAmount { amount } }
  isPlanDowngrade hasScheduledUpdates
}
"""


def _plans(paywall: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {plan["refId"]: plan for plan in paywall["plans"]}


def test_public_paywall_order_hidden_and_country_prices(emulator: EmulatorProcess) -> None:
    api = client(emulator)
    paywall = api.data(PAYWALL, {"input": {"productId": "product-stigg"}})["paywall"]
    assert [p["refId"] for p in paywall["plans"]] == [
        "plan-stigg-starter",
        "plan-stigg-pro",
        "plan-stigg-team",
    ]
    assert paywall["currency"] == {"code": "USD", "symbol": "$"}
    pro = _plans(paywall)["plan-stigg-pro"]
    assert pro["basePlan"] == {"refId": "plan-stigg-starter"}
    assert pro["product"]["productSettings"]["downgradePlan"] == {"refId": "plan-stigg-starter"}
    assert {(p["billingPeriod"], p["price"]["amount"]) for p in pro["prices"]} == {
        ("MONTHLY", 12.0),
        ("ANNUALLY", 120.0),
    }
    inherited = {e["feature"]["refId"]: e["usageLimit"] for e in pro["inheritedEntitlements"]}
    assert inherited["feature-demo-03"] == 50 and inherited["feature-demo-01"] == 100
    team = _plans(paywall)["plan-stigg-team"]
    assert team["defaultTrialConfig"] == {
        "duration": 14,
        "units": "DAY",
        "trialEndBehavior": "CONVERT_TO_PAID",
    }
    assert team["prices"][0]["billingModel"] == "PER_UNIT"
    assert team["prices"][0]["feature"] == {"refId": "feature-seats"}
    hidden = api.data(
        PAYWALL, {"input": {"productId": "product-stigg", "includeHiddenPlans": True}}
    )
    assert "plan-stigg-enterprise" in _plans(hidden["paywall"])
    danish = api.data(
        PAYWALL, {"input": {"productId": "product-stigg", "billingCountryCode": "DK"}}
    )
    dk_pro = _plans(danish["paywall"])["plan-stigg-pro"]
    assert {
        (p["billingPeriod"], p["price"]["amount"], p["price"]["currency"], p["billingCountryCode"])
        for p in dk_pro["prices"]
    } == {("MONTHLY", 90.0, "DKK", "DK"), ("ANNUALLY", 900.0, "DKK", "DK")}
    points = [
        p
        for p in danish["paywall"]["paywallCalculatedPricePoints"]
        if p["planId"] == "plan-stigg-pro" and p["billingPeriod"] == "MONTHLY"
    ]
    assert [(p["amount"], p["currency"]) for p in points] == [(90.0, "DKK")]
    assert api.error_code(PAYWALL, {"input": {"productId": "nope"}}) == "ProductNotFoundError"


def test_edge_paywall_tolerates_sdk_query_strings(emulator: EmulatorProcess) -> None:
    api = client(emulator)
    for path in (
        "/v1/paywall.json?",
        "/v1/p/product-stigg/paywall.json?&includeHiddenPlans=true",
        "/v1/p/product-stigg/paywall.json?fetchAllCountriesPrices=undefined"
        "&billingCountryCode=DK&includeHiddenPlans=true",
    ):
        response = api.http.get(emulator.edge_url + path, headers={"X-API-KEY": api.key})
        assert response.status_code == 200, path
        plans = _plans(response.json()["data"]["paywall"])
        assert "plan-stigg-pro" in plans
        if "includeHiddenPlans=true" in path:
            assert "plan-stigg-enterprise" in plans
        else:
            assert "plan-stigg-enterprise" not in plans
    everything = api.edge("/v1/p/product-stigg/paywall.json", fetchAllCountriesPrices="true").json()
    pro = _plans(everything["data"]["paywall"])["plan-stigg-pro"]
    assert {p["price"]["currency"] for p in pro["prices"]} == {"USD", "DKK"}


def test_edge_paywall_is_compressed_and_revalidated(emulator: EmulatorProcess) -> None:
    api = client(emulator)
    url = emulator.edge_url + "/v1/p/product-stigg/paywall.json"
    headers = {"X-API-KEY": api.key, "Accept-Encoding": "gzip"}
    first = api.http.get(url, headers=headers)
    assert first.status_code == 200
    assert first.headers["content-encoding"] == "gzip"
    assert int(first.headers["content-length"]) < len(first.content)
    assert first.headers["cache-control"] == "no-cache"
    etag = first.headers["etag"]
    again = api.http.get(url, headers={**headers, "If-None-Match": etag})
    assert (again.status_code, again.content, again.headers["etag"]) == (304, b"", etag)
    hidden_too = url + "?includeHiddenPlans=true"
    other = api.http.get(hidden_too, headers={**headers, "If-None-Match": etag})
    assert other.status_code == 200 and other.headers["etag"] != etag
    assert "plan-stigg-enterprise" in _plans(other.json()["data"]["paywall"])


def test_paywall_with_customer_context(emulator: EmulatorProcess) -> None:
    data = server(emulator).data(
        PAYWALL, {"input": {"customerId": "customer-demo-01", "productId": "product-stigg"}}
    )
    assert data["paywall"]["customer"] == {"customerId": "customer-demo-01"}
    assert [s["plan"]["refId"] for s in data["paywall"]["activeSubscriptions"]] == [
        "plan-stigg-starter"
    ]


def test_coupons_and_products(emulator: EmulatorProcess) -> None:
    api = client(emulator)
    coupons = api.data(
        """query GetCoupons { coupons(filter: {status: {eq: ACTIVE}}, paging: {first: 50}) {
             totalCount edges { cursor node { refId name type discountValue percentOff
             amountsOff { amount currency } status } } } }"""
    )["coupons"]
    nodes = [edge["node"] for edge in coupons["edges"]]
    assert [n["refId"] for n in nodes] == ["coupon-stigg30", "coupon-five-off"]
    assert nodes[0]["percentOff"] == 30 and nodes[1]["amountsOff"] == [
        {"amount": 5, "currency": "USD"}
    ]
    page = api.data(
        "{ coupons(paging: {first: 1}) { edges { node { refId } } "
        "pageInfo { hasNextPage endCursor } } }"
    )["coupons"]
    assert len(page["edges"]) == 1 and page["pageInfo"]["hasNextPage"] is True
    products = api.data(
        "query GetProducts { products(paging: {first: 20}) { edges { node { "
        "refId displayName multipleSubscriptions plans { refId } } } } }"
    )
    by_ref = {e["node"]["refId"]: e["node"] for e in products["products"]["edges"]}
    assert by_ref["product-stigg"]["displayName"] == "Stigg"
    assert by_ref["product-workspaces"]["multipleSubscriptions"] is True


def _customer(api: Api) -> str:
    ref = f"est-{uuid.uuid4().hex[:8]}"
    api.data(
        "mutation P($input: ProvisionCustomerInput!) { provisionCustomer(input: $input) "
        "{ customer { customerId } } }",
        {
            "input": {
                "refId": ref,
                "billingInformation": {"paymentMethodId": "pm_1"},
                "subscriptionParams": {"planId": "plan-stigg-pro", "billingPeriod": "MONTHLY"},
            }
        },
    )
    return ref


def test_estimates(emulator: EmulatorProcess) -> None:
    api = server(emulator)
    ref = _customer(api)
    estimate = client(emulator).data(
        "mutation EstimateSubscription($input: EstimateSubscriptionInput!) "
        "{ estimateSubscription(input: $input) { ...Preview } }" + PREVIEW,
        {
            "input": {
                "customerId": ref,
                "planId": "plan-stigg-pro",
                "billingPeriod": "MONTHLY",
                "addons": [{"addonId": "addon-extra-requests", "quantity": 1}],
                "promotionCode": "STIGG30",
                "billingInformation": {"taxPercentage": 10},
                "startDate": "2024-01-01T00:00:00.000Z",
            }
        },
    )["estimateSubscription"]
    assert estimate["subTotal"] == {"amount": 17, "currency": "USD"}
    assert estimate["discountAmount"]["amount"] == 5.1
    assert estimate["totalExcludingTax"]["amount"] == 11.9
    assert estimate["tax"]["amount"] == 1.19
    assert estimate["total"]["amount"] == 13.09
    assert estimate["discount"] == {
        "name": "30% off",
        "type": "PERCENTAGE",
        "value": 30,
        "durationType": "REPEATING",
        "durationInMonths": 3,
    }
    assert estimate["billingPeriodRange"] == {
        "start": "2024-01-01T00:00:00.000Z",
        "end": "2024-02-01T00:00:00.000Z",
    }
    sub_id = api.data(
        "query A($input: GetActiveSubscriptionsInput!) { getActiveSubscriptions(input: $input) "
        "{ subscriptionId } }",
        {"input": {"customerId": ref}},
    )["getActiveSubscriptions"][0]["subscriptionId"]
    update = client(emulator).data(
        "mutation EstimateSubscriptionUpdate($input: EstimateSubscriptionUpdateInput!) "
        "{ estimateSubscriptionUpdate(input: $input) { ...Preview } }" + PREVIEW,
        {
            "input": {
                "subscriptionId": sub_id,
                "addons": [{"addonId": "addon-extra-requests", "quantity": 2}],
            }
        },
    )["estimateSubscriptionUpdate"]
    assert update["subscription"]["total"]["amount"] == 22
    proration = update["proration"]
    assert proration["credit"]["amount"] < 0 < proration["debit"]["amount"]
    assert (
        round(proration["credit"]["amount"] + proration["debit"]["amount"], 2)
        == (proration["netAmount"]["amount"])
    )
    assert 0 < proration["netAmount"]["amount"] <= 10


def test_customer_portal_and_checkout_state(emulator: EmulatorProcess) -> None:
    api = client(emulator)
    portal = api.data(
        """query GetCustomerPortalByRefId($input: CustomerPortalInput!) {
           customerPortal(input: $input) {
             subscriptions { subscriptionId planName pricingType status
               billingPeriodRange { start end }
               pricing { pricingType } addons { addonId } }
             entitlements { feature { refId } usageLimit }
             promotionalEntitlements { displayName }
             billingInformation { email name }
             showWatermark canUpgradeSubscription
           }
        }""",
        {"input": {"customerId": "customer-demo-01"}},
    )["customerPortal"]
    [subscription] = portal["subscriptions"]
    assert subscription["planName"] == "Starter" and subscription["status"] == "ACTIVE"
    assert subscription["billingPeriodRange"]["start"] < subscription["billingPeriodRange"]["end"]
    assert portal["billingInformation"] == {"email": "first@example.com", "name": "First customer"}
    assert {e["feature"]["refId"] for e in portal["entitlements"]} == {
        "feature-demo-01",
        "feature-demo-02",
        "feature-demo-03",
    }
    state = api.data(
        """query GetCheckoutState($input: CheckoutStateInput!) { checkoutState(input: $input) {
             setupSecret customer { customerId } plan { refId prices { price { amount } } }
             activeSubscription { plan { refId } }
             billingIntegration { billingIdentifier credentials { publicKey }
               billingCredentials {
                 __typename ... on StripeCheckoutCredentials { setupSecret } } } } }""",
        {"input": {"customerId": "customer-demo-01", "planId": "plan-stigg-pro"}},
    )["checkoutState"]
    assert state["plan"]["refId"] == "plan-stigg-pro"
    assert state["activeSubscription"] == {"plan": {"refId": "plan-stigg-starter"}}
    assert state["billingIntegration"]["billingCredentials"]["setupSecret"] == state["setupSecret"]
