"""Every snippet of the Node server SDK guide (seeds/000), in Python, against the emulator."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from stigg_client import StiggServer, UsageUpdateBehavior
from stigg_client.errors import AuthenticationError, NotFoundError, ValidationError
from stigg_client.server import SubscriptionMigrationTime, SubscriptionScheduleStatus
from stigg_client.transport.retry import NO_RETRY
from tests.sdk.server.conftest import fresh_id
from tests.support.processes import EmulatorProcess

BILLING_ADDRESS = {
    "country": "US",
    "city": "New York",
    "state": "NY",
    "address_line1": "123 Main Street",
    "address_line2": "Apt. 1",
    "phone_number": "+1 212-499-5321",
    "postal_code": "10164",
}
BILLING_INFO = {
    "language": "en",
    "timezone": "America/New_York",
    "customer_name": "The name of the customer for the billing provider",
    "billing_address": BILLING_ADDRESS,
    "shipping_address": BILLING_ADDRESS,
    "tax_ids": [
        {"type": "au_abn", "value": "12345678912"},
        {"type": "us_ein", "value": "12-3456789"},
    ],
    "invoice_custom_fields": {"lorem": "ipsum", "acme": "co"},
    "payment_method_id": "pm_1LcBMDAnAO1PFouUusJSmaPu",
    "currency": "usd",
    "metadata": {"hello": "world"},
}
CHECKOUT_OPTIONS = {
    "success_url": "https://your-success-url.com",
    "cancel_url": "https://your-cancel-url.com",
    "allow_promo_codes": True,
    "collect_billing_address": True,
    "reference_id": "your-id-for-the-checkout-session",
    "allow_tax_id_collection": True,
    "collect_phone_number": True,
}


async def test_initialize_and_wait_for_initialization(emulator: EmulatorProcess) -> None:
    server = StiggServer.initialize(
        api_key=emulator.server_key, base_uri=emulator.base_url, realtime_connect_timeout_s=2
    )
    try:
        assert await server.wait_for_initialization() is server
    finally:
        await server.close()


async def test_initialize_with_a_bad_key_fails(emulator: EmulatorProcess) -> None:
    server = StiggServer.initialize(api_key="not-a-key", base_uri=emulator.base_url)
    try:
        with pytest.raises(AuthenticationError):
            await server.wait_for_initialization()
    finally:
        await server.close()


async def test_provision_customer_with_every_parameter(server: StiggServer) -> None:
    customer_id = fresh_id()
    result = await server.provision_customer(
        customer_id,
        name="My very first customer",
        email="first@example.com",
        coupon_id="coupon-stigg30",
        subscription_params={
            "plan_id": "plan-stigg-starter",
            "resource_id": None,
            "billing_period": "MONTHLY",
            "promotion_code": "STIGG30",
            "billing_country_code": "DK",
            "metadata": {"key": "value"},
            "billing_information": {"tax_percentage": 17},
        },
        billing_info=BILLING_INFO,
        metadata={"key": "value", "snake_key": 1},
    )
    assert result.customer.id == customer_id
    assert result.customer.metadata == {"key": "value", "snake_key": 1}
    assert result.subscription_decision_strategy == "REQUESTED_PLAN"
    subscription = result.subscription
    assert subscription is not None
    assert subscription.plan_id == "plan-stigg-starter"
    assert subscription.customer_id == customer_id
    assert subscription.status == "ACTIVE"
    assert subscription.pricing_type == "FREE"
    assert subscription.addons == [] and subscription.addon_ids == []
    assert subscription.metadata == {"key": "value"}


async def test_provision_customer_with_paid_plan_addons_and_billable_features(
    server: StiggServer,
) -> None:
    customer_id = fresh_id()
    result = await server.provision_customer(
        customer_id,
        subscription_params={
            "plan_id": "plan-stigg-team",
            "billable_features": [{"feature_id": "feature-seats", "quantity": 2}],
            "billing_period": "MONTHLY",
            "addons": [{"addon_id": "addon-extra-requests", "quantity": 1}],
        },
    )
    subscription = result.subscription
    assert subscription is not None
    assert subscription.plan_id == "plan-stigg-team"
    assert subscription.addon_ids == ["addon-extra-requests"]


async def test_provision_customer_without_subscription(server: StiggServer) -> None:
    customer_id = fresh_id()
    result = await server.provision_customer(customer_id, subscription_params=None)
    assert result.customer.id == customer_id
    assert result.subscription is None
    assert result.subscription_decision_strategy == "SKIPPED_SUBSCRIPTION_CREATION"


async def test_update_and_get_customer(server: StiggServer) -> None:
    customer_id = fresh_id()
    await server.provision_customer(customer_id, name="Test Name", subscription_params=None)
    updated = await server.update_customer(
        customer_id,
        email="new@example.com",
        coupon_id="coupon-stigg30",
        billing_info=BILLING_INFO,
        metadata={"lorem": "ipsum"},
    )
    assert updated.id == customer_id
    customer = await server.get_customer(customer_id)
    assert customer.id == customer_id
    assert customer.name == "Test Name"
    assert customer.email == "new@example.com"
    assert customer.metadata == {"lorem": "ipsum"}
    assert customer.has_payment_method is True  # billing_info carried a payment method
    assert customer.promotional_entitlements == []
    assert customer.created_at is not None and customer.created_at.tzinfo is not None


async def test_get_unknown_customer_raises_not_found(server: StiggServer) -> None:
    with pytest.raises(NotFoundError):
        await server.get_customer(fresh_id("nobody"))


async def test_provision_update_and_cancel_subscription(server: StiggServer) -> None:
    customer_id = fresh_id()
    await server.provision_customer(customer_id, subscription_params=None)
    provisioned = await server.provision_subscription(
        customer_id,
        "plan-stigg-starter",
        billing_period="MONTHLY",
        billing_country_code="DK",
        billing_information={
            "tax_rate_ids": ["txr_1LcTSRE1gVT2zwZV07MIRKdf", "txr_1LcTSRE1gVT2zwZV07MIRKdf"],
            "metadata": {"lorem": "ipsum"},
            "tax_percentage": 17,
        },
        checkout_options=CHECKOUT_OPTIONS,
        metadata={"lorem": "ipsum"},
        skip_trial=True,
    )
    assert provisioned.status == "SUCCESS"
    subscription = provisioned.subscription
    assert subscription is not None and subscription.id
    assert subscription.plan_id == "plan-stigg-starter"
    assert subscription.status == "ACTIVE"
    assert subscription.metadata == {"lorem": "ipsum"}
    updated = await server.update_subscription(
        subscription.id,
        metadata={"key": "newValue"},
        billing_information={"metadata": {"lorem": "ipsum"}},
        billing_period="MONTHLY",
    )
    assert updated.id == subscription.id
    assert updated.metadata == {"key": "newValue"}
    full = await server.get_subscription(subscription.id)
    assert full.id == subscription.id
    assert full.plan is not None and full.plan.id == "plan-stigg-starter"
    canceled = await server.cancel_subscription(subscription.id)
    assert canceled.id == subscription.id
    assert canceled.status == "CANCELED"
    assert canceled.effective_end_date is not None


async def test_update_seats_and_addons_then_cancel_scheduled_updates_and_migrate(
    server: StiggServer,
) -> None:
    customer_id = fresh_id()
    await server.provision_customer(
        customer_id, subscription_params=None, billing_info=BILLING_INFO
    )
    provisioned = await server.provision_subscription(
        customer_id,
        "plan-stigg-team",
        billing_period="MONTHLY",
        billable_features=[{"feature_id": "feature-seats", "quantity": 2}],
        addons=[{"addon_id": "addon-extra-requests", "quantity": 1}],
        skip_trial=True,
    )
    subscription = provisioned.subscription
    assert subscription is not None and subscription.id
    updated = await server.update_subscription(
        subscription.id,
        billable_features=[{"feature_id": "feature-seats", "quantity": 3}],
        addons=[{"addon_id": "addon-extra-requests", "quantity": 2}],
        promotion_code="STIGG30",
    )
    assert updated.addons == [{"addonId": "addon-extra-requests", "quantity": 2}]
    for status in (
        SubscriptionScheduleStatus.SCHEDULED,
        SubscriptionScheduleStatus.PENDING_PAYMENT,
    ):
        cancelled = await server.cancel_subscription_scheduled_updates(subscription.id, status)
        assert cancelled.subscription_id == subscription.id
    migrated = await server.migrate_subscription_to_latest(
        subscription.id, SubscriptionMigrationTime.END_OF_BILLING_PERIOD
    )
    assert migrated.subscription_id == subscription.id


async def test_paid_subscription_without_payment_method_needs_checkout(
    server: StiggServer,
) -> None:
    customer_id = fresh_id()
    await server.provision_customer(customer_id, subscription_params=None)
    result = await server.provision_subscription(
        customer_id,
        "plan-stigg-pro",
        billing_period="MONTHLY",
        promotion_code="STIGG30",
        checkout_options=CHECKOUT_OPTIONS,
    )
    assert result.status == "PAYMENT_REQUIRED"
    assert result.checkout_url and result.checkout_url.startswith("http")


async def test_active_subscriptions_list(server: StiggServer) -> None:
    customer_id = fresh_id()
    await server.provision_customer(
        customer_id, subscription_params={"plan_id": "plan-stigg-starter"}
    )
    for index in (1, 2, 3):
        await server.provision_subscription(
            customer_id, "plan-workspace-free", resource_id=f"resource-0{index}"
        )
    everything = await server.get_active_subscriptions_list(customer_id)
    assert "plan-stigg-starter" in {s.plan.plan_id for s in everything if s.plan}
    one = await server.get_active_subscriptions_list(customer_id, "resource-01")
    assert [s.resource.resource_id for s in one if s.resource] == ["resource-01"]
    many = await server.get_active_subscriptions_list(
        customer_id, ["resource-01", "resource-02", "resource-03"]
    )
    assert sorted(s.resource.resource_id for s in many if s.resource) == [
        "resource-01",
        "resource-02",
        "resource-03",
    ]
    with pytest.raises(ValidationError, match="at most 100"):
        await server.get_active_subscriptions_list(customer_id, [f"r{i}" for i in range(101)])


async def test_entitlement_checks(server: StiggServer) -> None:
    customer_id = fresh_id()
    await server.provision_customer(
        customer_id, subscription_params={"plan_id": "plan-stigg-starter"}
    )
    boolean = await server.get_boolean_entitlement(customer_id, "feature-demo-02")
    assert boolean.has_access and not boolean.is_fallback
    assert boolean.feature is not None and boolean.feature.id == "feature-demo-02"
    assert boolean.feature.feature_type == "BOOLEAN"
    numeric = await server.get_numeric_entitlement(customer_id, "feature-demo-01")
    assert numeric.has_access and numeric.value == 100 and numeric.is_unlimited is False
    assert numeric.feature is not None and numeric.feature.units == "request"
    metered = await server.get_metered_entitlement(customer_id, "feature-demo-03")
    assert metered.has_access and metered.usage_limit == 2 and metered.current_usage == 0
    assert metered.requested_usage == 0
    assert metered.feature is not None and metered.feature.is_metered
    too_much = await server.get_metered_entitlement(
        customer_id, "feature-demo-03", requested_usage=10
    )
    assert not too_much.has_access
    assert too_much.access_denied_reason == "RequestedUsageExceedingLimit"
    assert too_much.requested_usage == 10
    missing = await server.get_boolean_entitlement(customer_id, "feature-api-calls")
    assert not missing.has_access and not missing.is_fallback
    assert missing.access_denied_reason == "NoFeatureEntitlementInSubscription"
    entitlements = await server.get_entitlements(customer_id)
    assert sorted(e.feature.id for e in entitlements if e.feature) == [
        "feature-demo-01",
        "feature-demo-02",
        "feature-demo-03",
    ]
    unknown = await server.get_boolean_entitlement(fresh_id("nobody"), "feature-demo-02")
    assert not unknown.has_access and unknown.access_denied_reason == "CustomerNotFound"


async def test_resource_scoped_entitlements(server: StiggServer) -> None:
    customer_id = fresh_id()
    await server.provision_customer(customer_id, subscription_params=None)
    await server.provision_subscription(
        customer_id, "plan-workspace-free", resource_id="resource-01"
    )
    scoped = await server.get_numeric_entitlement(
        customer_id, "feature-projects", resource_id="resource-01"
    )
    assert scoped.has_access
    metered = await server.get_metered_entitlement(
        customer_id, "feature-projects", resource_id="resource-01"
    )
    assert metered.has_access and metered.usage_limit == 3
    listed = await server.get_entitlements(customer_id, "resource-01")
    assert [e.feature.id for e in listed if e.feature] == ["feature-projects"]


async def test_get_paywall(server: StiggServer) -> None:
    paywall = await server.get_paywall()
    plans = [plan.id for plan in paywall.plans]
    assert "plan-stigg-starter" in plans and "plan-stigg-pro" in plans
    starter = next(plan for plan in paywall.plans if plan.id == "plan-stigg-starter")
    assert starter.display_name == "Starter"
    assert starter.description == "For getting started"


async def test_report_usage_delta_set_and_bulk(server: StiggServer) -> None:
    customer_id = fresh_id()
    await server.provision_customer(
        customer_id, subscription_params={"plan_id": "plan-stigg-starter"}
    )
    first = await server.report_usage(customer_id, "feature-demo-03", 1)
    assert first.measurement_id and first.customer_id == customer_id
    assert first.feature_id == "feature-demo-03"
    assert first.current_usage == 1
    again = await server.report_usage(customer_id, "feature-demo-03", 5)
    assert again.current_usage == 6
    set_to = await server.report_usage(
        customer_id, "feature-demo-03", 10, update_behavior=UsageUpdateBehavior.SET
    )
    assert set_to.current_usage == 10
    bulk = await server.report_usage_bulk(
        [
            {"customer_id": customer_id, "feature_id": "feature-demo-03", "value": 1},
            {"customer_id": customer_id, "feature_id": "feature-demo-03", "value": 2},
        ]
    )
    assert [ack.current_usage for ack in bulk] == [11, 13]
    metered = await server.get_metered_entitlement(customer_id, "feature-demo-03")
    assert metered.current_usage == 13
    assert not metered.has_access  # limit 2


async def test_report_event_single_and_batch(server: StiggServer) -> None:
    customer_id = fresh_id()
    await server.provision_customer(
        customer_id,
        subscription_params={"plan_id": "plan-stigg-pro"},
    )
    ack = await server.report_event(
        {
            "customer_id": customer_id,
            "event_name": "user_login",
            "idempotency_key": str(uuid.uuid4()),
            "dimensions": {
                "user_id": "user-01",
                "user_email": "a@example.com",
                "n": 1,
                "ratio": 0.5,
                "admin": True,
            },
            "timestamp": datetime(2022, 10, 26, 15, 1, 55, 768000, tzinfo=UTC),
        }
    )
    assert ack.accepted == 1 and not ack.offline
    batch = await server.report_event(
        [
            {
                "customer_id": customer_id,
                "event_name": "user_login",
                "idempotency_key": str(uuid.uuid4()),
                "dimensions": {"user_id": f"user-{i}"},
            }
            for i in range(3)
        ]
    )
    assert batch.accepted == 3
    with pytest.raises(ValidationError, match="dimension"):
        await server.report_event(
            {
                "customer_id": customer_id,
                "event_name": "x",
                "idempotency_key": "k",
                "dimensions": {"bad": [1, 2]},
            }
        )


async def test_promotional_entitlements(server: StiggServer) -> None:
    customer_id = fresh_id()
    await server.provision_customer(
        customer_id, subscription_params={"plan_id": "plan-stigg-starter"}
    )
    granted = await server.grant_promotional_entitlements(
        customer_id,
        [{"feature_id": "feature-api-calls", "period": "ONE_MONTH", "usage_limit": 500}],
    )
    assert [g.feature.id for g in granted if g.feature] == ["feature-api-calls"]
    check = await server.get_metered_entitlement(customer_id, "feature-api-calls")
    assert check.has_access and check.usage_limit == 500
    revoked = await server.revoke_promotional_entitlements(customer_id, "feature-api-calls")
    assert revoked.id == granted[0].id
    after = await server.get_metered_entitlement(customer_id, "feature-api-calls")
    assert not after.has_access


async def test_coupons_and_products(server: StiggServer) -> None:
    coupons = await server.get_coupons()
    ids = [c.id for c in coupons]
    assert "coupon-stigg30" in ids and "coupon-archived" not in ids
    products = await server.get_products()
    stigg = next(p for p in products if p.id == "product-stigg")
    assert stigg.display_name == "Stigg"
    assert stigg.description == "The demo product"
    assert stigg.downgrade_plan is not None and stigg.downgrade_plan.id == "plan-stigg-starter"


async def test_estimates(server: StiggServer) -> None:
    customer_id = fresh_id()
    await server.provision_customer(
        customer_id, subscription_params=None, billing_info=BILLING_INFO
    )
    estimate = await server.estimate_subscription(
        customer_id,
        "plan-stigg-pro",
        billing_period="MONTHLY",
        addons=[{"addon_id": "addon-extra-requests", "quantity": 1}],
        billing_information={"tax_rate_ids": ["txr_1"], "tax_percentage": 17},
        promotion_code="STIGG30",
        start_date=datetime.now(UTC),
        billing_country_code="US",
    )
    assert estimate.sub_total is not None and estimate.sub_total.amount == 17
    assert estimate.total is not None
    assert estimate.discount is not None and estimate.discount.value == 30
    assert estimate.billing_period_range is not None
    provisioned = await server.provision_subscription(
        customer_id,
        "plan-stigg-team",
        skip_trial=True,
        billable_features=[{"feature_id": "feature-seats", "quantity": 2}],
    )
    assert provisioned.subscription is not None and provisioned.subscription.id
    update = await server.estimate_subscription_update(
        provisioned.subscription.id,
        billable_features=[{"feature_id": "feature-seats", "quantity": 3}],
        addons=[{"addon_id": "addon-extra-requests", "quantity": 1}],
        promotion_code="STIGG30",
    )
    assert update.proration is not None
    assert update.sub_total is not None


async def test_archive_customer(server: StiggServer) -> None:
    customer_id = fresh_id()
    await server.provision_customer(customer_id, subscription_params=None)
    archived = await server.archive_customer(customer_id)
    assert archived.customer_id == customer_id
    with pytest.raises(NotFoundError):
        await server.get_customer(customer_id)


async def test_offline_mode() -> None:
    server = StiggServer.initialize(
        api_key="local",
        offline=True,
        entitlements_fallback={
            "feature-number-of-seats": {"hasAccess": True},
            "feature-templates": {"hasAccess": True, "usageLimit": 10},
        },
    )
    await server.wait_for_initialization()
    seats = await server.get_boolean_entitlement("anyone", "feature-number-of-seats")
    assert seats.has_access and seats.is_fallback
    templates = await server.get_metered_entitlement("anyone", "feature-templates")
    assert templates.has_access and templates.usage_limit == 10 and templates.is_fallback
    other = await server.get_numeric_entitlement("anyone", "feature-other")
    assert not other.has_access and other.access_denied_reason == "Unknown"
    listed = await server.get_entitlements("anyone")
    assert sorted(e.feature.id for e in listed if e.feature) == [
        "feature-number-of-seats",
        "feature-templates",
    ]
    ack = await server.report_usage("anyone", "feature-templates", 3)
    assert ack.measurement_id and ack.feature_id == "feature-templates"
    event = await server.report_event(
        {"customer_id": "anyone", "event_name": "user_login", "idempotency_key": "k"}
    )
    assert event.offline and event.accepted == 0
    assert await server.reload_entitlements("anyone") is True
    await server.close()


async def test_network_failure_answers_fallbacks() -> None:
    server = StiggServer(
        api_key="key",
        base_uri="http://127.0.0.1:9",
        realtime_updates=False,
        retry=NO_RETRY,
        entitlements_fallback={"feature-x": {"hasAccess": True, "value": 3}},
    )
    result = await server.get_numeric_entitlement("c", "feature-x")
    assert result.is_fallback and result.has_access and result.value == 3
    per_call = await server.get_boolean_entitlement("c", "feature-y", fallback={"hasAccess": True})
    assert per_call.is_fallback and per_call.has_access
    await server.close()


async def test_provision_customer_with_default_subscription_params_and_resource(
    server: StiggServer,
) -> None:
    default = fresh_id()
    result = await server.provision_customer(default, name="Default journey")
    assert result.customer.id == default and result.customer.name == "Default journey"
    scoped = fresh_id()
    provisioned = await server.provision_customer(
        scoped,
        subscription_params={"plan_id": "plan-workspace-free", "resource_id": "resource-01"},
    )
    assert provisioned.subscription is not None
    assert provisioned.subscription.resource is not None
    assert provisioned.subscription.resource.id == "resource-01"
    check = await server.get_metered_entitlement(
        scoped, "feature-projects", resource_id="resource-01"
    )
    assert check.has_access and check.usage_limit == 3
