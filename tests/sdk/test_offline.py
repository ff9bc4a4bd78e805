"""Offline mode (protocol §5.6): no network at all, fallbacks and mock results."""

from __future__ import annotations

from decimal import Decimal

from stigg_client import Stigg


async def test_offline_mode_answers_from_fallbacks_without_network() -> None:
    client = Stigg.initialize(
        api_key="",
        customer_id="41XTDbE",
        offline=True,
        base_uri="http://127.0.0.1:9",
        entitlements_fallback={
            "feature-number-of-seats": {"hasAccess": True},
            "feature-templates": {"hasAccess": True, "usageLimit": 10},
        },
    )
    await client.wait_for_initialization()
    assert client.initialization_state == "READY"
    seats = client.get_boolean_entitlement("feature-number-of-seats")
    assert (seats.is_fallback, seats.has_access) == (True, True)
    templates = client.get_metered_entitlement("feature-templates", requested_usage=3)
    assert (templates.has_access, templates.usage_limit) == (True, 10)
    assert client.get_numeric_entitlement("other").has_access is False
    assert {e.feature.id for e in await client.get_entitlements() if e.feature} == {
        "feature-number-of-seats",
        "feature-templates",
    }
    paywall = await client.get_paywall()
    assert paywall.plans == [] and paywall.currency is not None
    assert paywall.currency.code == "USD"
    assert (await client.get_customer()).id == "offline-customer-id"
    estimate = await client.estimate_subscription(plan_id="p")
    assert estimate.total is not None and estimate.total.amount == Decimal(0)
    assert await client.wait_for_checkout_completed(subscription_id="s") is None
    await client.set_customer_id("someone-else")
    await client.refresh()
    assert client.customer_id == "41XTDbE"
    await client.close()


async def test_offline_mode_is_its_own_client_that_never_builds_a_transport() -> None:
    from stigg_client.client import OfflineStigg
    from tests.sdk.test_platform import FakePlatform

    platform = FakePlatform()
    client = Stigg.initialize(offline=True, platform=platform, persist_entitlements=True)
    assert isinstance(client, OfflineStigg) and isinstance(client, Stigg)
    assert platform.transports == [] and platform.store.items == {}
    assert client.connection_state == "online"
    await client.close()


def test_initialize_takes_the_config_defaults_and_rejects_unknown_settings() -> None:
    import pytest

    from stigg_client.client.config import ClientConfig

    client = Stigg.initialize("key", offline=True)
    assert client.config == ClientConfig(api_key="key", offline=True)
    with pytest.raises(TypeError, match="cache_tll_s"):
        Stigg.initialize("key", cache_tll_s=1)  # type: ignore[call-arg]


async def test_offline_checkout_calls_answer_without_network() -> None:
    import pytest

    from stigg_client.errors import ApiError, NotFoundError

    client = Stigg.initialize(offline=True, customer_id="41XTDbE")
    with pytest.raises(NotFoundError) as missing:
        await client.get_checkout_state("plan-team")
    assert missing.value.code == "PlanNotFound"
    preview = await client.preview_subscription(plan_id="plan-team")
    assert preview.immediate_invoice.total.amount == Decimal(0)
    assert preview.recurring_invoice is not None
    assert await client.card_form_available() is False
    for call in (
        client.apply_subscription(plan_id="plan-team"),
        client.create_payment_method("4242424242424242", "12/40"),
        client.confirm_payment_method("pm_1"),
    ):
        with pytest.raises(ApiError) as refused:
            await call
        assert refused.value.code == "OfflineMode"
    await client.close()
