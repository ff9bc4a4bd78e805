"""Stigg's published browser SDK 3.35.0 (client key) against the emulator: the browser seed guide.

js/browser_client.mjs loads the SDK's UMD bundle under Node 20 (only ``window.location`` is shimmed)
and first creates the customers it needs with the Node server SDK, since a client key may not.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.interop.scenarios import (
    ScenarioRun,
    approx,
    by_feature,
    emulator_params,
    run_script,
    when,
)
from tests.support.processes import EmulatorProcess


@pytest.fixture(scope="module")
def run(emulator: EmulatorProcess, interop_workdir: Path, run_prefix: str) -> ScenarioRun:
    return run_script("browser_client.mjs", emulator_params(emulator, run_prefix), interop_workdir)


def _paid_subscription_id(run: ScenarioRun) -> str:
    return str(run.value("setup.paidCustomer")["subscription"]["id"])


def test_initialize_with_customer(run: ScenarioRun) -> None:
    assert run.value("waitForInitialization") == {"isCustomerLoaded": True}
    assert run.value("entitlementsUpdated.listener") >= 1


def test_boolean_entitlement(run: ScenarioRun) -> None:
    entitlement = run.value("getBooleanEntitlement")
    assert entitlement["hasAccess"] is True
    assert entitlement["isFallback"] is False
    feature = entitlement["feature"]
    assert (feature["id"], feature["featureType"], feature["displayName"]) == (
        "feature-demo-02",
        "BOOLEAN",
        "Feature #2",
    )
    assert feature["isMetered"] is False


def test_boolean_entitlement_not_in_plan(run: ScenarioRun) -> None:
    entitlement = run.value("getBooleanEntitlement.notInPlan")
    assert entitlement["hasAccess"] is False
    assert entitlement["isFallback"] is False
    assert entitlement["accessDeniedReason"] == "NoFeatureEntitlementInSubscription"


def test_numeric_entitlement(run: ScenarioRun) -> None:
    entitlement = run.value("getNumericEntitlement")
    assert (entitlement["hasAccess"], entitlement["isFallback"]) == (True, False)
    assert (entitlement["value"], entitlement["isUnlimited"]) == (100, False)
    feature = entitlement["feature"]
    assert (feature["id"], feature["featureType"], feature["meterType"]) == (
        "feature-demo-01",
        "NUMBER",
        "None",
    )
    assert (feature["units"], feature["unitsPlural"], feature["displayName"]) == (
        "request",
        "requests",
        "Feature #1",
    )


def test_metered_entitlement(run: ScenarioRun) -> None:
    entitlement = run.value("getMeteredEntitlement")
    assert (entitlement["hasAccess"], entitlement["isFallback"]) == (True, False)
    assert (entitlement["usageLimit"], entitlement["requestedUsage"]) == (2, 0)
    assert entitlement["isUnlimited"] is False
    assert entitlement["resetPeriod"] == "MONTH"
    assert when(entitlement["usagePeriodStart"]) < when(entitlement["usagePeriodEnd"])
    assert entitlement["usagePeriodAnchor"]
    assert entitlement["resetSettings"]["nextResetDate"] == entitlement["usagePeriodEnd"]
    feature = entitlement["feature"]
    assert (feature["id"], feature["meterType"], feature["isMetered"]) == (
        "feature-demo-03",
        "Incremental",
        True,
    )


def test_metered_entitlement_with_requested_usage(run: ScenarioRun) -> None:
    entitlement = run.value("getMeteredEntitlement.requestedUsage")
    assert entitlement["hasAccess"] is False
    assert entitlement["accessDeniedReason"] == "RequestedUsageExceedingLimit"
    assert (entitlement["requestedUsage"], entitlement["usageLimit"]) == (10, 2)


def test_get_entitlements(run: ScenarioRun) -> None:
    entitlements = by_feature(run.value("getEntitlements"))
    assert set(entitlements) == {"feature-demo-01", "feature-demo-02", "feature-demo-03"}
    assert entitlements["feature-demo-01"]["value"] == 100
    assert entitlements["feature-demo-03"]["usageLimit"] == 2
    assert all(e["hasAccess"] and not e["isFallback"] for e in entitlements.values())


def _plans(paywall: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {plan["id"]: plan for plan in paywall["plans"]}


def test_get_paywall(run: ScenarioRun) -> None:
    plans = _plans(run.value("getPaywall"))
    assert {"plan-stigg-starter", "plan-stigg-pro", "plan-stigg-team"} <= set(plans)
    assert "plan-stigg-enterprise" not in plans
    starter = plans["plan-stigg-starter"]
    assert (starter["displayName"], starter["description"], starter["pricingType"]) == (
        "Starter",
        "For getting started",
        "FREE",
    )
    assert starter["product"]["id"] == "product-stigg"
    entitlements = by_feature(starter["entitlements"])
    assert entitlements["feature-demo-01"]["usageLimit"] == 100
    assert entitlements["feature-demo-01"]["displayNameOverride"] == "Awesome feature #1"
    assert entitlements["feature-demo-01"]["feature"]["metadata"] == {"key": "value"}
    assert entitlements["feature-demo-02"]["hiddenFromWidgets"] == ["PAYWALL"]


def test_get_paywall_for_product_with_customer(run: ScenarioRun) -> None:
    paywall = run.value("getPaywall.product")
    assert [p["id"] for p in paywall["plans"]] == [
        "plan-stigg-starter",
        "plan-stigg-pro",
        "plan-stigg-team",
    ]
    pro = _plans(paywall)["plan-stigg-pro"]
    prices = {(p["billingPeriod"], p["amount"], p["currency"]) for p in pro["pricePoints"]}
    assert prices == {("MONTHLY", 12, "USD"), ("ANNUALLY", 120, "USD")}
    assert [a["id"] for a in pro["compatibleAddons"]] == ["addon-extra-requests"]
    # With a customer set the SDK asks GraphQL, which also returns the customer's context.
    assert paywall["customer"]["id"] == "customer-demo-01"
    assert [s["plan"]["id"] for s in paywall["activeSubscriptions"]] == ["plan-stigg-starter"]


def test_get_paywall_from_edge_without_customer(run: ScenarioRun) -> None:
    paywall = run.value("getPaywall.edge")
    pro = _plans(paywall)["plan-stigg-pro"]
    monthly = [p for p in pro["pricePoints"] if p["billingPeriod"] == "MONTHLY"]
    assert [(p["amount"], p["currency"]) for p in monthly] == [(90, "DKK")]
    assert paywall["customer"] is None
    hidden = _plans(run.value("getPaywall.edge.hiddenPlans"))
    assert "plan-stigg-enterprise" in hidden


def test_get_customer_portal(run: ScenarioRun) -> None:
    portal = run.value("getCustomerPortal")
    [subscription] = portal["subscriptions"]
    assert subscription["planName"] == "Starter"
    assert subscription["status"] == "ACTIVE"
    assert subscription["pricing"]["pricingType"] == "FREE"
    assert subscription["subscriptionId"]
    assert subscription["billingPeriodRange"]["start"]
    entitlements = {e["feature"]["refId"]: e for e in portal["entitlements"] if e.get("feature")}
    assert entitlements["feature-demo-03"]["usageLimit"] == 2
    assert entitlements["feature-demo-03"]["feature"]["meterType"] == "Incremental"
    assert entitlements["feature-demo-03"]["resetPeriod"] == "MONTH"
    assert entitlements["feature-demo-03"]["resetPeriodConfiguration"]["monthlyAccordingTo"]
    assert portal["promotionalEntitlements"] == []
    assert isinstance(portal["canUpgradeSubscription"], bool)
    assert isinstance(portal["showWatermark"], bool)
    assert "billingInformation" in portal
    assert portal["resource"] is None


def test_get_customer(run: ScenarioRun) -> None:
    customer = run.value("getCustomer")
    assert customer["id"] == "customer-demo-01"
    assert customer["name"] == "First customer"
    assert customer["email"] == "first@example.com"
    assert customer["metadata"] == {"example": "test"}
    assert customer["hasPaymentMethod"] is False
    assert customer["promotionalEntitlements"] == []
    assert [s["plan"]["id"] for s in customer["subscriptions"]] == ["plan-stigg-starter"]


def test_get_active_subscriptions_list(run: ScenarioRun) -> None:
    [subscription] = run.value("getActiveSubscriptionsList")
    assert subscription["status"] == "ACTIVE"
    assert subscription["pricingType"] == "FREE"
    assert subscription["customer"]["customerId"] == "customer-demo-01"
    assert subscription["plan"] == {
        **subscription["plan"],
        "planId": "plan-stigg-starter",
        "displayName": "Starter",
    }


def test_get_subscription(run: ScenarioRun) -> None:
    [listed] = run.value("getActiveSubscriptionsList")
    subscription = run.value("getSubscription")
    assert subscription["id"] == listed["subscriptionId"]
    assert subscription["status"] == "ACTIVE"
    assert subscription["pricingType"] == "FREE"
    assert subscription["plan"]["id"] == "plan-stigg-starter"
    assert subscription["plan"]["product"]["id"] == "product-stigg"
    assert subscription["startDate"]
    assert subscription["scheduledUpdates"] == []
    assert subscription["paymentCollection"] == "NOT_REQUIRED"


def test_get_coupons(run: ScenarioRun) -> None:
    coupons = {c["id"]: c for c in run.value("getCoupons")}
    assert {"coupon-stigg30", "coupon-five-off"} <= set(coupons)
    assert "coupon-archived" not in coupons
    assert coupons["coupon-stigg30"]["name"] == "30% off"


def test_estimate_subscription(run: ScenarioRun) -> None:
    estimate = run.value("estimateSubscription")
    assert estimate["subTotal"] == {"amount": 17, "currency": "USD"}
    assert estimate["discount"]["type"] == "PERCENTAGE"
    assert estimate["discount"]["value"] == 30
    assert approx(estimate["total"]["amount"], 11.9)
    assert when(estimate["billingPeriodRange"]["start"]) < when(
        estimate["billingPeriodRange"]["end"]
    )


def test_estimate_subscription_update(run: ScenarioRun) -> None:
    estimate = run.value("estimateSubscriptionUpdate")
    assert estimate["subscription"]["total"] == {"amount": 17, "currency": "USD"}
    assert estimate["proration"]["netAmount"]["currency"] == "USD"


def test_set_customer_and_resource(run: ScenarioRun) -> None:
    assert run.value("setCustomerId") == {"isCustomerLoaded": True}
    assert run.value("setResource") == {"isResourceLoaded": True}
    entitlement = run.value("getMeteredEntitlement.resource")
    assert (entitlement["hasAccess"], entitlement["isFallback"]) == (True, False)
    assert entitlement["usageLimit"] == 3
    assert entitlement["feature"]["id"] == "feature-projects"
    assert "feature-projects" in by_feature(run.value("getEntitlements.resource"))


def test_active_subscriptions_by_resource(run: ScenarioRun) -> None:
    [one] = run.value("getActiveSubscriptionsList.resourceId")
    assert one["resource"]["resourceId"] == "ws-1"
    assert one["plan"]["planId"] == "plan-workspace-free"
    several = run.value("getActiveSubscriptionsList.resourceIds")
    assert sorted(s["resource"]["resourceId"] for s in several) == ["ws-1", "ws-2"]


def test_clear_resource_falls_back(run: ScenarioRun) -> None:
    run.value("setResource")
    entitlement = run.value("clearResource")
    assert entitlement["isFallback"] is True
    assert entitlement["hasAccess"] is False


def test_wait_for_checkout_completed(run: ScenarioRun) -> None:
    subscription = run.value("waitForCheckoutCompleted")
    assert subscription is not None
    assert subscription["id"] == _paid_subscription_id(run)
    assert subscription["plan"]["id"] == "plan-stigg-pro"
    assert subscription["status"] == "ACTIVE"


def test_wait_for_checkout_completed_cancelled_or_unknown(run: ScenarioRun) -> None:
    assert run.value("waitForCheckoutCompleted.cancelled") is None
    error = run.error("waitForCheckoutCompleted.unknownSubscription")
    assert "Timeout while waiting for checkout to complete" in error


def test_refresh_reloads_entitlements(run: ScenarioRun) -> None:
    assert run.value("getMeteredEntitlement.beforeUsage")["currentUsage"] == 0
    assert run.value("setup.reportUsage")["currentUsage"] == 1
    # The SDK's cache keeps the old value until refresh() (30 s TTL otherwise).
    assert run.value("getMeteredEntitlement.cachedAfterUsage")["currentUsage"] == 0
    assert run.value("refresh") == "refreshed"
    assert run.value("getMeteredEntitlement.afterRefresh")["currentUsage"] == 1


def test_clear_customer_falls_back(run: ScenarioRun) -> None:
    entitlement = run.value("clearCustomer")
    assert (entitlement["isFallback"], entitlement["hasAccess"]) == (True, False)


def test_offline_mode(run: ScenarioRun) -> None:
    assert run.value("offline.waitForInitialization") == "ready"
    seats = run.value("offline.getBooleanEntitlement")
    assert (seats["hasAccess"], seats["isFallback"]) == (True, True)
    templates = run.value("offline.getMeteredEntitlement")
    assert (templates["hasAccess"], templates["usageLimit"], templates["isFallback"]) == (
        True,
        10,
        True,
    )
    unknown = run.value("offline.getBooleanEntitlement.unknown")
    assert (unknown["hasAccess"], unknown["isFallback"]) == (False, True)
    assert set(by_feature(run.value("offline.getEntitlements"))) == {
        "feature-number-of-seats",
        "feature-templates",
    }
    assert run.value("offline.getPaywall")["plans"] == []


def test_every_browser_sdk_http_exchange_succeeds(run: ScenarioRun) -> None:
    """The browser SDK uses the global fetch (recorded); the Node SDK set-up calls are not."""
    exchanges = run.events.get("http", [])
    assert exchanges, "no HTTP exchange recorded"
    failed = [e for e in exchanges if not 200 <= e["status"] < 300]
    assert not failed, failed
    # Offline mode made no request at all (its base URIs point at port 9).
    assert not [e for e in exchanges if ":9/" in e["url"]]


def test_batched_entitlement_check_report_is_answered_with_an_array(run: ScenarioRun) -> None:
    batches = [
        e
        for e in run.events.get("http", [])
        if e.get("batch") and "ReportEntitlementCheckRequested" in e["operations"]
    ]
    assert batches, "getBooleanEntitlement(shouldTrack) sent no batched report"
    for batch in batches:
        answer = batch["answer"]
        assert isinstance(answer, list)
        assert len(answer) == len(batch["operations"])
        assert all(item["data"]["reportEntitlementCheckRequested"] is True for item in answer)
