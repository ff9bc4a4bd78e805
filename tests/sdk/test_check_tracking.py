"""`should_track`: the client reports checks with `ReportEntitlementCheckRequested`, and the
emulator stores and counts them (`GET /emulator/entitlement-checks`)."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from tests.sdk.backend import new_customer
from tests.sdk.test_client_settings_parity import make_client
from tests.support.processes import EmulatorProcess


def reported(emulator: EmulatorProcess, customer_id: str) -> dict[str, Any]:
    response = httpx.get(
        f"{emulator.base_url}/emulator/entitlement-checks",
        params={"customerId": customer_id},
        headers={"X-API-KEY": emulator.server_key},
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def wait_for_reports(emulator: EmulatorProcess, customer_id: str, total: int) -> Any:
    for _ in range(100):
        body = reported(emulator, customer_id)
        if body["total"] >= total:
            return body
        await asyncio.sleep(0.05)
    raise AssertionError(f"only {body['total']} of {total} checks reported")


async def test_tracked_checks_are_stored_and_counted(emulator: EmulatorProcess) -> None:
    customer_id = new_customer(emulator, "plan-stigg-pro")
    client = make_client(emulator, customer_id=customer_id)
    try:
        await client.wait_for_initialization()
        client.get_boolean_entitlement("feature-demo-02")  # not tracked
        client.get_boolean_entitlement("feature-demo-02", should_track=True)
        client.get_metered_entitlement(
            "feature-demo-03", {"requestedUsage": 60, "shouldTrack": True}
        )
        client.get_metered_entitlement("feature-demo-03", requested_usage=1, should_track=True)
        client.get_enum_entitlement(
            "feature-export-formats", requested_values=["xlsx"], should_track=True
        )
        client.get_entitlement(
            "feature-export-formats", requested_values=["csv"], should_track=True
        )
        body = await wait_for_reports(emulator, customer_id, 5)
    finally:
        await client.close()
    assert body["total"] == 5
    assert body["byFeature"] == {
        "feature-demo-02": {"count": 1, "granted": 1, "denied": 0},
        "feature-demo-03": {"count": 2, "granted": 1, "denied": 1},
        "feature-export-formats": {"count": 2, "granted": 1, "denied": 1},
    }
    by_usage = {c["requestedUsage"]: c["result"] for c in body["checks"] if c["requestedUsage"]}
    assert by_usage[60]["accessDeniedReason"] == "RequestedUsageExceedingLimit"
    assert by_usage[60]["usageLimit"] == 50 and by_usage[60]["currentUsage"] == 0
    # Reports travel concurrently, so they are matched by content, not by order.
    enum_results = {
        tuple(c["result"]["requestedValues"]): c["result"]
        for c in body["checks"]
        if c["featureId"] == "feature-export-formats"
    }
    assert enum_results[("xlsx",)]["enumValues"] == ["csv", "pdf"]
    assert enum_results[("xlsx",)]["accessDeniedReason"] == "RequestedValuesMismatch"
    assert enum_results[("csv",)]["hasAccess"] is True


def test_the_count_needs_a_server_key_and_a_known_customer(emulator: EmulatorProcess) -> None:
    url = f"{emulator.base_url}/emulator/entitlement-checks"
    client_key = httpx.get(
        url, params={"customerId": "customer-demo-01"}, headers={"X-API-KEY": emulator.client_key}
    )
    assert client_key.status_code == 401
    unknown = httpx.get(
        url, params={"customerId": "nobody-here"}, headers={"X-API-KEY": emulator.server_key}
    )
    assert unknown.status_code == 404
