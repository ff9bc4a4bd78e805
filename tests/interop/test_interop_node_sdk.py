"""Stigg's published Node server SDK 3.95.0 against the emulator: every method of its seed guide.

One Node process (js/node_server.mjs) runs all calls; each test checks the steps it is about.
Expected values come from the test catalog (tests/fixtures/catalog.yaml) and the seed guide; enum
values are the wire values the real SDK passes through (e.g. ``featureType == "BOOLEAN"``, and
``provisionStatus == "SUCCESS"`` where the guide shows the TypeScript member names).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.interop.scenarios import (
    ScenarioRun,
    approx,
    by_feature,
    dead_uri,
    emulator_params,
    run_script,
    when,
)
from tests.support.processes import EmulatorProcess


@pytest.fixture(scope="module")
def run(emulator: EmulatorProcess, interop_workdir: Path, run_prefix: str) -> ScenarioRun:
    return run_script("node_server.mjs", emulator_params(emulator, run_prefix), interop_workdir)


@pytest.fixture(scope="module")
def ids(run_prefix: str) -> dict[str, str]:
    names = ("seed", "nosub", "free", "paid", "ws", "usage")
    return {name: f"{run_prefix}-{name}" for name in names}


def _subscription_id(run: ScenarioRun, step: str) -> str:
    subscription = run.value(step)["subscription"]
    assert subscription, f"{step} returned no subscription"
    return str(subscription["id"])


def test_initialization(run: ScenarioRun) -> None:
    assert run.value("waitForInitialization") == "ready"


# --- customers ---------------------------------------------------------------------------------


def test_provision_customer_with_seed_subscription_params_and_billing_info(
    run: ScenarioRun, ids: dict[str, str]
) -> None:
    result = run.value("provisionCustomer.seed")
    customer = result["customer"]
    assert customer["id"] == ids["seed"]
    assert customer["name"] == "My very first customer"
    assert customer["email"] == "first-customer@example.com"
    assert customer["metadata"] == {"key": "value"}
    assert result["subscriptionDecisionStrategy"] == "REQUESTED_PLAN"
    subscription = result["subscription"]
    assert subscription["id"]
    assert subscription["customerId"] == ids["seed"]
    assert subscription["planId"] == "plan-stigg-pro"
    assert subscription["status"] == "ACTIVE"
    assert subscription["pricingType"] == "PAID"
    assert subscription["metadata"] == {"key": "value"}
    assert subscription["addons"] == [{"addonId": "addon-extra-requests", "quantity": 1}]
    assert subscription["addonIds"] == ["addon-extra-requests"]


def test_provision_customer_with_null_subscription_params_creates_no_subscription(
    run: ScenarioRun, ids: dict[str, str]
) -> None:
    result = run.value("provisionCustomer.nullSubscription")
    assert result["customer"]["id"] == ids["nosub"]
    assert result["customer"]["name"] == "No subscription"
    assert result.get("subscription") is None
    assert run.value("getActiveSubscriptionsList.nullSubscription") == []
    # 3.95 treats an empty entitlement list as "customer not found".
    entitlement = run.value("getBooleanEntitlement.nullSubscription")
    assert entitlement["hasAccess"] is False
    assert entitlement["accessDeniedReason"] == "CustomerNotFound"


def test_update_customer(run: ScenarioRun, ids: dict[str, str]) -> None:
    customer = run.value("updateCustomer")
    assert customer["id"] == ids["seed"]
    assert customer["email"] == "updated-customer@example.com"
    assert customer["metadata"] == {"key": "updated"}


def test_get_customer_reflects_provision_and_update(run: ScenarioRun, ids: dict[str, str]) -> None:
    customer = run.value("getCustomer.seed")
    assert customer["id"] == ids["seed"]
    assert customer["name"] == "My very first customer"
    assert customer["email"] == "updated-customer@example.com"
    assert customer["metadata"] == {"key": "updated"}
    assert customer["hasPaymentMethod"] is True
    assert customer["coupon"]["id"] == "coupon-five-off"
    assert customer["promotionalEntitlements"] == []
    assert when(customer["createdAt"]) <= when(customer["updatedAt"])
    [subscription] = customer["subscriptions"]
    assert subscription["plan"]["id"] == "plan-stigg-pro"
    assert subscription["status"] == "ACTIVE"
    assert [(a["addon"]["id"], a["quantity"]) for a in subscription["addons"]] == [
        ("addon-extra-requests", 1)
    ]


def test_get_seeded_customer(run: ScenarioRun) -> None:
    customer = run.value("getCustomer.demo")
    assert customer["id"] == "customer-demo-01"
    assert customer["name"] == "First customer"
    assert customer["email"] == "first@example.com"
    assert customer["metadata"] == {"example": "test"}
    assert customer["hasPaymentMethod"] is False
    assert [s["plan"]["id"] for s in customer["subscriptions"]] == ["plan-stigg-starter"]


def test_get_unknown_customer_fails(run: ScenarioRun) -> None:
    assert "not found" in run.error("getCustomer.unknown").lower()


def test_archive_customer(run: ScenarioRun, ids: dict[str, str]) -> None:
    assert run.value("archiveCustomer") == ids["nosub"]
    assert "not found" in run.error("getCustomer.archived").lower()
    run.error("provisionCustomer.archivedId")  # an archived id can never be reused


# --- subscriptions -----------------------------------------------------------------------------


def test_provision_free_subscription_succeeds(run: ScenarioRun, ids: dict[str, str]) -> None:
    result = run.value("provisionSubscription.free")
    assert result["provisionStatus"] == "SUCCESS"
    subscription = result["subscription"]
    assert subscription["customerId"] == ids["free"]
    assert subscription["planId"] == "plan-stigg-starter"
    assert subscription["status"] == "ACTIVE"
    assert subscription["pricingType"] == "FREE"


def test_provision_paid_subscription_without_payment_method_requires_payment(
    run: ScenarioRun,
) -> None:
    result = run.value("provisionSubscription.paidWithoutPaymentMethod")
    assert result["provisionStatus"] == "PAYMENT_REQUIRED"
    assert str(result["checkoutUrl"]).startswith(("http://", "https://"))
    # Nothing changes until the checkout completes: the free subscription stays the active one.
    active = run.value("getActiveSubscriptionsList.afterPaymentRequired")
    assert [s["plan"]["planId"] for s in active] == ["plan-stigg-starter"]


def test_active_subscriptions_list_single(run: ScenarioRun, ids: dict[str, str]) -> None:
    [subscription] = run.value("getActiveSubscriptionsList.single")
    assert subscription["subscriptionId"] == _subscription_id(run, "provisionCustomer.seed")
    assert subscription["status"] == "ACTIVE"
    assert subscription["pricingType"] == "PAID"
    assert subscription["customer"]["customerId"] == ids["seed"]
    assert subscription["plan"]["planId"] == "plan-stigg-pro"
    assert subscription["plan"]["displayName"] == "Pro"
    assert [(a["addon"]["addonId"], a["quantity"]) for a in subscription["addons"]] == [
        ("addon-extra-requests", 1)
    ]
    assert subscription["startDate"]
    assert subscription["currentBillingPeriodEnd"]


def test_get_subscription(run: ScenarioRun, ids: dict[str, str]) -> None:
    subscription = run.value("getSubscription")
    assert subscription["id"] == _subscription_id(run, "provisionCustomer.seed")
    assert subscription["status"] == "ACTIVE"
    assert subscription["pricingType"] == "PAID"
    assert subscription["metadata"] == {"key": "value"}
    assert subscription["startDate"]
    assert when(subscription["currentBillingPeriodEnd"]) > when(subscription["startDate"])
    plan = subscription["plan"]
    assert (plan["id"], plan["displayName"]) == ("plan-stigg-pro", "Pro")
    assert plan["product"]["id"] == "product-stigg"
    # Provisioned with billingCountryCode DK: the plan's prices may come localized (90/900 DKK).
    prices = {(p["billingPeriod"], p["amount"], p["currency"]) for p in plan["pricePoints"]}
    usd = {("MONTHLY", 12, "USD"), ("ANNUALLY", 120, "USD")}
    dkk = {("MONTHLY", 90, "DKK"), ("ANNUALLY", 900, "DKK")}
    assert usd <= prices or dkk <= prices, prices
    inherited = {e["feature"]["id"] for e in plan["inheritedEntitlements"]}
    assert {"feature-demo-01", "feature-demo-02"} <= inherited
    assert [(a["addon"]["id"], a["quantity"]) for a in subscription["addons"]] == [
        ("addon-extra-requests", 1)
    ]
    assert subscription["price"]["billingPeriod"] == "MONTHLY"


def test_update_subscription(run: ScenarioRun) -> None:
    subscription = run.value("updateSubscription")
    assert subscription["id"] == _subscription_id(run, "provisionCustomer.paid")
    assert subscription["planId"] == "plan-stigg-pro"
    assert subscription["metadata"] == {"key": "newValue"}
    assert subscription["addons"] == [{"addonId": "addon-extra-requests", "quantity": 2}]
    # Pro gives 50 requests of feature #3 and each add-on 50 more.
    assert run.value("getMeteredEntitlement.afterAddonUpdate")["usageLimit"] == 150


def test_estimate_subscription_update(run: ScenarioRun) -> None:
    estimate = run.value("estimateSubscriptionUpdate")
    # Not prorated price after the change: plan 12 + 3 add-ons x 5.
    assert estimate["subscription"]["total"] == {"amount": 27, "currency": "USD"}
    proration = estimate["proration"]
    for key in ("credit", "debit", "netAmount"):
        assert proration[key]["currency"] == "USD"
    net = proration["credit"]["amount"] + proration["debit"]["amount"]
    assert approx(proration["netAmount"]["amount"], net)
    assert proration["prorationDate"]
    assert estimate["billingPeriodRange"]["start"] and estimate["billingPeriodRange"]["end"]


def _scheduled(subscription: dict[str, Any]) -> list[dict[str, Any]]:
    updates = subscription.get("futureUpdates") or []
    return [u for u in updates if u["scheduleStatus"] == "Scheduled"]


def test_cancel_subscription_scheduled_updates_pending_payment(run: ScenarioRun) -> None:
    subscription_id = _subscription_id(run, "provisionCustomer.paid")
    run.value("updateSubscription.scheduled")
    assert _scheduled(run.value("getSubscription.withSchedule")), "no Scheduled update created"
    result = run.value("cancelSubscriptionScheduledUpdates.pendingPayment")
    assert result == {"subscriptionId": subscription_id}
    # Cancelling PendingPayment updates must leave the Scheduled one alone.
    assert _scheduled(run.value("getSubscription.afterPendingPaymentCancel"))


def test_cancel_subscription_scheduled_updates_scheduled(run: ScenarioRun) -> None:
    subscription_id = _subscription_id(run, "provisionCustomer.paid")
    scheduled = _scheduled(run.value("getSubscription.withSchedule"))
    assert scheduled, "no Scheduled update created"
    assert scheduled[0]["subscriptionScheduleType"] == "BillingPeriod"
    assert scheduled[0]["scheduledExecutionTime"]
    result = run.value("cancelSubscriptionScheduledUpdates.scheduled")
    assert result == {"subscriptionId": subscription_id}
    after = run.value("getSubscription.afterScheduledCancel")
    assert _scheduled(after) == []
    assert after["price"]["billingPeriod"] == "MONTHLY"


def test_active_subscriptions_by_resource_id(run: ScenarioRun, ids: dict[str, str]) -> None:
    for resource in ("ws-1", "ws-2", "ws-3"):
        result = run.value(f"provisionSubscription.resource.{resource}")
        assert result["provisionStatus"] == "SUCCESS"
        assert result["subscription"]["resource"] == {"id": resource}
    [one] = run.value("getActiveSubscriptionsList.resourceId")
    assert one["resource"]["resourceId"] == "ws-1"
    assert one["plan"]["planId"] == "plan-workspace-free"
    assert one["customer"]["customerId"] == ids["ws"]
    several = run.value("getActiveSubscriptionsList.resourceIds")
    assert sorted(s["resource"]["resourceId"] for s in several) == ["ws-1", "ws-2"]


def test_cancel_subscription(run: ScenarioRun) -> None:
    subscription_id = _subscription_id(run, "provisionSubscription.resource.ws-3")
    cancelled = run.value("cancelSubscription")
    assert cancelled["id"] == subscription_id
    assert cancelled["status"] == "CANCELED"
    assert cancelled["effectiveEndDate"]
    assert run.value("getActiveSubscriptionsList.afterCancel") == []


# --- entitlements ------------------------------------------------------------------------------


def test_boolean_entitlement(run: ScenarioRun) -> None:
    entitlement = run.value("getBooleanEntitlement")
    assert entitlement["type"] == "BOOLEAN"
    assert entitlement["hasAccess"] is True
    assert entitlement["isFallback"] is False
    assert entitlement["feature"]["id"] == "feature-demo-02"
    assert entitlement["feature"]["featureType"] == "BOOLEAN"
    assert entitlement["feature"]["isMetered"] is False


def test_boolean_entitlement_not_in_plan(run: ScenarioRun) -> None:
    entitlement = run.value("getBooleanEntitlement.notInPlan")
    assert entitlement["hasAccess"] is False
    assert entitlement["isFallback"] is False
    assert entitlement["accessDeniedReason"] == "NoFeatureEntitlementInSubscription"


def test_entitlement_of_unknown_customer(run: ScenarioRun) -> None:
    entitlement = run.value("getBooleanEntitlement.unknownCustomer")
    assert entitlement["hasAccess"] is False
    assert entitlement["accessDeniedReason"] == "CustomerNotFound"


def test_numeric_entitlement(run: ScenarioRun) -> None:
    entitlement = run.value("getNumericEntitlement")
    assert entitlement["type"] == "NUMERIC"
    assert entitlement["hasAccess"] is True
    assert entitlement["isFallback"] is False
    assert entitlement["isUnlimited"] is False
    assert entitlement["value"] == 100
    feature = entitlement["feature"]
    assert (feature["id"], feature["featureType"], feature["meterType"]) == (
        "feature-demo-01",
        "NUMBER",
        "None",
    )
    assert (feature["units"], feature["unitsPlural"]) == ("request", "requests")


def test_metered_entitlement(run: ScenarioRun) -> None:
    entitlement = run.value("getMeteredEntitlement")
    assert entitlement["type"] == "METERED"
    assert entitlement["hasAccess"] is True
    assert entitlement["isUnlimited"] is False
    assert entitlement["usageLimit"] == 2
    assert entitlement["requestedUsage"] == 0
    assert entitlement["resetPeriod"] == "MONTH"
    assert when(entitlement["usagePeriodStart"]) < when(entitlement["usagePeriodEnd"])
    assert entitlement["nextResetDate"] == entitlement["usagePeriodEnd"]
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
    assert entitlement["requestedUsage"] == 10
    assert entitlement["usageLimit"] == 2


def test_get_entitlements(run: ScenarioRun) -> None:
    entitlements = by_feature(run.value("getEntitlements"))
    assert set(entitlements) == {"feature-demo-01", "feature-demo-02", "feature-demo-03"}
    assert entitlements["feature-demo-01"]["type"] == "NUMERIC"
    assert entitlements["feature-demo-01"]["value"] == 100
    assert entitlements["feature-demo-02"]["type"] == "BOOLEAN"
    assert entitlements["feature-demo-03"]["type"] == "METERED"
    assert entitlements["feature-demo-03"]["usageLimit"] == 2
    assert all(e["hasAccess"] and not e["isFallback"] for e in entitlements.values())


def test_paid_plan_entitlements_include_inherited_and_addon(run: ScenarioRun) -> None:
    # Pro overrides Starter's 2 requests with 50, plus 50 from one add-on.
    assert run.value("getMeteredEntitlement.seedCustomerPro")["usageLimit"] == 100
    assert run.value("getNumericEntitlement.seedCustomerInherited")["value"] == 100


def test_entitlements_by_resource_id(run: ScenarioRun) -> None:
    entitlement = run.value("getMeteredEntitlement.resource")
    assert entitlement["hasAccess"] is True
    assert entitlement["usageLimit"] == 3
    assert entitlement["feature"]["id"] == "feature-projects"
    assert "feature-projects" in by_feature(run.value("getEntitlements.resource"))


# --- usage, events, promotional entitlements ---------------------------------------------------


def test_report_usage_delta(run: ScenarioRun, ids: dict[str, str]) -> None:
    assert run.value("getMeteredEntitlement.beforeUsage")["currentUsage"] == 0
    first = run.value("reportUsage.delta1")
    assert first["measurementId"]
    assert (first["customerId"], first["featureId"]) == (ids["usage"], "feature-demo-03")
    assert first["currentUsage"] == 1
    assert first["usagePeriodStart"] and first["usagePeriodEnd"]
    assert run.value("reportUsage.delta2")["currentUsage"] == 2
    after = run.value("getMeteredEntitlement.afterDelta")
    assert (after["currentUsage"], after["hasAccess"]) == (2, True)  # 2 + 0 <= 2
    one_more = run.value("getMeteredEntitlement.afterDelta.requestOneMore")
    assert one_more["hasAccess"] is False
    assert one_more["accessDeniedReason"] == "RequestedUsageExceedingLimit"


def test_report_usage_set(run: ScenarioRun) -> None:
    assert run.value("reportUsage.set")["currentUsage"] == 1
    assert run.value("getMeteredEntitlement.afterSet")["currentUsage"] == 1
    [bulk] = run.value("reportUsageBulk")
    assert bulk["currentUsage"] == 2


def test_report_event_single_and_batch(run: ScenarioRun) -> None:
    run.value("reportEvent.single")
    run.value("reportEvent.batch")
    # user_login is counted by unique user_id; api_call by count, the repeated key once.
    assert run.value("getMeteredEntitlement.afterEvents.activeUsers")["currentUsage"] == 2
    assert run.value("getMeteredEntitlement.afterEvents.apiCalls")["currentUsage"] == 2


def test_grant_and_revoke_promotional_entitlements(run: ScenarioRun) -> None:
    [granted] = run.value("grantPromotionalEntitlements")
    assert granted["feature"]["refId"] == "feature-api-calls"
    assert granted["usageLimit"] == 5
    assert granted["status"] == "Active"
    assert granted["endDate"]
    entitlement = run.value("getMeteredEntitlement.promotional")
    assert (entitlement["hasAccess"], entitlement["usageLimit"]) == (True, 5)
    customer = run.value("getCustomer.promotional")
    promotional = [p["feature"]["id"] for p in customer["promotionalEntitlements"]]
    assert promotional == ["feature-api-calls"]
    assert run.value("revokePromotionalEntitlements")["id"]
    revoked = run.value("getMeteredEntitlement.afterRevoke")
    assert revoked["hasAccess"] is False
    assert revoked["accessDeniedReason"] == "NoFeatureEntitlementInSubscription"


# --- catalog reads -----------------------------------------------------------------------------


def _plans(paywall: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {plan["id"]: plan for plan in paywall["plans"]}


def test_public_paywall(run: ScenarioRun) -> None:
    plans = _plans(run.value("getPaywall"))
    assert {"plan-stigg-starter", "plan-stigg-pro", "plan-stigg-team"} <= set(plans)
    assert "plan-stigg-enterprise" not in plans  # hidden from the paywall widget
    starter = plans["plan-stigg-starter"]
    assert starter["displayName"] == "Starter"
    assert starter["description"] == "For getting started"
    assert starter["pricingType"] == "FREE"
    assert starter["pricePoints"] == []
    assert starter["compatibleAddons"] == []
    assert starter["product"]["id"] == "product-stigg"
    assert starter["product"]["displayName"] == "Stigg"
    entitlements = by_feature(starter["entitlements"])
    demo1 = entitlements["feature-demo-01"]
    assert demo1["usageLimit"] == 100
    assert demo1["displayNameOverride"] == "Awesome feature #1"
    assert demo1["hasUnlimitedUsage"] is False
    assert demo1["feature"]["metadata"] == {"key": "value"}
    assert demo1["feature"]["units"] == "request"
    assert entitlements["feature-demo-02"]["hiddenFromWidgets"] == ["PAYWALL"]
    assert entitlements["feature-demo-02"]["feature"]["featureType"] == "BOOLEAN"


def test_product_paywall(run: ScenarioRun) -> None:
    paywall = run.value("getPaywall.product")
    assert [p["id"] for p in paywall["plans"]] == [
        "plan-stigg-starter",
        "plan-stigg-pro",
        "plan-stigg-team",
    ]
    plans = _plans(paywall)
    pro = plans["plan-stigg-pro"]
    prices = {(p["billingPeriod"], p["amount"], p["currency"]) for p in pro["pricePoints"]}
    assert prices == {("MONTHLY", 12, "USD"), ("ANNUALLY", 120, "USD")}
    assert pro["basePlan"]["id"] == "plan-stigg-starter"
    assert "feature-demo-01" in by_feature(pro["inheritedEntitlements"])
    assert [a["id"] for a in pro["compatibleAddons"]] == ["addon-extra-requests"]
    assert pro["product"]["downgradePlan"]["id"] == "plan-stigg-starter"
    team = plans["plan-stigg-team"]
    assert team["defaultTrialConfig"]["duration"] == 14
    assert team["defaultTrialConfig"]["units"] == "DAY"
    per_unit = [p for p in team["pricePoints"] if p["pricingModel"] == "PER_UNIT"]
    assert per_unit and all(p["feature"]["featureId"] == "feature-seats" for p in per_unit)


def test_paywall_with_billing_country(run: ScenarioRun) -> None:
    pro = _plans(run.value("getPaywall.country"))["plan-stigg-pro"]
    monthly = [p for p in pro["pricePoints"] if p["billingPeriod"] == "MONTHLY"]
    assert [(p["amount"], p["currency"]) for p in monthly] == [(90, "DKK")]


def test_customer_paywall(run: ScenarioRun, ids: dict[str, str]) -> None:
    paywall = run.value("getPaywall.customer")
    assert paywall["customer"]["id"] == ids["seed"]
    assert [s["plan"]["id"] for s in paywall["activeSubscriptions"]] == ["plan-stigg-pro"]


def test_get_coupons(run: ScenarioRun) -> None:
    coupons = {c["id"]: c for c in run.value("getCoupons")}
    assert "coupon-archived" not in coupons
    assert coupons["coupon-stigg30"]["name"] == "30% off"
    assert coupons["coupon-stigg30"]["percentOff"] == 30
    amounts = [(a["amount"], a["currency"]) for a in coupons["coupon-five-off"]["amountsOff"]]
    assert amounts == [(5, "USD")]


def test_get_products(run: ScenarioRun) -> None:
    products = {p["id"]: p for p in run.value("getProducts")}
    assert {"product-stigg", "product-workspaces"} <= set(products)
    stigg = products["product-stigg"]
    assert stigg["displayName"] == "Stigg"
    assert stigg["description"] == "The demo product"
    assert stigg["downgradePlan"] == {"id": "plan-stigg-starter", "displayName": "Starter"}


def test_estimate_subscription(run: ScenarioRun) -> None:
    estimate = run.value("estimateSubscription")
    assert estimate["subTotal"] == {"amount": 17, "currency": "USD"}  # 12 plan + 5 add-on
    assert estimate["discount"]["type"] == "PERCENTAGE"
    assert estimate["discount"]["value"] == 30
    assert estimate["total"]["currency"] == "USD"
    assert approx(estimate["total"]["amount"], 11.9)
    period = estimate["billingPeriodRange"]
    assert when(period["start"]) < when(period["end"])
    plain = run.value("estimateSubscription.noDiscount")
    assert plain["total"] == {"amount": 12, "currency": "USD"}
    assert plain["subTotal"] == {"amount": 12, "currency": "USD"}


# --- offline (no emulator) ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def offline_run(interop_workdir: Path) -> ScenarioRun:
    return run_script("node_offline.mjs", {"deadUri": dead_uri()}, interop_workdir)


def test_offline_mode_uses_fallbacks(offline_run: ScenarioRun) -> None:
    assert offline_run.value("waitForInitialization") == "ready"
    seats = offline_run.value("getBooleanEntitlement")
    assert (seats["hasAccess"], seats["isFallback"]) == (True, True)
    templates = offline_run.value("getMeteredEntitlement")
    assert (templates["hasAccess"], templates["usageLimit"], templates["isFallback"]) == (
        True,
        10,
        True,
    )
    unknown = offline_run.value("getNumericEntitlement.unknown")
    assert (unknown["hasAccess"], unknown["isFallback"]) == (False, True)
    listed = by_feature(offline_run.value("getEntitlements"))
    assert set(listed) == {"feature-number-of-seats", "feature-templates"}
    ack = offline_run.value("reportUsage")
    assert ack["measurementId"] and ack["featureId"] == "feature-templates"
    assert offline_run.value("reportEvent") == "done"
