"""StiggServer's credit calls against the emulator (docs/protocol.md §5.7), with issue 17's
"done when": 100 credits, 20 concurrent consumptions of 1 and 5 retried keys leave exactly 80."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from stigg_client.errors import ValidationError
from stigg_client.models.credits import CreditBalanceUpdatedEvent, CreditGrantStatus
from stigg_client.models.enums import AccessDeniedReason
from stigg_client.server import StiggServer
from tests.emulator.credit_helpers import CURRENCY
from tests.sdk.server.conftest import fresh_id
from tests.support.processes import EmulatorProcess


@pytest.fixture
async def sdk(credits_emulator: EmulatorProcess) -> AsyncIterator[StiggServer]:
    client = StiggServer.initialize(
        api_key=credits_emulator.server_key,
        base_uri=credits_emulator.base_url,
        realtime_connect_timeout_s=3.0,
    )
    await client.wait_for_initialization()
    yield client
    await client.close()


async def new_customer(sdk: StiggServer, plan: str | None = None) -> str:
    customer = fresh_id("credits")
    params = {"plan_id": plan} if plan else None
    await sdk.provision_customer(
        customer, subscription_params=params, billing_info={"payment_method_id": "pm_card_visa"}
    )
    return customer


async def test_twenty_concurrent_consumers_and_five_retries_leave_eighty(
    sdk: StiggServer,
) -> None:
    customer = await new_customer(sdk)
    pushed: list[CreditBalanceUpdatedEvent] = []
    sdk.add_listener("credit_balance_updated", pushed.append)
    granted = await sdk.grant_credits(customer, CURRENCY, 100, "Welcome credits")
    assert (granted.amount, granted.status) == (100, CreditGrantStatus.ACTIVE)
    before = await sdk.get_credit_entitlement(customer, CURRENCY)
    assert before.balance == 100
    keys = [f"k{n}" for n in range(1, 21)]
    calls = [sdk.consume_credits(customer, CURRENCY, 1, key) for key in keys]
    calls += [sdk.consume_credits(customer, CURRENCY, 1, key) for key in keys[:5]]
    answers = await asyncio.gather(*calls)
    assert {answer.amount for answer in answers} == {1}
    entitlement = await sdk.get_credit_entitlement(customer, CURRENCY)
    assert (entitlement.usage_limit, entitlement.current_usage, entitlement.balance) == (
        100,
        20,
        80,
    )
    assert entitlement.is_granted
    [summary] = await sdk.get_credit_balance(customer, currency_id=CURRENCY)
    assert (summary.current_balance, summary.total_granted, summary.total_consumed) == (
        80,
        100,
        20,
    )
    ledger = await sdk.get_credit_ledger(customer, currency_id=CURRENCY, first=100)
    assert ledger.total_count == 21  # one grant, 20 consumptions: the retries added nothing
    for _ in range(50):
        if pushed and pushed[-1].current_balance == 80:
            break
        await asyncio.sleep(0.05)
    assert pushed[-1].customer_id == customer
    assert pushed[-1].current_balance == 80


async def test_grants_void_ledger_usage_and_estimates(sdk: StiggServer) -> None:
    customer = await new_customer(sdk, "plan-ai-free")
    expiring = await sdk.grant_credits(
        customer,
        CURRENCY,
        10,
        "Trial credits",
        expire_at=datetime.now(UTC) + timedelta(days=3),
        priority=5,
    )
    paid = await sdk.grant_credits(
        customer, CURRENCY, 50, "Bought", grant_type="PAID", cost={"amount": 5, "currency": "USD"}
    )
    assert paid.cost is not None and paid.cost.amount == 5
    await sdk.consume_credits(customer, CURRENCY, 12, "c-1")
    page = await sdk.get_credit_grants(customer, currency_id=CURRENCY, first=1)
    assert (page.total_count, page.has_next_page, page.grants[0].grant_id) == (
        2,
        True,
        paid.grant_id,
    )
    rest = await sdk.get_credit_grants(customer, currency_id=CURRENCY, after=page.end_cursor)
    assert [(g.grant_id, g.consumed_amount) for g in rest.grants] == [(expiring.grant_id, 10)]
    voided = await sdk.void_credit_grant(paid.grant_id)
    assert voided.status == CreditGrantStatus.VOIDED
    entitlement = await sdk.get_credit_entitlement(customer, CURRENCY)
    assert entitlement.access_denied_reason == AccessDeniedReason.INSUFFICIENT_CREDITS
    events = await sdk.get_credit_ledger(customer, event_types=["CREDITS_VOIDED"])
    assert [(e.event_type, e.amount) for e in events.events] == [("CREDITS_VOIDED", -48)]
    await sdk.grant_credits(customer, CURRENCY, 20, "Top-up")
    await sdk.report_event(
        {
            "customer_id": customer,
            "event_name": "ai_assist",
            "idempotency_key": fresh_id("event"),
            "dimensions": {"words": 8},
        }
    )
    usage = await sdk.get_credit_usage(customer, currency_id=CURRENCY, time_range="LAST_DAY")
    totals = {series.feature_id: series.total_credits for series in usage.series}
    assert totals == {None: 12, "feature-ai-assists": 4}
    estimate = await sdk.estimate_usage_cost(customer, "feature-summaries", 3)
    assert [(e.estimated_cost, e.current_balance) for e in estimate.estimates] == [(6, 16)]
    by_event = await sdk.estimate_event_cost(customer, "ai_assist", dimensions={"words": 40})
    assert by_event.estimates[0].would_overdraft is True
    with pytest.raises(ValidationError):
        await sdk.consume_credits(customer, CURRENCY, 1, "")


async def test_auto_recharge_settings_round_trip(sdk: StiggServer) -> None:
    customer = await new_customer(sdk)
    assert (await sdk.get_auto_recharge_settings(customer, CURRENCY)).is_enabled is False
    saved = await sdk.save_auto_recharge_settings(
        customer,
        CURRENCY,
        is_enabled=True,
        threshold_type="CreditAmount",
        threshold_value=10,
        target_balance=40,
        max_spend_limit=100,
    )
    # Enabling it with nothing in the balance buys up to the target at once.
    assert (saved.is_enabled, saved.current_monthly_spend) == (True, 0.4)
    assert (await sdk.get_credit_entitlement(customer, CURRENCY)).balance == 40
    sent = await sdk.consume_credits_async(
        [
            {"customer_id": customer, "currency_id": CURRENCY, "amount": 15},
            {"customer_id": customer, "currency_id": CURRENCY, "amount": 20},
        ]
    )
    assert sent == 2
    # 5 left < 10: a second purchase of 35 credits.
    assert (await sdk.get_credit_entitlement(customer, CURRENCY)).balance == 40
    settings = await sdk.get_auto_recharge_settings(customer, CURRENCY)
    assert settings.current_monthly_spend == pytest.approx(0.75)


async def test_offline_consumption_is_acknowledged_locally() -> None:
    async with StiggServer(api_key="", offline=True) as offline:
        answer = await offline.consume_credits("c", CURRENCY, 3, "k")
        assert (answer.customer_id, answer.amount, answer.credit) == ("c", 3, None)
        assert (
            await offline.consume_credits_async(
                [{"customer_id": "c", "currency_id": "x", "amount": 1}]
            )
            == 0
        )
        denied = await offline.get_credit_entitlement("c", CURRENCY)
        assert (denied.is_granted, denied.access_denied_reason) == (False, "Unknown")


async def test_a_feature_burning_credits_is_denied_once_the_push_says_they_ran_out(
    sdk: StiggServer,
) -> None:
    customer = await new_customer(sdk, "plan-ai-free")
    await sdk.grant_credits(customer, CURRENCY, 4, "Few credits")
    assert (await sdk.get_metered_entitlement(customer, "feature-summaries")).has_access
    pushed: list[CreditBalanceUpdatedEvent] = []
    sdk.add_listener("credit_balance_updated", pushed.append)
    await sdk.report_usage(customer, "feature-summaries", 2)  # burns all 4
    for _ in range(50):
        if any(e.customer_id == customer and e.current_balance <= 0 for e in pushed):
            break
        await asyncio.sleep(0.05)
    summaries = await sdk.get_metered_entitlement(customer, "feature-summaries")
    assert (summaries.has_access, summaries.access_denied_reason) == (
        False,
        AccessDeniedReason.INSUFFICIENT_CREDITS,
    )
