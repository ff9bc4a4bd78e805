"""graphql-transport-ws subscriptions and the per-customer Server-Sent-Events stream."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import httpx
import pytest
import websockets

from stigg_emulator.realtime.hub import Event, Listening
from tests.emulator.helpers import server
from tests.support.graphql_ws import until_pong
from tests.support.processes import CLIENT_KEY, SERVER_KEY, EmulatorProcess

PROTOCOL = "graphql-transport-ws"


async def _recv(ws: Any, timeout: float = 5.0) -> dict[str, Any]:
    return json.loads(await asyncio.wait_for(ws.recv(), timeout))  # type: ignore[no-any-return]


async def _connect(emulator: EmulatorProcess, key: str) -> Any:
    url = emulator.base_url.replace("http://", "ws://") + "/graphql"
    ws = await websockets.connect(url, subprotocols=[PROTOCOL])
    await ws.send(
        json.dumps({"type": "connection_init", "payload": {"headers": {"X-API-KEY": key}}})
    )
    return ws


def _provision(emulator: EmulatorProcess, ref: str, plan: str | None = None) -> None:
    data: dict[str, Any] = {"refId": ref, "billingInformation": {"paymentMethodId": "pm_1"}}
    if plan:
        data["subscriptionParams"] = {"planId": plan}
    server(emulator).data(
        "mutation P($input: ProvisionCustomerInput!) { provisionCustomer(input: $input) "
        "{ customer { customerId } } }",
        {"input": data},
    )


async def test_ws_pushes_entitlements_and_usage(emulator: EmulatorProcess) -> None:
    ref = f"rt-{uuid.uuid4().hex[:8]}"
    await asyncio.to_thread(_provision, emulator, ref, "plan-stigg-starter")
    ws = await _connect(emulator, SERVER_KEY)
    try:
        assert await _recv(ws) == {"type": "connection_ack"}
        await ws.send(json.dumps({"type": "ping"}))
        assert await _recv(ws) == {"type": "pong"}
        documents = {
            "e1": "subscription OnEntitlementsUpdated { entitlementsUpdated { "
            "__typename customerId "
            "resourceId entitlements { usageLimit feature { refId } } } }",
            "e2": "subscription { entitlementsUpdatedV2 { customerId entitlements { __typename "
            "... on FeatureEntitlement { usageLimit feature { refId } } } } }",
            "u1": "subscription { usageUpdated { usage { customerId featureId currentUsage "
            "usagePeriodEnd } entitlement { usageLimit currentUsage } } }",
            "u2": "subscription { usageUpdatedV2 { customerId entitlementReference { id type } "
            "usage { currentUsage usageUpdatedAt } } }",
            "c": "subscription { creditBalanceUpdated { customerId } }",
        }
        for op_id, query in documents.items():
            await ws.send(
                json.dumps(
                    {"type": "subscribe", "id": op_id, "payload": {"query": query, "variables": {}}}
                )
            )
        # The emulator subscribes before it reads the next frame: at the pong, all five listen.
        assert await until_pong(ws) == []
        await asyncio.to_thread(
            server(emulator).data,
            "mutation P($input: ProvisionSubscriptionInput!) "
            "{ provisionSubscriptionV2(input: $input) { status } }",
            {"input": {"customerId": ref, "planId": "plan-stigg-pro"}},
        )
        await asyncio.to_thread(
            server(emulator).data,
            "mutation R($input: ReportUsageInput!) { reportUsage(input: $input) { currentUsage } }",
            {"input": {"customerId": ref, "featureId": "feature-demo-03", "value": 4}},
        )
        seen: dict[str, dict[str, Any]] = {}
        while not {"e1", "e2", "u1", "u2"} <= set(seen):
            message = await _recv(ws)
            assert message["type"] == "next", message
            data = message["payload"]["data"]
            field = next(iter(data))
            if data[field].get("customerId", data[field].get("usage", {}).get("customerId")) == ref:
                seen.setdefault(message["id"], data[field])
        limits = {e["feature"]["refId"]: e["usageLimit"] for e in seen["e1"]["entitlements"]}
        assert seen["e1"]["__typename"] == "EntitlementsUpdated"
        assert limits["feature-demo-03"] == 50
        assert {e["__typename"] for e in seen["e2"]["entitlements"]} == {"FeatureEntitlement"}
        assert seen["u1"]["usage"] == {
            **seen["u1"]["usage"],
            "featureId": "feature-demo-03",
            "currentUsage": 4,
        }
        assert isinstance(seen["u1"]["usage"]["usagePeriodEnd"], float)
        assert seen["u1"]["entitlement"] == {"usageLimit": 50, "currentUsage": 4}
        assert seen["u2"]["entitlementReference"] == {"id": "feature-demo-03", "type": "FEATURE"}
        await ws.send(json.dumps({"type": "complete", "id": "u1"}))
    finally:
        await ws.close()


@pytest.mark.parametrize("key", ["wrong-key", CLIENT_KEY])
async def test_ws_rejects_bad_keys_with_terminal_close(emulator: EmulatorProcess, key: str) -> None:
    ws = await _connect(emulator, key)
    with pytest.raises(websockets.ConnectionClosed) as closed:
        await _recv(ws)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4401
    assert closed.value.rcvd.reason == "Invalid API key"


def test_sse_streams_changes_of_one_customer(emulator: EmulatorProcess) -> None:
    ref = f"sse-{uuid.uuid4().hex[:8]}"
    _provision(emulator, ref, "plan-stigg-pro")
    url = f"{emulator.base_url}/v1/c/{ref}/events"
    assert httpx.get(url, params={"apiKey": "nope"}).status_code == 401
    events: list[tuple[str, dict[str, Any]]] = []
    with httpx.stream(
        "GET",
        url,
        params={"apiKey": CLIENT_KEY},
        headers={"Origin": "http://localhost:8000"},
        timeout=10,
    ) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        assert response.headers["access-control-allow-origin"] == "*"
        lines = response.iter_lines()
        kind = ""
        for line in lines:
            if line.startswith("event: ready"):
                server(emulator).data(
                    "mutation R($input: ReportUsageInput!) { reportUsage(input: $input) "
                    "{ currentUsage } }",
                    {"input": {"customerId": ref, "featureId": "feature-demo-03", "value": 2}},
                )
            elif line.startswith("event: "):
                kind = line.removeprefix("event: ")
            elif line.startswith("data: ") and kind in ("usageUpdated", "usageUpdatedV2"):
                events.append((kind, json.loads(line.removeprefix("data: "))))
                if len(events) == 2:
                    break
    usage = dict(events)["usageUpdated"]["usage"]
    assert (usage["customerId"], usage["featureId"], usage["currentUsage"]) == (
        ref,
        "feature-demo-03",
        2,
    )


async def test_customer_level_change_reaches_resource_scopes(emulator: EmulatorProcess) -> None:
    ref = f"rs-{uuid.uuid4().hex[:8]}"
    await asyncio.to_thread(_provision, emulator, ref)
    await asyncio.to_thread(
        server(emulator).data,
        "mutation P($input: ProvisionSubscriptionInput!) "
        "{ provisionSubscriptionV2(input: $input) { status } }",
        {"input": {"customerId": ref, "planId": "plan-workspace-free", "resourceId": "ws-9"}},
    )
    ws = await _connect(emulator, SERVER_KEY)
    try:
        assert await _recv(ws) == {"type": "connection_ack"}
        query = (
            "subscription { entitlementsUpdated { customerId resourceId "
            "entitlements { feature { refId } } } }"
        )
        await ws.send(
            json.dumps(
                {"type": "subscribe", "id": "e", "payload": {"query": query, "variables": {}}}
            )
        )
        await asyncio.sleep(0.3)
        await asyncio.to_thread(
            server(emulator).data,
            "mutation G($input: GrantPromotionalEntitlementsInput!) "
            "{ grantPromotionalEntitlements(input: $input) { id } }",
            {
                "input": {
                    "customerId": ref,
                    "promotionalEntitlements": [
                        {"featureId": "feature-demo-02", "period": "LIFETIME"}
                    ],
                }
            },
        )
        scopes: dict[str | None, set[str]] = {}
        while set(scopes) != {None, "ws-9"}:
            payload = (await _recv(ws))["payload"]["data"]["entitlementsUpdated"]
            if payload["customerId"] == ref:
                scopes[payload["resourceId"]] = {
                    e["feature"]["refId"] for e in payload["entitlements"]
                }
        assert scopes[None] == {"feature-demo-02"}
        assert scopes["ws-9"] == {"feature-demo-02", "feature-projects"}
    finally:
        await ws.close()


async def test_a_stream_listens_from_the_moment_it_is_made() -> None:
    """An event published after `stream()` and before the first read is delivered; one of
    another customer is not; after `aclose()` nothing is queued for it any more."""
    queues: set[asyncio.Queue[Event]] = set()
    listening = Listening(queues, ("entitlementsUpdated",), "customer-a")
    for queue in list(queues):
        queue.put_nowait(Event("entitlementsUpdated", "customer-b", {"n": 1}))
        queue.put_nowait(Event("usageUpdated", "customer-a", {"n": 2}))
        queue.put_nowait(Event("entitlementsUpdated", "customer-a", {"n": 3}))
    event = await asyncio.wait_for(listening.__anext__(), 1)
    assert event.payload == {"n": 3}
    await listening.aclose()
    assert queues == set()
