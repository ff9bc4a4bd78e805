"""Concurrent usage reports, the Redis store behind StiggServer, and the sync wrapper."""

from __future__ import annotations

import asyncio
import uuid

from stigg_client import StiggServer, StiggServerSync
from stigg_client.server import RedisEntitlementsStore
from tests.sdk.server.conftest import fresh_id
from tests.support.processes import EmulatorProcess

TASKS = 20


async def test_twenty_concurrent_usage_reports_sum_exactly(
    server: StiggServer, emulator: EmulatorProcess
) -> None:
    customer_id = fresh_id()
    await server.provision_customer(
        customer_id, subscription_params={"plan_id": "plan-stigg-starter"}
    )
    await server.get_metered_entitlement(customer_id, "feature-demo-03")  # warm the cache
    values = list(range(1, TASKS + 1))
    acks = await asyncio.gather(
        *(server.report_usage(customer_id, "feature-demo-03", value) for value in values)
    )
    expected = sum(values)
    assert len({ack.measurement_id for ack in acks}) == TASKS
    # Each ack reports the usage right after its own measurement: all distinct, max is the sum.
    assert sorted(ack.current_usage or 0 for ack in acks)[-1] == expected
    assert len({ack.current_usage for ack in acks}) == TASKS

    fresh = StiggServer(
        api_key=emulator.server_key, base_uri=emulator.base_url, realtime_updates=False
    )
    try:
        network = await fresh.get_metered_entitlement(customer_id, "feature-demo-03")
        assert network.current_usage == expected
    finally:
        await fresh.close()

    # The live-updated cache converges to the same number.
    for _ in range(100):
        cached = await server.get_metered_entitlement(customer_id, "feature-demo-03")
        if cached.current_usage == expected:
            break
        await asyncio.sleep(0.05)
    assert cached.current_usage == expected


async def test_processes_share_entitlements_through_redis(
    emulator: EmulatorProcess, redis_url: str
) -> None:
    prefix = f"env-{uuid.uuid4().hex[:8]}"
    writer = StiggServer(
        api_key=emulator.server_key,
        base_uri=emulator.base_url,
        realtime_updates=False,
        store=RedisEntitlementsStore(url=redis_url, environment_prefix=prefix),
    )
    reader_store = RedisEntitlementsStore(url=redis_url, environment_prefix=prefix)
    reader = StiggServer(
        api_key=emulator.server_key,
        base_uri="http://127.0.0.1:9",  # unreachable: the reader can only answer from Redis
        realtime_updates=False,
        store=reader_store,
    )
    try:
        customer_id = fresh_id()
        await writer.provision_customer(
            customer_id, subscription_params={"plan_id": "plan-stigg-starter"}
        )
        await writer.report_usage(customer_id, "feature-demo-03", 1)
        check = await reader.get_metered_entitlement(customer_id, "feature-demo-03")
        assert not check.is_fallback
        assert check.has_access and check.usage_limit == 2 and check.current_usage == 1
        numeric = await reader.get_numeric_entitlement(customer_id, "feature-demo-01")
        assert numeric.value == 100 and not numeric.is_fallback
        assert await reader_store.redis.exists(f"{prefix}:c_{customer_id}") == 1
    finally:
        await writer.store.clear()
        await writer.close()
        await reader.close()


def test_sync_wrapper(emulator: EmulatorProcess) -> None:
    with StiggServerSync.initialize(
        api_key=emulator.server_key, base_uri=emulator.base_url, realtime_updates=False
    ) as stigg:
        customer_id = fresh_id()
        result = stigg.provision_customer(
            customer_id, subscription_params={"plan_id": "plan-stigg-starter"}
        )
        assert result.customer.id == customer_id
        ack = stigg.report_usage(customer_id, "feature-demo-03", 2)
        assert ack.current_usage == 2
        check = stigg.get_metered_entitlement(customer_id, "feature-demo-03", requested_usage=1)
        assert not check.has_access and check.current_usage == 2
