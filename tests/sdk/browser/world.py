"""The customers a scenario run needs, created with the server key before the run starts."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.sdk.backend import new_customer, provision_subscription, report_usage
from tests.support.processes import EmulatorProcess

RESOURCE_ID = "ws-browser-1"


def prepare_world(emulator: EmulatorProcess, transport: str) -> dict[str, Any]:
    """Fresh customers for one run of `scenarios.run_scenarios` (see its docstring)."""
    customer_id = new_customer(emulator)
    report_usage(emulator, customer_id, "feature-demo-03", 1)
    provision_subscription(emulator, customer_id, "plan-workspace-free", resourceId=RESOURCE_ID)
    other_customer_id = new_customer(emulator)
    # The Team plan starts with a 14-day trial: active at once without a payment.
    provision_subscription(
        emulator,
        other_customer_id,
        "plan-stigg-team",
        billingPeriod="MONTHLY",
        billableFeatures=[{"featureId": "feature-seats", "quantity": 3}],
    )
    return {
        "api_key": emulator.client_key,
        "base_uri": emulator.base_url,
        "edge_uri": emulator.edge_url,
        "transport": transport,
        "customer_id": customer_id,
        "other_customer_id": other_customer_id,
        "refresh_customer_id": new_customer(emulator),
        "live_customer_id": new_customer(emulator),
        "resource_id": RESOURCE_ID,
    }


class EmulatorBackend:
    """`scenarios.Backend` for CPython and the test server: the server key over real HTTP."""

    def __init__(self, emulator: EmulatorProcess) -> None:
        self.emulator = emulator

    async def report_usage(self, customer_id: str, feature_id: str, value: float) -> None:
        await asyncio.to_thread(report_usage, self.emulator, customer_id, feature_id, value)
