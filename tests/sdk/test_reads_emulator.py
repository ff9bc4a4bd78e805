"""Network reads and checkout completion against a real emulator process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal

import pytest

from stigg_client import Stigg, StiggTimeoutError
from stigg_client.errors import NotFoundError, ValidationError
from tests.sdk.backend import new_customer, provision_subscription
from tests.sdk.test_client_emulator import make_client
from tests.support.processes import EmulatorProcess


@pytest.fixture
async def client(emulator: EmulatorProcess) -> AsyncIterator[Stigg]:
    stigg = make_client(emulator, customer_id="customer-demo-01", background_refresh=False)
    await stigg.wait_for_initialization()
    yield stigg
    await stigg.close()


async def test_paywall_for_an_anonymous_visitor_comes_from_the_edge(
    emulator: EmulatorProcess,
) -> None:
    anonymous = make_client(emulator, background_refresh=False)
    try:
        await anonymous.wait_for_initialization()
        paywall = await anonymous.get_paywall(product_id="product-stigg")
        plans = {plan.id: plan for plan in paywall.plans}
        starter = plans["plan-stigg-starter"]
        assert starter.display_name == "Starter" and starter.pricing_type == "FREE"
        features = {e.feature.id: e for e in starter.entitlements}
        assert features["feature-demo-01"].usage_limit == 100
        assert features["feature-demo-01"].feature.metadata == {"key": "value"}
        assert [plan.order for plan in paywall.plans] == list(range(len(paywall.plans)))
        assert paywall.currency is not None and paywall.currency.code == "USD"
    finally:
        await anonymous.close()


async def test_paywall_for_a_customer_goes_over_graphql(client: Stigg) -> None:
    paywall = await client.get_paywall(product_id="product-stigg", billing_country_code="US")
    assert "plan-stigg-starter" in {plan.id for plan in paywall.plans}
    prices = [p for plan in paywall.plans for p in plan.price_points]
    assert all(isinstance(p.amount, Decimal) for p in prices if p.amount is not None)
    # A per-unit price carries its feature with unit names, in the JS SDK's `Price.feature` shape.
    team = next(plan for plan in paywall.plans if plan.id == "plan-stigg-team")
    per_unit = [p.model_dump(by_alias=True, exclude_none=True) for p in team.price_points]
    assert per_unit and all(
        p["feature"]
        == {
            "featureId": "feature-seats",
            "units": "seat",
            "unitsPlural": "seats",
            "displayName": "Seats",
        }
        for p in per_unit
    )
    assert all(p.feature_id == "feature-seats" for p in team.price_points)
    flat = [p for plan in paywall.plans if plan.id == "plan-stigg-pro" for p in plan.price_points]
    assert flat and all(p.feature is None and p.feature_id is None for p in flat)


async def test_customer(client: Stigg) -> None:
    customer = await client.get_customer()
    assert (customer.id, customer.name, customer.email) == (
        "customer-demo-01",
        "First customer",
        "first@example.com",
    )
    assert customer.metadata == {"example": "test"}
    assert customer.subscriptions and customer.subscriptions[0].plan is not None


async def test_active_subscriptions_list_and_subscription(client: Stigg) -> None:
    slim = await client.get_active_subscriptions_list()
    assert slim and slim[0].plan is not None and slim[0].plan.plan_id == "plan-stigg-starter"
    full = await client.get_subscription(slim[0].subscription_id)
    assert full.id == slim[0].subscription_id
    assert full.plan is not None and full.plan.id == "plan-stigg-starter"


async def test_resource_ids_are_limited_to_100(client: Stigg) -> None:
    with pytest.raises(ValidationError):
        await client.get_active_subscriptions_list(resource_ids=[f"r{i}" for i in range(101)])


async def test_unknown_subscription_is_not_found(client: Stigg) -> None:
    with pytest.raises(NotFoundError):
        await client.get_subscription("subscription-does-not-exist")


async def test_coupons_are_the_active_ones(client: Stigg) -> None:
    coupons = {coupon.id for coupon in await client.get_coupons()}
    assert {"coupon-stigg30", "coupon-five-off"} <= coupons
    assert "coupon-archived" not in coupons


async def test_customer_portal(client: Stigg) -> None:
    portal = await client.get_customer_portal()
    assert portal.subscriptions and portal.subscriptions[0].plan_name == "Starter"
    assert {e.feature.ref_id for e in portal.entitlements if e.feature} >= {"feature-demo-03"}


async def test_estimates(client: Stigg) -> None:
    estimate = await client.estimate_subscription(
        plan_id="plan-stigg-pro", billing_period="MONTHLY"
    )
    assert estimate.total is not None and estimate.total.currency == "USD"
    subscription = (await client.get_active_subscriptions_list())[0]
    update = await client.estimate_subscription_update(
        subscription_id=subscription.subscription_id, promotion_code=None
    )
    assert update.total is not None


async def test_checkout_completion_returns_the_active_subscription(
    emulator: EmulatorProcess,
) -> None:
    customer_id = new_customer(emulator)
    # The Team plan starts with a trial: active at once, no payment (so no hosted checkout).
    subscription_id = provision_subscription(
        emulator,
        customer_id,
        "plan-stigg-team",
        billingPeriod="MONTHLY",
        billableFeatures=[{"featureId": "feature-seats", "quantity": 1}],
    )
    stigg = make_client(emulator, customer_id=customer_id, background_refresh=False)
    try:
        await stigg.wait_for_initialization()
        found = await stigg.wait_for_checkout_completed(
            subscription_id=subscription_id, checkout_completed="true", timeout_s=5
        )
        assert found is not None and found.id == subscription_id
        # refresh_on_complete reloaded the entitlements: Team makes feature #1 unlimited.
        assert stigg.get_numeric_entitlement("feature-demo-01").is_unlimited is True
    finally:
        await stigg.close()


async def test_checkout_completion_times_out_with_a_typed_error(client: Stigg) -> None:
    with pytest.raises(StiggTimeoutError, match="is not active"):
        await client.wait_for_checkout_completed(
            subscription_id="subscription-never-created", checkout_completed=True, timeout_s=1.5
        )


async def test_cancelled_or_missing_checkout_returns_none(client: Stigg) -> None:
    assert (
        await client.wait_for_checkout_completed(subscription_id="s", checkout_completed="FALSE")
        is None
    )
    assert await client.wait_for_checkout_completed(checkout_completed=True) is None
