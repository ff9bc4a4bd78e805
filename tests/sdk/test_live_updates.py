"""Live updates against a real emulator: server-side changes reach the client's cache and listeners
without `refresh()` (and without polling: the TTL is an hour), re-subscription on a customer
switch, the fallback to polling where the stream is not offered, and a dropped stream."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from stigg_client import RetryPolicy, Stigg
from stigg_client.client.push import LiveUpdates, stream_url
from stigg_client.platform.cpython import CPythonPlatform
from stigg_client.transport.retry import Backoff
from stigg_client.transport.sse import Connector, SseParser
from tests.sdk.backend import new_customer, provision_subscription, report_usage
from tests.support.fault_proxy import FaultProxy
from tests.support.processes import EmulatorProcess
from tests.support.waiting import eventually

FAST_RETRY = RetryPolicy(attempts=2, initial_delay_s=0.01, max_delay_s=0.02)
FAST_RECONNECT = Backoff(initial_delay_s=0.05, max_delay_s=0.4)
NO_POLLING = 3600.0


def live_client(emulator: EmulatorProcess, **options: Any) -> Stigg:
    options.setdefault("api_key", emulator.client_key)
    options.setdefault("base_uri", emulator.base_url)
    options.setdefault("base_edge_uri", emulator.edge_url)
    options.setdefault("retry", FAST_RETRY)
    options.setdefault("reconnect", FAST_RECONNECT)
    options.setdefault("cache_ttl_s", NO_POLLING)
    options.setdefault("background_refresh", False)
    return Stigg.initialize(**options)


def usage_of(client: Stigg, feature_id: str = "feature-demo-03") -> float:
    return client.get_metered_entitlement(feature_id).current_usage


async def test_reported_usage_reaches_the_cache_and_listeners_without_refresh(
    emulator: EmulatorProcess,
) -> None:
    customer_id = new_customer(emulator)
    client = live_client(emulator, customer_id=customer_id)
    updates: list[list[str]] = []
    client.add_listener("entitlements_updated", updates.append)
    try:
        await client.wait_for_initialization()
        await eventually(lambda: client.live_updates_status == "connected")
        updates.clear()
        assert usage_of(client) == 0
        await asyncio.to_thread(report_usage, emulator, customer_id, "feature-demo-03", 2)
        await eventually(lambda: usage_of(client) == 2)
        assert ["feature-demo-03"] in updates
        denied = client.get_metered_entitlement("feature-demo-03", requested_usage=1)
        assert (denied.has_access, denied.access_denied_reason) == (
            False,
            "RequestedUsageExceedingLimit",
        )
    finally:
        await client.close()
    assert client.live_updates_status == "off"


async def test_a_new_subscription_reaches_the_cache_without_refresh(
    emulator: EmulatorProcess,
) -> None:
    customer_id = new_customer(emulator)
    client = live_client(emulator, customer_id=customer_id)
    updates: list[list[str]] = []
    client.add_listener("entitlements_updated", updates.append)
    try:
        await client.wait_for_initialization()
        await eventually(lambda: client.live_updates_status == "connected")
        assert client.get_numeric_entitlement("feature-demo-01").is_unlimited is False
        updates.clear()
        await asyncio.to_thread(
            provision_subscription,
            emulator,
            customer_id,
            "plan-stigg-team",  # a trial: active at once; makes feature #1 unlimited
            billingPeriod="MONTHLY",
            billableFeatures=[{"featureId": "feature-seats", "quantity": 2}],
        )
        await eventually(lambda: client.get_numeric_entitlement("feature-demo-01").is_unlimited)
        assert any("feature-demo-01" in changed for changed in updates)
        assert client.get_metered_entitlement("feature-seats").usage_limit == 2
    finally:
        await client.close()


async def test_a_change_reaches_a_client_inside_a_resource_context(
    emulator: EmulatorProcess,
) -> None:
    """The stream is per customer; its payloads name the resource, and the resource scope the
    client is in takes them too."""
    customer_id = new_customer(emulator)
    provision_subscription(emulator, customer_id, "plan-workspace-free", resourceId="ws-live")
    client = live_client(emulator, customer_id=customer_id, resource_id="ws-live")
    try:
        await client.wait_for_initialization()
        await eventually(lambda: client.live_updates_status == "connected")
        stream = client._push
        assert client.get_metered_entitlement("feature-projects").usage_limit == 3
        assert client.get_numeric_entitlement("feature-demo-01").is_unlimited is False
        await asyncio.to_thread(
            provision_subscription,
            emulator,
            customer_id,
            "plan-stigg-team",
            billingPeriod="MONTHLY",
            billableFeatures=[{"featureId": "feature-seats", "quantity": 1}],
        )
        await eventually(lambda: client.get_numeric_entitlement("feature-demo-01").is_unlimited)
        assert client.get_metered_entitlement("feature-projects").usage_limit == 3
        assert client._push is stream  # the same customer stream served the resource scope
    finally:
        await client.close()


async def test_switching_customer_subscribes_to_the_new_customer(
    emulator: EmulatorProcess,
) -> None:
    first, second = new_customer(emulator), new_customer(emulator)
    client = live_client(emulator, customer_id=first)
    try:
        await client.wait_for_initialization()
        await eventually(lambda: client.live_updates_status == "connected")
        first_stream = client._push
        await client.set_customer_id(second)
        assert client._push is not first_stream and client._push is not None
        assert f"/v1/c/{second}/events" in client._push.url
        await eventually(lambda: client.live_updates_status == "connected")
        await asyncio.to_thread(report_usage, emulator, second, "feature-demo-03", 1)
        await eventually(lambda: usage_of(client) == 1)
        # The first customer's changes no longer reach this client.
        await asyncio.to_thread(report_usage, emulator, first, "feature-demo-03", 2)
        await client.set_customer_id(first)
        assert usage_of(client) == 2  # loaded, not pushed into the other customer's cache
        client.clear_customer()
        assert client.live_updates_status == "off"
    finally:
        await client.close()


async def test_without_the_stream_endpoint_the_client_polls(emulator: EmulatorProcess) -> None:
    """As on Stigg's cloud API: the stream answers 404, so the client keeps polling at the TTL."""
    customer_id = new_customer(emulator)
    # GraphQL lives under a prefix here (so /v1/c/.../events is a 404); reads go to the edge.
    client = live_client(
        emulator,
        customer_id=customer_id,
        base_uri=emulator.base_url + "/no-such-prefix",
        cache_ttl_s=0.3,
        background_refresh=True,
    )
    states: list[str] = []
    client.add_listener("connection_state_changed", states.append)
    try:
        await client.wait_for_initialization()
        await eventually(lambda: client.live_updates_status == "unavailable")
        await asyncio.to_thread(report_usage, emulator, customer_id, "feature-demo-03", 1)
        await eventually(lambda: usage_of(client) == 1)  # by polling
        assert (client.connection_state, states) == ("online", ["online"])
        assert client.live_updates_status == "unavailable"
    finally:
        await client.close()


async def test_live_updates_can_be_switched_off(emulator: EmulatorProcess) -> None:
    client = live_client(emulator, customer_id=new_customer(emulator), live_updates=False)
    try:
        await client.wait_for_initialization()
        await asyncio.sleep(0.2)
        assert (client.live_updates_status, client._push) == ("off", None)
    finally:
        await client.close()


async def test_a_dropped_stream_goes_offline_and_comes_back_by_itself(
    emulator: EmulatorProcess,
) -> None:
    customer_id = new_customer(emulator)
    proxy = FaultProxy("127.0.0.1", emulator.port).start()
    client = live_client(
        emulator,
        customer_id=customer_id,
        base_uri=proxy.url,
        enable_edge=False,
        background_refresh=True,
        request_timeout_s=2.0,
    )
    states: list[str] = []
    client.add_listener("connection_state_changed", states.append)
    try:
        await client.wait_for_initialization()
        await eventually(lambda: client.live_updates_status == "connected")
        proxy.stop()  # drops the open stream; nothing listens on the port any more
        await eventually(lambda: client.connection_state == "offline")
        assert client.live_updates_status == "connecting"
        assert client.get_metered_entitlement("feature-demo-03").is_fallback is False
        proxy.start()
        await eventually(lambda: client.live_updates_status == "connected")
        await eventually(lambda: client.connection_state == "online")
        assert states == ["online", "offline", "online"]
        await asyncio.to_thread(report_usage, emulator, customer_id, "feature-demo-03", 1)
        await eventually(lambda: usage_of(client) == 1)
    finally:
        await client.close()
        proxy.stop()


# ------------------------------------------------------------------ without a server


def test_the_event_stream_parser() -> None:
    parser = SseParser()
    lines = [": connected", "", "event: ready", "data: {}", "", ": keepalive", ""]
    lines += ["event: usageUpdated", 'data: {"a":', "data: 1}", "", "data: x", ""]
    events = [event for line in lines if (event := parser.feed(line)) is not None]
    assert events == [("ready", "{}"), ("usageUpdated", '{"a":\n1}'), ("message", "x")]


def test_the_stream_url_carries_key_and_token_escaped() -> None:
    url = stream_url("http://h:1/", "a b/c", "client-key", "tok+en")
    assert url == "http://h:1/v1/c/a%20b%2Fc/events?apiKey=client-key&customerKey=tok%2Ben"
    assert stream_url("http://h:1", "c", "k", None) == "http://h:1/v1/c/c/events?apiKey=k"


class ScriptedConnector:
    """Plays scripted connections: each a list of (kind, data) events, or an exception."""

    def __init__(self, script: list[list[tuple[str, str]] | BaseException]) -> None:
        self.script = script
        self.calls = 0

    async def __call__(self, url: str, on_open: Any, on_message: Any) -> None:
        self.calls += 1
        step = self.script.pop(0) if self.script else None
        if step is None:
            await asyncio.Event().wait()  # stays connected until cancelled
            return
        if isinstance(step, BaseException):
            raise step
        on_open()
        for kind, data in step:
            on_message(kind, data)

    async def aclose(self) -> None:
        return None


async def test_reconnects_after_drops_and_stops_on_refusal() -> None:
    from stigg_client.errors import NetworkError
    from stigg_client.transport.sse import StreamRefused

    seen: list[Any] = []
    connector = ScriptedConnector(
        [
            [("usageUpdated", '{"x": 1}'), ("usageUpdated", "not json"), ("ping", "{}")],
            NetworkError("down"),
            [("entitlementsUpdated", '{"y": 2}'), ("creditBalanceUpdated", '{"z": 3}')],
            StreamRefused(404),
        ]
    )
    updates = LiveUpdates(
        "http://unused",
        connector,
        backoff=Backoff(0.001, 0.002),
        on_event=lambda kind, payload: seen.append((kind, payload)),
        on_connected=lambda again: seen.append(("connected", again)),
        on_dropped=lambda: seen.append("dropped"),
    )
    updates.start()
    await eventually(lambda: updates.status == "unavailable", timeout_s=5)
    assert seen == [
        ("connected", False),
        ("usageUpdated", {"x": 1}),
        "dropped",
        ("connected", True),
        ("entitlementsUpdated", {"y": 2}),
        ("creditBalanceUpdated", {"z": 3}),
        "dropped",
    ]
    assert connector.calls == 4
    task = updates.stop()
    assert task is not None
    await asyncio.gather(task, return_exceptions=True)
    assert updates.status == "unavailable"


@pytest.mark.parametrize("stale", [True, False])
async def test_pushed_usage_older_than_the_cache_is_ignored(
    emulator: EmulatorProcess, stale: bool
) -> None:
    customer_id = new_customer(emulator)
    client = live_client(emulator, customer_id=customer_id, live_updates=False)
    updates: list[list[str]] = []
    client.add_listener("entitlements_updated", updates.append)
    try:
        await client.wait_for_initialization()
        updates.clear()
        entitlements = await client._graphql_entitlements(customer_id, None)
        raw = next(
            e for e in entitlements["entitlements"] if e["feature"]["refId"] == "feature-demo-03"
        )
        stamp = "2000-01-01T00:00:00.000Z" if stale else "2100-01-01T00:00:00.000Z"
        pushed = {**raw, "currentUsage": 1.0, "usageUpdatedAt": stamp}
        if stale:
            pushed["entitlementUpdatedAt"] = stamp
        payload = {"entitlement": pushed, "usage": {"customerId": customer_id}}
        client._on_pushed("usageUpdated", payload)
        client._on_pushed("usageUpdated", {**payload, "usage": {"customerId": "someone-else"}})
        assert usage_of(client) == (0 if stale else 1)
        assert updates == ([] if stale else [["feature-demo-03"]])
    finally:
        await client.close()


class LatePlatform(CPythonPlatform):
    """CPython, but the event stream opens only once `gate` is set (after the initial load)."""

    def __init__(self, gate: asyncio.Event) -> None:
        self.gate = gate

    def stream_connector(self) -> Connector | None:
        real = super().stream_connector()
        return None if real is None else LateConnector(real, self.gate)


class LateConnector:
    """The real connector, but the stream opens only once `gate` is set."""

    def __init__(self, inner: Any, gate: asyncio.Event) -> None:
        self.inner, self.gate = inner, gate

    async def __call__(self, url: str, on_open: Any, on_message: Any) -> None:
        await self.gate.wait()
        await self.inner(url, on_open, on_message)

    async def aclose(self) -> None:
        await self.inner.aclose()


async def test_a_change_between_the_initial_load_and_the_stream_start_is_caught_up(
    emulator: EmulatorProcess,
) -> None:
    gate = asyncio.Event()
    customer_id = new_customer(emulator)
    client = live_client(emulator, customer_id=customer_id, platform=LatePlatform(gate))
    try:
        await client.wait_for_initialization()
        assert usage_of(client) == 0
        await asyncio.to_thread(report_usage, emulator, customer_id, "feature-demo-03", 3)
        gate.set()  # the stream starts only now: the report above is never pushed
        await eventually(lambda: client.live_updates_status == "connected")
        await eventually(lambda: usage_of(client) == 3)
    finally:
        await client.close()
