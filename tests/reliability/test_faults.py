"""Faults between the SDKs and the emulator, injected by a proxy: down, slow, 500s, malformed
JSON, connections closed mid-response. Checks keep answering (cache or fallback), public async
methods raise typed errors, retries back off with jitter, and recovery needs no help."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from stigg_client import RetryPolicy, Stigg, StiggServer
from stigg_client.errors import (
    ApiError,
    AuthenticationError,
    NetworkError,
    NotFoundError,
    StiggError,
    StiggTimeoutError,
    ValidationError,
)
from stigg_client.transport.api import ApiCredentials, StiggApi
from stigg_client.transport.httpx_transport import HttpxTransport
from stigg_client.transport.retry import Backoff
from tests.reliability.conftest import current_usage, gql, provision
from tests.support.emulators import new_emulator
from tests.support.fault_proxy import FaultProxy, Mode
from tests.support.processes import CLIENT_KEY, SERVER_KEY, EmulatorProcess
from tests.support.waiting import eventually

FAULTS: tuple[Mode, ...] = ("refuse", "delay", "error500", "malformed", "truncate")
TIMEOUT_S = 0.6  # short to keep slow faults quick, long enough for a busy machine
FAST_RETRY = RetryPolicy(attempts=3, initial_delay_s=0.05, max_delay_s=0.1)
TYPED = (NetworkError, AuthenticationError, NotFoundError, ValidationError, ApiError)


def proxied_client(
    graphql_proxy: FaultProxy, edge_proxy: FaultProxy, customer: str, **options: Any
) -> Stigg:
    """A client-key SDK for `customer` behind the two fault proxies: short timeout, fast
    retries, no background refresh (unless `options` say otherwise)."""
    settings: dict[str, Any] = {
        "request_timeout_s": TIMEOUT_S,
        "retry": FAST_RETRY,
        "background_refresh": False,
        **options,
    }
    return Stigg.initialize(
        CLIENT_KEY,
        customer_id=customer,
        base_uri=graphql_proxy.url,
        base_edge_uri=edge_proxy.url,
        **settings,
    )


def fast_server(base_uri: str, **options: Any) -> StiggServer:
    """A server-key SDK with short timeouts, fast retries and a 3-call fallback for api calls."""
    return StiggServer(
        api_key=SERVER_KEY,
        base_uri=base_uri,
        request_timeout_s=TIMEOUT_S,
        entitlements_timeout_s=TIMEOUT_S,
        retry=FAST_RETRY,
        entitlements_fallback={"feature-api-calls": {"hasAccess": True, "usageLimit": 3}},
        **options,
    )


def set_both(proxies: tuple[FaultProxy, FaultProxy], mode: Mode) -> None:
    for proxy in proxies:
        proxy.set_mode(mode, delay_s=TIMEOUT_S * 4)


@pytest.fixture
async def customer(emulator: EmulatorProcess) -> str:
    return await asyncio.to_thread(provision, emulator.base_url, "plan-stigg-pro")


@pytest.fixture
async def client(
    graphql_proxy: FaultProxy, edge_proxy: FaultProxy, customer: str
) -> AsyncIterator[Stigg]:
    sdk = proxied_client(
        graphql_proxy,
        edge_proxy,
        customer,
        cache_ttl_s=0.3,
        entitlements_fallback={"feature-fallback-only": {"hasAccess": True}},
    )
    yield sdk
    await sdk.close()


@pytest.mark.parametrize("fault", FAULTS)
async def test_client_checks_answer_from_cache_and_methods_raise_typed_errors(
    client: Stigg, graphql_proxy: FaultProxy, edge_proxy: FaultProxy, fault: Mode
) -> None:
    await client.wait_for_initialization()
    pro_limit = client.get_metered_entitlement("feature-api-calls").usage_limit
    assert pro_limit == 1000
    updates: list[list[str]] = []
    client.add_listener("entitlements_updated", updates.append)

    set_both((graphql_proxy, edge_proxy), fault)
    started = time.monotonic()
    with pytest.raises(NetworkError) as raised:  # refresh() bypasses the edge: GraphQL only
        await client.refresh()
    # 3 attempts, each bounded by the timeout, plus two short backoffs
    assert time.monotonic() - started < 3 * TIMEOUT_S + 0.2 + 2.0
    if fault == "delay":
        assert isinstance(raised.value, StiggTimeoutError)
    methods: list[Callable[[], Awaitable[Any]]] = [
        client.get_customer,
        client.get_active_subscriptions,
        client.get_coupons,
    ]
    if fault != "delay":  # (slow faults: the three above are enough)
        methods += [
            client.get_paywall,
            client.get_customer_portal,
            client.get_active_subscriptions_list,  # edge first, then GraphQL
            lambda: client.estimate_subscription(plan_id="plan-stigg-team", unit_quantity=2),
        ]
    for method in methods:
        with pytest.raises(StiggError) as failure:
            await method()
        assert isinstance(failure.value, TYPED), repr(failure.value)
    # Checks keep answering from the (now stale) cache, never raising, never waiting.
    await asyncio.sleep(0.35)  # past cache_ttl_s: checks start background renewals that fail
    for _ in range(3):
        metered = client.get_metered_entitlement("feature-api-calls", requested_usage=1)
        assert (metered.has_access, metered.usage_limit, metered.is_fallback) == (True, 1000, False)
        boolean = client.get_boolean_entitlement("feature-demo-02")
        assert (boolean.has_access, boolean.is_fallback) == (True, False)
        await asyncio.sleep(0.1)
    entitlements = await client.get_entitlements()
    assert {e.feature.id for e in entitlements if e.feature} >= {"feature-api-calls"}
    assert updates == []

    set_both((graphql_proxy, edge_proxy), "pass")
    await client.refresh()
    assert client.get_metered_entitlement("feature-api-calls").usage_limit == 1000
    await client.get_customer()


@pytest.mark.parametrize("fault", FAULTS)
async def test_connection_state_goes_offline_on_each_fault_and_online_again_by_itself(
    graphql_proxy: FaultProxy, edge_proxy: FaultProxy, customer: str, fault: Mode
) -> None:
    # A long TTL: coming back online must come from the offline retries, not the periodic reload.
    sdk = proxied_client(
        graphql_proxy,
        edge_proxy,
        customer,
        background_refresh=True,
        live_updates=False,
        cache_ttl_s=60.0,
        reconnect=Backoff(initial_delay_s=0.05, max_delay_s=0.3),
    )
    states: list[str] = []
    sdk.add_listener("connection_state_changed", states.append)
    proxies = (graphql_proxy, edge_proxy)
    try:
        await sdk.wait_for_initialization()
        assert (sdk.connection_state, states) == ("online", ["online"])

        set_both(proxies, fault)
        with pytest.raises(NetworkError):
            await sdk.refresh()
        assert (sdk.connection_state, states) == ("offline", ["online", "offline"])
        # While the fault lasts the client keeps retrying by itself, every retry fails, the
        # state stays offline (a 200 with a broken body is no sign of life), and checks answer
        # from the cache.
        for proxy in proxies:
            proxy.clear()
        await eventually(lambda: sum(len(p.requests()) for p in proxies) >= 3)
        for _ in range(3):
            metered = sdk.get_metered_entitlement("feature-api-calls", requested_usage=1)
            assert (metered.has_access, metered.usage_limit, metered.is_fallback) == (
                True,
                1000,
                False,
            )
            assert sdk.get_boolean_entitlement("feature-demo-02").has_access
            await asyncio.sleep(0.1)
        assert (sdk.connection_state, states) == ("offline", ["online", "offline"])

        set_both(proxies, "pass")  # no refresh() from here on
        await eventually(lambda: sdk.connection_state == "online", timeout_s=15)
        assert states == ["online", "offline", "online"]
        back = sdk.get_metered_entitlement("feature-api-calls")
        assert (back.usage_limit, back.is_fallback) == (1000, False)
    finally:
        await sdk.close()


@pytest.mark.parametrize("fault", ["refuse", "error500", "malformed", "truncate"])
async def test_client_starting_during_outage_serves_fallbacks_then_recovers(
    graphql_proxy: FaultProxy, edge_proxy: FaultProxy, customer: str, fault: Mode
) -> None:
    set_both((graphql_proxy, edge_proxy), fault)
    events: list[str] = []
    sdk = proxied_client(
        graphql_proxy,
        edge_proxy,
        customer,
        cache_ttl_s=0.3,
        entitlements_fallback={"feature-api-calls": {"hasAccess": True, "usageLimit": 7}},
    )
    sdk.add_listener("initialize_failed", lambda error: events.append(f"failed:{type(error)}"))
    sdk.add_listener("initialized", lambda: events.append("initialized"))
    try:
        with pytest.raises(NetworkError):
            await sdk.wait_for_initialization()
        assert events == [f"failed:{NetworkError}"]
        fallback = sdk.get_metered_entitlement("feature-api-calls")
        assert (fallback.is_fallback, fallback.usage_limit) == (True, 7)
        unknown = sdk.get_boolean_entitlement("feature-demo-02")
        assert (unknown.is_fallback, unknown.has_access) == (True, False)

        set_both((graphql_proxy, edge_proxy), "pass")

        # Checks alone (no explicit refresh) bring the data in once the outage is over.
        def recovered() -> bool:
            return not sdk.get_metered_entitlement("feature-api-calls").is_fallback

        await eventually(recovered)
        assert sdk.get_metered_entitlement("feature-api-calls").usage_limit == 1000
        await eventually(lambda: "initialized" in events)
        assert events == [f"failed:{NetworkError}", "initialized"]
        await sdk.wait_for_initialization()
    finally:
        await sdk.close()


async def test_retries_back_off_with_jitter_within_bounds(
    graphql_proxy: FaultProxy, edge_proxy: FaultProxy, customer: str
) -> None:
    policy = RetryPolicy(attempts=4, initial_delay_s=0.1, max_delay_s=0.25)
    sdk = proxied_client(graphql_proxy, edge_proxy, customer, retry=policy)
    try:
        await sdk.wait_for_initialization()
        gaps: list[list[float]] = []
        for _ in range(3):
            graphql_proxy.clear()
            graphql_proxy.set_mode("error500")
            with pytest.raises(NetworkError) as raised:
                await sdk.refresh()
            assert raised.value.status == 500
            attempts = graphql_proxy.requests("/graphql")
            assert len(attempts) == policy.attempts  # first try + 3 retries, then give up
            gaps.append([b.at - a.at for a, b in itertools.pairwise(attempts)])
        for run in gaps:
            for index, gap in enumerate(run):
                base = min(policy.max_delay_s, policy.initial_delay_s * 2**index)
                assert base / 2 - 0.01 <= gap <= base + 1.0, (index, gap, run)
        # Jitter: the delays the SDK asks for (recorded, not measured) differ run to run and
        # stay within [d/2, d] of the exponential schedule.
        asked: list[float] = []

        async def record(delay: float) -> None:
            asked.append(delay)

        api = StiggApi(
            HttpxTransport(),
            ApiCredentials(CLIENT_KEY, "JS_CLIENT_SDK"),
            base_uri=graphql_proxy.url,
            edge_uri=None,
            timeout_s=TIMEOUT_S,
            retry=policy,
            sleep=record,
        )
        try:
            for _ in range(5):
                with pytest.raises(NetworkError):
                    await api.graphql("GetSdkConfiguration", "{ __typename }")
        finally:
            await api.transport.aclose()
        assert len(asked) == 5 * (policy.attempts - 1)
        for index, delay in enumerate(asked):
            base = min(policy.max_delay_s, policy.initial_delay_s * 2 ** (index % 3))
            assert base / 2 <= delay <= base
        assert len({round(delay, 6) for delay in asked[::3]}) > 1  # first retries differ
        # 4xx answers are final: one attempt only.
        graphql_proxy.set_mode("pass")
        graphql_proxy.clear()
        with pytest.raises(NotFoundError):
            await sdk.get_subscription("no-such-subscription")
        assert len(graphql_proxy.requests("/graphql")) == 1
    finally:
        await sdk.close()


@pytest.mark.parametrize("fault", ["refuse", "error500", "malformed", "truncate"])
async def test_edge_fault_falls_back_to_graphql(
    client: Stigg, graphql_proxy: FaultProxy, edge_proxy: FaultProxy, fault: Mode
) -> None:
    edge_proxy.set_mode(fault)
    await client.wait_for_initialization()
    assert client.get_metered_entitlement("feature-api-calls").usage_limit == 1000
    assert edge_proxy.requests()  # the edge was tried first
    assert graphql_proxy.requests("/graphql")  # and GraphQL answered


# ---------------------------------------------------------------------- server SDK


@pytest.fixture
async def server_sdk(graphql_proxy: FaultProxy) -> AsyncIterator[StiggServer]:
    sdk = fast_server(graphql_proxy.url, realtime_updates=False)
    yield sdk
    await sdk.close()


@pytest.mark.parametrize("fault", FAULTS)
async def test_server_reads_fall_back_raise_typed_and_recover(
    server_sdk: StiggServer, graphql_proxy: FaultProxy, customer: str, fault: Mode
) -> None:
    await server_sdk.wait_for_initialization()
    live = await server_sdk.get_metered_entitlement(customer, "feature-api-calls")
    assert (live.is_fallback, live.usage_limit) == (False, 1000)

    graphql_proxy.set_mode(fault, delay_s=TIMEOUT_S * 4)
    checks: list[Any] = [
        await server_sdk.get_metered_entitlement(customer, "feature-api-calls"),
        await server_sdk.get_boolean_entitlement(customer, "feature-demo-02"),
        await server_sdk.get_numeric_entitlement(customer, "feature-demo-01"),
    ]
    assert all(check.is_fallback for check in checks)
    assert checks[0].usage_limit == 3
    assert not checks[1].has_access  # no fallback configured: denied, never raised
    reads: list[Callable[[], Any]] = [
        lambda: server_sdk.get_customer(customer),
        lambda: server_sdk.get_active_subscriptions_list(customer),
        lambda: server_sdk.get_paywall(),
        lambda: server_sdk.report_usage(customer, "feature-demo-03", 1),
    ]
    if fault == "delay":  # slow: the customer read and the usage report are enough
        reads = [reads[0], reads[-1]]
    for read in reads:
        with pytest.raises(StiggError) as failure:
            await read()
        assert isinstance(failure.value, NetworkError), repr(failure.value)

    graphql_proxy.set_mode("pass")
    recovered = await server_sdk.get_metered_entitlement(customer, "feature-api-calls")
    assert (recovered.is_fallback, recovered.usage_limit) == (False, 1000)
    customer_read = await server_sdk.get_customer(customer)
    assert customer_read.id == customer
    # The failed report_usage reached the emulator on every attempt when the fault was on the
    # way back (delay: forwarded late; truncate: answer cut): one key per call, counted once.
    await asyncio.sleep(TIMEOUT_S * 4 + 0.3)  # let delayed forwards land
    usage = await server_sdk.get_metered_entitlement(customer, "feature-demo-03")
    assert usage.current_usage == (1 if fault in ("delay", "truncate") else 0)


@pytest.mark.parametrize("fault", ["delay", "truncate"])
async def test_report_event_retried_with_the_same_keys_counts_each_event_once(
    server_sdk: StiggServer,
    graphql_proxy: FaultProxy,
    emulator: EmulatorProcess,
    customer: str,
    fault: Mode,
) -> None:
    """Faults on the way back (slow answer, answer cut): the emulator ingests the batch but the
    SDK never hears so, and retries it with the same idempotency keys."""

    def batch(tag: str, size: int) -> list[dict[str, str]]:
        return [
            {"customer_id": customer, "event_name": "api_call", "idempotency_key": f"{tag}-{n}"}
            for n in range(size)
        ]

    async def ingested() -> float:
        await asyncio.sleep(TIMEOUT_S * 4 + 0.3)  # let forwards delayed by the proxy land
        base = emulator.base_url
        return await asyncio.to_thread(current_usage, base, customer, "feature-api-calls")

    await server_sdk.wait_for_initialization()
    first = batch(f"{customer}-first", 5)
    # Every attempt reaches the emulator, no answer comes back: the SDK's retries (same keys)
    # are all sent, then it gives up.
    graphql_proxy.clear()
    graphql_proxy.set_mode(fault, delay_s=TIMEOUT_S * 4)
    with pytest.raises(NetworkError):
        await server_sdk.report_event(first)
    assert [seen.mode for seen in graphql_proxy.requests("/graphql")] == [fault] * 3
    graphql_proxy.set_mode("pass")
    assert await ingested() == 5  # ingested three times, counted once
    # The application retries the unacknowledged batch: acknowledged now, still counted once.
    assert (await server_sdk.report_event(first)).accepted == 5
    assert await ingested() == 5

    # Only the first attempt meets the fault: the SDK's own retry is acknowledged, and the
    # first attempt (forwarded late, or answered into a cut connection) adds nothing more.
    second = batch(f"{customer}-second", 3)
    graphql_proxy.clear()
    graphql_proxy.set_mode(fault, delay_s=TIMEOUT_S * 4, count=1)
    assert (await server_sdk.report_event(first + second)).accepted == 8
    assert [seen.mode for seen in graphql_proxy.requests("/graphql")] == [fault, "pass"]
    assert await ingested() == 8


async def test_server_sdk_survives_emulator_sigkill_and_reconnects_live_updates(
    tmp_path: Path,
) -> None:
    emulator = new_emulator(tmp_path).start()
    try:
        customer = await asyncio.to_thread(provision, emulator.base_url)
        sdk = fast_server(
            emulator.base_url, reconnect_backoff=Backoff(initial_delay_s=0.1, max_delay_s=0.3)
        )
        async with sdk:
            assert await sdk.wait_for_realtime(10)
            live = await sdk.get_metered_entitlement(customer, "feature-api-calls")
            assert (live.is_fallback, live.usage_limit) == (False, 1000)

            await asyncio.to_thread(emulator.stop, kill=True)
            await eventually(lambda: not sdk.realtime_connected)
            down = await sdk.get_metered_entitlement(customer, "feature-api-calls")
            assert (down.is_fallback, down.usage_limit) == (True, 3)
            with pytest.raises(NetworkError):
                await sdk.get_customer(customer)

            await asyncio.to_thread(emulator.start)  # same ports, same database
            await eventually(lambda: sdk.realtime_connected, timeout_s=15)
            back = await sdk.get_metered_entitlement(customer, "feature-api-calls")
            assert (back.is_fallback, back.usage_limit) == (False, 1000)
            # Live updates flow again: a usage report elsewhere reaches this SDK's listener.
            seen: list[Any] = []
            sdk.add_listener("usage_updated", seen.append)
            await asyncio.to_thread(
                gql,
                emulator.base_url,
                "mutation R($i: ReportUsageInput!) { reportUsage(input: $i) { id } }",
                {"i": {"customerId": customer, "featureId": "feature-demo-03", "value": 2}},
            )
            await eventually(lambda: bool(seen), timeout_s=10)
            assert seen[-1].usage.current_usage == 2
    finally:
        emulator.stop()
