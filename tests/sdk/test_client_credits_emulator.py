"""The client's credits against a real emulator on the credits catalog: the balance after
concurrent consumption with retried keys (issue 17's "done when"), live pushes, InsufficientCredits,
and the grants, usage and automatic-recharge reads."""

from __future__ import annotations

import asyncio
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from stigg_client import Stigg
from tests.emulator.credit_helpers import CURRENCY, consume, grant, new_customer
from tests.emulator.helpers import Api, server
from tests.support.processes import EmulatorProcess

EVENTS = "mutation R($input: UsageEventsReportInput!) { reportEvent(events: $input) }"
SAVE_RECHARGE = """
mutation S($input: SaveAutoRechargeSettingsInput!) {
  saveAutoRechargeSettings(input: $input) { id }
}
"""


@pytest.fixture
def api(credits_emulator: EmulatorProcess) -> Api:
    return server(credits_emulator)


def client_of(emulator: EmulatorProcess, customer_id: str, **settings: Any) -> Stigg:
    return Stigg.initialize(
        emulator.client_key,
        customer_id=customer_id,
        base_uri=emulator.base_url,
        base_edge_uri=emulator.edge_url,
        background_refresh=False,
        **settings,
    )


async def test_client_reports_80_after_20_concurrent_consumers_and_5_retries(
    api: Api, credits_emulator: EmulatorProcess
) -> None:
    customer = new_customer(api)
    grant(api, customer, 100)
    client = client_of(credits_emulator, customer, live_updates=True)
    await client.wait_for_initialization()
    assert client.get_credit_entitlement(CURRENCY).is_fallback is True  # not loaded yet
    assert [item.balance for item in await client.get_credit_entitlements()] == [100]
    keys = [uuid.uuid4().hex for _ in range(20)]
    with ThreadPoolExecutor(max_workers=25) as pool:
        calls = [*keys, *keys[:5]]  # the last five retry keys already used
        await asyncio.gather(
            *(asyncio.wrap_future(pool.submit(consume, api, customer, 1, key)) for key in calls)
        )
    # Pushed: the balance reaches 80 without a request of the client's own.
    reached = asyncio.Event()
    client.add_listener(
        "credit_balance_updated",
        lambda _: reached.set() if client.get_credit_entitlement(CURRENCY).balance == 80 else None,
    )
    if client.get_credit_entitlement(CURRENCY).balance != 80:
        await asyncio.wait_for(reached.wait(), timeout=10)
    await client.refresh()  # and a fresh load agrees
    result = client.get_credit_entitlement(CURRENCY, requested_usage=80)
    assert (result.balance, result.usage_limit, result.current_usage) == (80, 100, 20)
    assert (result.has_access, result.is_fallback) == (True, False)
    assert client.get_credit_entitlement(CURRENCY, requested_usage=81).has_access is False
    await client.close()


async def test_an_empty_balance_is_insufficient_credits(
    api: Api, credits_emulator: EmulatorProcess
) -> None:
    customer = new_customer(api)
    grant(api, customer, 2)
    consume(api, customer, 2)
    client = client_of(credits_emulator, customer, live_updates=False)
    (entitlement,) = await client.get_credit_entitlements()
    assert (entitlement.has_access, entitlement.access_denied_reason) == (
        False,
        "InsufficientCredits",
    )
    assert entitlement.currency is not None and entitlement.currency.unit_plural == "credits"
    listed = await client.get_entitlements()
    assert entitlement in listed
    await client.close()


async def test_grants_usage_and_recharge_reads(api: Api, credits_emulator: EmulatorProcess) -> None:
    customer = new_customer(api, "plan-ai-free")
    grant(api, customer, 30, displayName="Welcome")
    api.data(
        EVENTS,
        {
            "input": {
                "usageEvents": [
                    {
                        "customerId": customer,
                        "eventName": "ai_assist",
                        "idempotencyKey": uuid.uuid4().hex,
                        "dimensions": {"words": 8},
                    }
                ]
            }
        },
    )
    api.data(
        SAVE_RECHARGE,
        {
            "input": {
                "customerId": customer,
                "currencyId": CURRENCY,
                "isEnabled": True,
                "thresholdValue": 5,
                "targetBalance": 50,
                "maxSpendLimit": 20,
            }
        },
    )
    client = client_of(credits_emulator, customer, live_updates=False)
    (welcome,) = await client.get_credit_grants(CURRENCY)
    assert (welcome.display_name, welcome.amount, welcome.consumed_amount) == ("Welcome", 30, 4)
    usage = await client.get_credit_usage(CURRENCY, time_range="LAST_DAY")
    assert [(s.feature_id, s.total_credits) for s in usage.series] == [("feature-ai-assists", 4)]
    settings = await client.get_auto_recharge_settings(CURRENCY)
    assert (settings.is_enabled, settings.threshold_value, settings.target_balance) == (
        True,
        5,
        50,
    )
    assert settings.max_spend_limit == 20
    await client.close()


async def test_paywall_and_checkout_plans_list_their_credit_grants(
    api: Api, credits_emulator: EmulatorProcess
) -> None:
    """Edge paywall, GraphQL paywall and the checkout state all map a plan's
    PackageCreditEntitlement members to `Plan.credit_grants`."""
    customer = new_customer(api)
    expected = [("plan-ai-pro", CURRENCY, 50.0, "MONTH", "AI credits", "credits")]
    for edge in (True, False):
        client = client_of(credits_emulator, customer, enable_edge=edge)
        paywall = await client.get_paywall(product_id="product-ai")
        grants = [
            (plan.id, g.currency_id, g.amount, g.cadence, g.display_name, g.unit_plural)
            for plan in paywall.plans
            for g in plan.credit_grants
            if plan.id == "plan-ai-pro"
        ]
        assert grants == expected, edge
        await client.close()
    client = client_of(credits_emulator, customer)
    state = await client.get_checkout_state("plan-ai-pro")
    [only] = state.plan.credit_grants
    assert (only.amount, only.cadence, only.has_soft_limit) == (50.0, "MONTH", False)
    await client.close()
