"""A customer id holding `/`, `?`, `#`, `%`, `+` and spaces works on every read, against a real
emulator: edge entitlements, edge subscriptions, the event stream and GraphQL reads."""

from __future__ import annotations

import asyncio

import pytest

from tests.sdk.backend import new_customer, report_usage
from tests.sdk.test_live_updates import live_client, usage_of
from tests.support.processes import EmulatorProcess
from tests.support.waiting import eventually

AWKWARD_PREFIX = "acme eu?plan=1#top 50%+co "
WITH_SLASH_PREFIX = "acme/eu?plan=1#top "


@pytest.mark.parametrize("prefix", [AWKWARD_PREFIX, WITH_SLASH_PREFIX])
async def test_an_awkward_customer_id_reads_from_the_edge_graphql_and_the_stream(
    emulator: EmulatorProcess, prefix: str
) -> None:
    customer_id = new_customer(emulator, prefix=prefix)
    client = live_client(emulator, customer_id=customer_id)
    try:
        await client.wait_for_initialization()
        starter = client.get_metered_entitlement("feature-demo-03")
        assert (starter.is_fallback, starter.usage_limit) == (False, 2)
        (slim,) = await client.get_active_subscriptions_list()  # edge
        assert slim.plan is not None and slim.plan.plan_id == "plan-stigg-starter"
        assert (await client.get_customer()).id == customer_id  # GraphQL
        await eventually(lambda: client.live_updates_status == "connected")
        await asyncio.to_thread(report_usage, emulator, customer_id, "feature-demo-03", 1)
        await eventually(lambda: usage_of(client) == 1)
    finally:
        await client.close()


async def test_an_awkward_customer_id_reads_over_graphql_with_the_edge_off(
    emulator: EmulatorProcess,
) -> None:
    customer_id = new_customer(emulator, prefix=WITH_SLASH_PREFIX + AWKWARD_PREFIX)
    client = live_client(emulator, customer_id=customer_id, enable_edge=False, live_updates=False)
    try:
        await client.wait_for_initialization()
        assert client.get_metered_entitlement("feature-demo-03").usage_limit == 2
        (slim,) = await client.get_active_subscriptions_list()
        assert slim.plan is not None and slim.plan.plan_id == "plan-stigg-starter"
    finally:
        await client.close()
