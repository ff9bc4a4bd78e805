"""Listener events `api_key_invalid`, `network_request_failed` and `entitlements_updated`:
Stigg's Node server SDK 3.95.0 (js/node_listener_events.mjs) and our StiggServer emit them in
the same situations, with the same payloads (docs/protocol.md §6.3)."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
from typing import Any

import pytest

from stigg_client import StiggServer
from stigg_client.errors import StiggError
from stigg_client.server import EntitlementsUpdatedEvent, NetworkRequestFailedEvent
from stigg_client.transport.retry import RetryPolicy
from tests.interop.scenarios import ScenarioRun, dead_uri, emulator_params, run_script
from tests.support.processes import EmulatorProcess

# Moments differ between the two customers: compare whether each is set, not its value.
MOMENTS = {
    "entitlementUpdatedAt",
    "usageUpdatedAt",
    "usagePeriodAnchor",
    "usagePeriodStart",
    "usagePeriodEnd",
    "nextResetDate",
    "validUntil",
}
EVENT_TIMEOUT_S = 10.0


@pytest.fixture(scope="module")
def run(emulator: EmulatorProcess, interop_workdir: Path, run_prefix: str) -> ScenarioRun:
    params = {**emulator_params(emulator, run_prefix), "deadUri": dead_uri()}
    return run_script("node_listener_events.mjs", params, interop_workdir)


def listened(server: StiggServer, seen: dict[str, list[Any]], phase: list[str]) -> StiggServer:
    """`server` with listeners that note events like the node script: `<phase>.<event>`."""
    server.add_listener(
        "api_key_invalid", lambda: seen.setdefault(f"{phase[0]}.apiKeyInvalid", []).append("called")
    )
    server.add_listener(
        "network_request_failed",
        lambda event: seen.setdefault(f"{phase[0]}.networkRequestFailed", []).append(event),
    )
    return server


def theirs(run: ScenarioRun, label: str) -> dict[str, list[Any]]:
    prefix = f"{label}."
    return {k.removeprefix(prefix): v for k, v in run.events.items() if k.startswith(prefix)}


async def test_a_rejected_key_calls_api_key_invalid_in_both(
    run: ScenarioRun, emulator: EmulatorProcess, run_prefix: str
) -> None:
    assert "Authentication failed" in run.error("rejected.waitForInitialization")
    node = theirs(run, "rejected")
    assert node["init.apiKeyInvalid"] == ["called"]
    assert "init.networkRequestFailed" not in node

    seen: dict[str, list[Any]] = {}
    phase = ["init"]
    server = listened(
        StiggServer(api_key="server-not-a-key", base_uri=emulator.base_url, realtime_updates=False),
        seen,
        phase,
    )
    with contextlib.suppress(StiggError):
        await server.wait_for_initialization()
    assert seen == {"init.apiKeyInvalid": ["called"]}
    # Later calls with the rejected key: node 3.95.0 reports them as failed requests, because
    # its GraphQL client hides the 401 status; ours keeps saying the key is invalid.
    assert [n["errorMessage"] for n in node["call.networkRequestFailed"]] == ["Invalid API key"]
    phase[0] = "call"
    with pytest.raises(StiggError):
        await server.unarchive_customer(f"{run_prefix}-py-any")
    assert seen["call.apiKeyInvalid"] == ["called"]
    await server.close()


async def test_an_api_error_calls_network_request_failed_in_both(
    run: ScenarioRun, server: StiggServer, run_prefix: str
) -> None:
    node = theirs(run, "valid")
    assert set(node) == {"call.networkRequestFailed"}
    [their_event] = node["call.networkRequestFailed"]

    seen: dict[str, list[Any]] = {}
    listened(server, seen, ["call"])
    with pytest.raises(StiggError):
        await server.unarchive_customer(f"{run_prefix}-node-never")
    [our_event] = seen["call.networkRequestFailed"]
    assert isinstance(our_event, NetworkRequestFailedEvent)
    assert our_event.operation == "UnarchiveCustomer"
    wire = our_event.model_dump(mode="json", by_alias=True)
    assert {key: wire[key] for key in their_event} == their_event
    assert their_event["errorCode"] == "CustomerNotFound"


async def test_an_unreachable_server_calls_network_request_failed_in_both(
    run: ScenarioRun, run_prefix: str
) -> None:
    [their_event] = theirs(run, "unreachable")["call.networkRequestFailed"]
    assert "ECONNREFUSED" in their_event["errorMessage"]

    seen: dict[str, list[Any]] = {}
    server = listened(
        StiggServer(
            api_key="server-key",
            base_uri=dead_uri(),
            realtime_updates=False,
            retry=RetryPolicy(attempts=2, initial_delay_s=0.01),
        ),
        seen,
        ["call"],
    )
    with pytest.raises(StiggError):
        await server.unarchive_customer(f"{run_prefix}-py-any")
    await server.close()
    [our_event] = seen["call.networkRequestFailed"]  # once per call, after its retries
    assert our_event.error_code is their_event["errorCode"] is None
    assert our_event.error_message


def comparable(entitlements: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Entitlements by feature, without `__typename`, customer ids and moment values."""

    def clean(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items() if k != "__typename"}
        return value

    result = {}
    for item in entitlements:
        entry = clean(item)
        entry.pop("customerId")
        for key in MOMENTS:
            entry[key] = entry.get(key) is not None
        result[entry["feature"]["refId"]] = entry
    return result


async def test_entitlements_updated_payload_matches_the_node_sdk(
    run: ScenarioRun, emulator: EmulatorProcess, run_prefix: str
) -> None:
    pushed = run.value("entitlementsUpdated")
    assert pushed["customerId"].endswith("-node-pushed")
    customer_id = f"{run_prefix}-py-pushed"
    server = StiggServer(api_key=emulator.server_key, base_uri=emulator.base_url)
    await server.wait_for_initialization()
    assert await server.wait_for_realtime(EVENT_TIMEOUT_S)
    received: asyncio.Queue[EntitlementsUpdatedEvent] = asyncio.Queue()
    server.add_listener("entitlements_updated", received.put_nowait)
    await server.provision_customer(
        customer_id,
        billing_info={"payment_method_id": "pm_card_visa"},
        subscription_params={"plan_id": "plan-stigg-starter"},
    )
    await server.provision_subscription(customer_id, "plan-stigg-pro", billing_period="MONTHLY")
    while True:
        event = await asyncio.wait_for(received.get(), EVENT_TIMEOUT_S)
        features = {e.feature.ref_id for e in event.entitlements if e.feature}
        if event.customer_id == customer_id and "feature-export-formats" in features:
            break
    await server.close()

    ours = event.model_dump(mode="json", by_alias=True)
    assert ours["resourceId"] is pushed["resourceId"] is None
    assert comparable(ours["entitlements"]) == comparable(pushed["entitlements"])
    assert comparable(ours["entitlements"])["feature-export-formats"]["enumValues"] == [
        "csv",
        "pdf",
    ]
