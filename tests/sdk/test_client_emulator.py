"""The client-key SDK against a real emulator process: initialization, checks, context, refresh."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from stigg_client import AuthenticationError, ManualVisibility, NetworkError, RetryPolicy, Stigg
from tests.sdk.backend import new_customer, provision_subscription, report_usage
from tests.sdk.transports import RecordingTransport
from tests.support.processes import EmulatorProcess

FAST_RETRY = RetryPolicy(attempts=3, initial_delay_s=0.01, max_delay_s=0.05)


def make_client(emulator: EmulatorProcess, **options: Any) -> Stigg:
    options.setdefault("retry", FAST_RETRY)
    options.setdefault("api_key", emulator.client_key)
    return Stigg.initialize(base_uri=emulator.base_url, base_edge_uri=emulator.edge_url, **options)


@pytest.fixture
async def transport() -> AsyncIterator[RecordingTransport]:
    recording = RecordingTransport()
    yield recording
    await recording.aclose()


async def test_seed_customer_checks_match_the_seed_documents(emulator: EmulatorProcess) -> None:
    client = make_client(emulator, customer_id="customer-demo-01")
    try:
        await client.wait_for_initialization()
        numeric = client.get_numeric_entitlement(feature_id="feature-demo-01")
        boolean = client.get_boolean_entitlement(feature_id="feature-demo-02")
        metered = client.get_metered_entitlement(feature_id="feature-demo-03")
        assert boolean.model_dump(by_alias=True, exclude_none=True) == {
            "isFallback": False,
            "hasAccess": True,
            "feature": {
                "id": "feature-demo-02",
                "featureType": "BOOLEAN",
                "meterType": "None",
                "displayName": "Feature #2",
                "description": "",
                "isMetered": False,
            },
        }
        assert (numeric.has_access, numeric.is_unlimited, numeric.value) == (True, False, 100)
        assert numeric.feature is not None and numeric.feature.units == "request"
        assert (metered.has_access, metered.usage_limit, metered.current_usage) == (True, 2, 0)
        assert metered.feature is not None and metered.feature.is_metered is True
        assert metered.usage_period_end is not None and metered.reset_period == "MONTH"
        too_much = client.get_metered_entitlement("feature-demo-03", {"requestedUsage": 3})
        assert (too_much.has_access, too_much.access_denied_reason) == (
            False,
            "RequestedUsageExceedingLimit",
        )
        unknown = client.get_boolean_entitlement("feature-does-not-exist")
        assert (unknown.is_fallback, unknown.access_denied_reason) == (
            False,
            "NoFeatureEntitlementInSubscription",
        )
        listed = {e.feature.id: e for e in await client.get_entitlements() if e.feature}
        assert {"feature-demo-01", "feature-demo-02", "feature-demo-03"} <= set(listed)
    finally:
        await client.close()


async def test_checks_before_loading_return_the_fallback_without_blocking(
    emulator: EmulatorProcess,
) -> None:
    client = make_client(
        emulator,
        customer_id="customer-demo-01",
        entitlements_fallback={"feature-demo-02": {"hasAccess": True}},
    )
    try:
        early = client.get_boolean_entitlement("feature-demo-02")
        assert (early.is_fallback, early.has_access, early.access_denied_reason) == (
            True,
            True,
            "Unknown",
        )
        await client.wait_for_initialization()
        assert client.get_boolean_entitlement("feature-demo-02").is_fallback is False
    finally:
        await client.close()


async def test_bad_key_fails_initialization_with_a_typed_error(
    emulator: EmulatorProcess, transport: RecordingTransport
) -> None:
    failures: list[BaseException] = []
    client = make_client(
        emulator, api_key="wrong-key", customer_id="customer-demo-01", transport=transport
    )
    client.add_listener("initialize_failed", failures.append)
    try:
        with pytest.raises(AuthenticationError, match="Double check your SDK key"):
            await client.wait_for_initialization()
        assert len(failures) == 1 and isinstance(failures[0], AuthenticationError)
        assert client.initialization_state == "FAILED"
        assert len(transport.requests) == 1  # a 401 is never retried
        assert client.get_boolean_entitlement("feature-demo-02").is_fallback is True
    finally:
        await client.close()


async def test_headers_carry_key_source_operation_and_customer_token(
    emulator: EmulatorProcess, transport: RecordingTransport
) -> None:
    client = make_client(
        emulator, customer_id="customer-demo-01", transport=transport, customer_token="token-123"
    )
    try:
        await client.wait_for_initialization()
        await client.refresh()
        edge = [h for m, url, h in transport.requests if url.startswith(emulator.edge_url)]
        graphql = [h for m, url, h in transport.requests if url.endswith("/graphql")]
        assert edge and graphql
        for headers in edge + graphql:
            assert headers["X-API-KEY"] == emulator.client_key
            assert headers["source"] == "JS_CLIENT_SDK"
            assert headers["X-CUSTOMER-KEY"] == "token-123"
        assert all(h["X-API-VERSION"] == "1" for h in edge)
        assert graphql[-1]["x-graphql-operation-name"] == "GetEntitlements"
    finally:
        await client.close()


async def test_network_errors_are_retried(
    emulator: EmulatorProcess, transport: RecordingTransport
) -> None:
    transport.fail_next = 2
    client = make_client(emulator, customer_id="customer-demo-01", transport=transport)
    try:
        await client.wait_for_initialization()
        assert transport.requests[0][1] == transport.requests[2][1]
    finally:
        await client.close()


async def test_graphql_only_when_the_edge_is_disabled(
    emulator: EmulatorProcess, transport: RecordingTransport
) -> None:
    client = Stigg.initialize(
        api_key=emulator.client_key,
        base_uri=emulator.base_url,
        enable_edge=False,
        customer_id="customer-demo-01",
        transport=transport,
    )
    try:
        await client.wait_for_initialization()
        assert client.get_boolean_entitlement("feature-demo-02").has_access
        assert transport.requests and all(
            url.endswith("/graphql") for _, url, _ in transport.requests
        )
    finally:
        await client.close()


async def test_refresh_picks_up_usage_and_reports_changed_features(
    emulator: EmulatorProcess,
) -> None:
    customer_id = new_customer(emulator)
    client = make_client(emulator, customer_id=customer_id)
    updates: list[list[str]] = []
    try:
        await client.wait_for_initialization()
        client.add_listener("entitlements_updated", updates.append)
        assert client.get_metered_entitlement("feature-demo-03", requested_usage=2).has_access
        report_usage(emulator, customer_id, "feature-demo-03", 2)
        await client.refresh()
        after = client.get_metered_entitlement("feature-demo-03", requested_usage=1)
        assert (after.current_usage, after.has_access) == (2, False)
        assert client.get_metered_entitlement("feature-demo-03").has_access  # 2 + 0 <= 2
        assert updates == [["feature-demo-03"]]
    finally:
        await client.close()


async def test_switching_customers_never_mixes_their_data(
    emulator: EmulatorProcess, transport: RecordingTransport
) -> None:
    first = new_customer(emulator)
    second = new_customer(emulator)
    report_usage(emulator, first, "feature-demo-03", 2)
    # Slow down everything about the first customer so its answer arrives after the switch.
    transport.delay_s = lambda method, url, body: 0.5 if first in (url + str(body)) else 0.0
    client = make_client(emulator, customer_id=first, transport=transport)
    try:
        await asyncio.sleep(0.05)
        await client.set_customer_id(second)
        assert client.customer_id == second
        await asyncio.sleep(0.7)  # the first customer's late answer has arrived by now
        metered = client.get_metered_entitlement("feature-demo-03")
        assert (metered.is_fallback, metered.current_usage) == (False, 0)
        assert transport.count(f"/v1/c/{first}/entitlements.json") == 1
        await client.set_customer_id(first)
        assert client.get_metered_entitlement("feature-demo-03").current_usage == 2
        client.clear_customer()
        assert client.get_metered_entitlement("feature-demo-03").is_fallback is True
    finally:
        await client.close()


async def test_background_refresh_pauses_while_hidden_and_runs_when_visible(
    emulator: EmulatorProcess, transport: RecordingTransport
) -> None:
    visibility = ManualVisibility(True)
    client = make_client(
        emulator,
        customer_id="customer-demo-01",
        transport=transport,
        cache_ttl_s=0.3,
        visibility=visibility,
    )
    path = "/v1/c/customer-demo-01/entitlements.json"
    try:
        await client.wait_for_initialization()
        await asyncio.sleep(0.75)
        assert transport.count(path) >= 3  # initial load + periodic refreshes
        visibility.set_visible(False)
        await asyncio.sleep(0.05)
        hidden_count = transport.count(path)
        await asyncio.sleep(1.0)
        assert transport.count(path) == hidden_count
        visibility.set_visible(True)
        await asyncio.sleep(0.1)
        assert transport.count(path) == hidden_count + 1  # at once, not after the TTL
    finally:
        await client.close()


async def test_a_stale_cache_is_served_and_renewed_in_the_background(
    emulator: EmulatorProcess, transport: RecordingTransport
) -> None:
    customer_id = new_customer(emulator)
    client = make_client(
        emulator,
        customer_id=customer_id,
        transport=transport,
        cache_ttl_s=0.2,
        background_refresh=False,
        live_updates=False,  # only the stale-while-revalidate renewal may bring the change
    )
    try:
        await client.wait_for_initialization()
        report_usage(emulator, customer_id, "feature-demo-03", 1)
        await asyncio.sleep(0.3)
        stale = client.get_metered_entitlement("feature-demo-03")
        assert stale.current_usage == 0  # served from cache at once
        await asyncio.sleep(0.3)
        assert client.get_metered_entitlement("feature-demo-03").current_usage == 1
    finally:
        await client.close()


async def test_initialize_without_a_running_loop_starts_on_wait(emulator: EmulatorProcess) -> None:
    def create() -> Stigg:
        return make_client(emulator, customer_id="customer-demo-01")

    client = await asyncio.to_thread(create)  # no event loop in that thread
    try:
        assert client.initialization_state == "IN_PROGRESS"
        await client.wait_for_initialization()
        assert client.get_boolean_entitlement("feature-demo-02").has_access
    finally:
        await client.close()


async def test_resource_context_reads_the_resource_entitlements(emulator: EmulatorProcess) -> None:
    customer_id = new_customer(emulator)
    provision_subscription(emulator, customer_id, "plan-workspace-free", resourceId="ws-1")
    client = make_client(emulator, customer_id=customer_id, background_refresh=False)
    try:
        await client.wait_for_initialization()
        global_projects = client.get_metered_entitlement("feature-projects")
        assert global_projects.access_denied_reason == "NoFeatureEntitlementInSubscription"
        await client.set_resource("ws-1")
        projects = client.get_metered_entitlement("feature-projects", requested_usage=3)
        assert (projects.is_fallback, projects.has_access, projects.usage_limit) == (False, True, 3)
        slim = await client.get_active_subscriptions_list(resource_id="ws-1")
        assert [s.plan.plan_id for s in slim if s.plan] == ["plan-workspace-free"]
        client.clear_resource()
        assert client.resource_id is None
        again = client.get_metered_entitlement("feature-projects")
        assert again.access_denied_reason == "NoFeatureEntitlementInSubscription"
    finally:
        await client.close()


async def test_initialization_recovers_when_a_later_refresh_succeeds(
    emulator: EmulatorProcess, transport: RecordingTransport
) -> None:
    outage = {"on": True}

    def entitlements_down(method: str, url: str, body: Any) -> bool:
        asks = "entitlements.json" in url or (body or {}).get("operationName") == "GetEntitlements"
        return outage["on"] and asks

    transport.fail_when = entitlements_down
    client = make_client(
        emulator, customer_id="customer-demo-01", transport=transport, cache_ttl_s=0.3
    )
    initialized: list[bool] = []
    client.add_listener("initialized", lambda: initialized.append(True))
    try:
        with pytest.raises(NetworkError, match="injected"):
            await client.wait_for_initialization()
        assert client.initialization_state == "FAILED"
        outage["on"] = False
        await asyncio.sleep(1.0)  # the background refresh runs every 0.3 s
        assert client.initialization_state == "READY"
        await client.wait_for_initialization()
        assert initialized == [True]
        assert client.get_boolean_entitlement("feature-demo-02").has_access
    finally:
        await client.close()
