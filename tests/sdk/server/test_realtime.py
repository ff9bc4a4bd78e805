"""Live updates: changes made by another process reach listeners and the cache; reconnects."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from stigg_client import StiggServer
from stigg_client.errors import AuthenticationError
from stigg_client.server import Backoff, EntitlementsUpdatedEvent, UsageUpdatedEvent
from tests.conftest import TEST_CATALOG
from tests.sdk.server.conftest import fresh_id
from tests.support.processes import EmulatorProcess

EVENT_TIMEOUT_S = 10.0

# Raw HTTP from a separate process: no SDK code, just Stigg's wire protocol.
OTHER_PROCESS = textwrap.dedent(
    """
    import json, sys, urllib.request
    url, key, operations = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    for query, variables in operations:
        request = urllib.request.Request(
            url + "/graphql",
            data=json.dumps({"query": query, "variables": variables}).encode(),
            headers={"Content-Type": "application/json", "X-API-KEY": key},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            body = json.load(response)
        if body.get("errors"):
            sys.exit(json.dumps(body["errors"]))
    """
)
REPORT_USAGE = """mutation($input: ReportUsageInput!) {
  reportUsage(input: $input) { id currentUsage }
}"""
GRANT = """mutation($input: GrantPromotionalEntitlementsInput!) {
  grantPromotionalEntitlements(input: $input) { id }
}"""


def run_other_process(emulator: EmulatorProcess, operations: list[Any]) -> None:
    subprocess.run(
        [
            sys.executable,
            "-c",
            OTHER_PROCESS,
            emulator.base_url,
            emulator.server_key,
            json.dumps(operations),
        ],
        check=True,
        timeout=30,
    )


def collector(
    predicate: Callable[[Any], bool],
) -> tuple[Callable[[Any], None], asyncio.Future[Any]]:
    """A listener that resolves a future with the first payload matching `predicate`."""
    future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()

    def listener(payload: Any) -> None:
        if not future.done() and predicate(payload):
            future.set_result(payload)

    return listener, future


async def test_updates_from_another_process_reach_listeners_and_cache(
    server: StiggServer, emulator: EmulatorProcess
) -> None:
    assert await server.wait_for_realtime(10), "no graphql-transport-ws connection"
    customer_id = fresh_id()
    await server.provision_customer(
        customer_id, subscription_params={"plan_id": "plan-stigg-starter"}
    )
    before = await server.get_metered_entitlement(customer_id, "feature-demo-03")
    assert before.current_usage == 0
    assert await server.store.get((customer_id, None)) is not None  # cached now

    on_usage, usage_future = collector(
        lambda p: isinstance(p, UsageUpdatedEvent) and p.usage.customer_id == customer_id
    )
    on_entitlements, entitlements_future = collector(
        lambda p: (
            isinstance(p, EntitlementsUpdatedEvent)
            and p.customer_id == customer_id
            and any(
                e.feature is not None and e.feature.ref_id == "feature-api-calls"
                for e in p.entitlements
            )
        )
    )
    server.add_listener("usage_updated", on_usage)
    server.add_listener("entitlements_updated", on_entitlements)

    await asyncio.to_thread(
        run_other_process,
        emulator,
        [
            [
                REPORT_USAGE,
                {"input": {"customerId": customer_id, "featureId": "feature-demo-03", "value": 2}},
            ],
            [
                GRANT,
                {
                    "input": {
                        "customerId": customer_id,
                        "promotionalEntitlements": [
                            {
                                "featureId": "feature-api-calls",
                                "period": "ONE_MONTH",
                                "usageLimit": 70,
                            }
                        ],
                    }
                },
            ],
        ],
    )

    usage: UsageUpdatedEvent = await asyncio.wait_for(usage_future, EVENT_TIMEOUT_S)
    assert usage.usage.feature_id == "feature-demo-03"
    assert usage.usage.current_usage == 2
    assert usage.usage.resource_id is None
    assert usage.entitlement is not None and usage.entitlement.current_usage == 2
    assert usage.entitlement.usage_limit == 2

    updated: EntitlementsUpdatedEvent = await asyncio.wait_for(entitlements_future, EVENT_TIMEOUT_S)
    by_feature = {e.feature.ref_id: e for e in updated.entitlements if e.feature}
    assert by_feature["feature-api-calls"].is_granted
    assert by_feature["feature-api-calls"].usage_limit == 70
    assert by_feature["feature-api-calls"].customer_id == customer_id
    assert "feature-demo-02" in by_feature

    # The cache was updated in place: this read is served from it, with the pushed values.
    cached = await server.store.get((customer_id, None))
    assert cached is not None and "feature-api-calls" in cached.entitlements
    check = await server.get_metered_entitlement(customer_id, "feature-api-calls")
    assert check.has_access and check.usage_limit == 70
    demo = await server.get_metered_entitlement(customer_id, "feature-demo-03", requested_usage=1)
    assert demo.current_usage == 2 and not demo.has_access


async def test_bad_key_is_fatal_for_realtime(emulator: EmulatorProcess) -> None:
    server = StiggServer(api_key="wrong", base_uri=emulator.base_url)
    try:
        assert server.realtime is not None
        first = server.realtime.start()
        with pytest.raises(AuthenticationError):
            await asyncio.wait_for(first, 10)
        assert not server.realtime_connected
    finally:
        await server.close()


async def test_reconnects_clears_cache_and_reads_network_while_down(tmp_path: Path) -> None:
    emulator = EmulatorProcess(
        database_url=f"sqlite:///{tmp_path / 'db.sqlite'}",
        catalog=TEST_CATALOG,
        log_path=tmp_path / "emulator.log",
    ).start()
    server = StiggServer.initialize(
        api_key=emulator.server_key,
        base_uri=emulator.base_url,
        reconnect_backoff=Backoff(initial_delay_s=0.1, max_delay_s=0.5),
        entitlements_fallback={"feature-demo-02": {"hasAccess": False}},
        retry=None,
    )
    try:
        await server.wait_for_initialization()
        assert await server.wait_for_realtime(10)
        assert server.realtime is not None and server.realtime.connections == 1
        customer_id = fresh_id()
        await server.provision_customer(
            customer_id, subscription_params={"plan_id": "plan-stigg-starter"}
        )
        assert (await server.get_boolean_entitlement(customer_id, "feature-demo-02")).has_access
        assert await server.store.get((customer_id, None)) is not None

        await asyncio.to_thread(emulator.stop)
        for _ in range(100):
            if not server.realtime_connected:
                break
            await asyncio.sleep(0.05)
        assert not server.realtime_connected
        assert await server.store.get((customer_id, None)) is None  # cleared
        # Disconnected: the check goes to the network, which is down -> the fallback.
        down = await server.get_boolean_entitlement(customer_id, "feature-demo-02")
        assert down.is_fallback and not down.has_access

        await asyncio.to_thread(emulator.start)
        assert await server.wait_for_realtime(15)
        assert server.realtime.connections == 2
        back = await server.get_boolean_entitlement(customer_id, "feature-demo-02")
        assert back.has_access and not back.is_fallback
    finally:
        await server.close()
        emulator.stop()
