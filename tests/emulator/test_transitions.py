"""Time-based transitions applied by the emulator's scheduler (real time, a few seconds)."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.emulator.helpers import Api, server
from tests.support.processes import EmulatorProcess

ACTIVE = """query A($input: GetActiveSubscriptionsInput!) {
  getActiveSubscriptions(input: $input) { subscriptionId status plan { refId } } }"""


def _soon(seconds: float) -> str:
    moment = datetime.now(UTC) + timedelta(seconds=seconds)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _wait_for(api: Api, ref: str, plans: list[str], timeout: float = 8.0) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while True:
        active = api.data(ACTIVE, {"input": {"customerId": ref}})["getActiveSubscriptions"]
        if sorted(s["plan"]["refId"] for s in active) == plans or time.monotonic() > deadline:
            return active  # type: ignore[no-any-return]
        time.sleep(0.2)


def _customer(api: Api) -> str:
    ref = f"tr-{uuid.uuid4().hex[:8]}"
    api.data(
        "mutation P($input: ProvisionCustomerInput!) { provisionCustomer(input: $input) "
        "{ customer { customerId } } }",
        {"input": {"refId": ref, "billingInformation": {"paymentMethodId": "pm_1"}}},
    )
    return ref


def _provision(api: Api, **fields: Any) -> dict[str, Any]:
    result: dict[str, Any] = api.data(
        "mutation P($input: ProvisionSubscriptionInput!) { provisionSubscriptionV2(input: $input) "
        "{ status subscription { subscriptionId status } } }",
        {"input": fields},
    )["provisionSubscriptionV2"]
    return result


def test_cancellation_date_ends_subscription_and_downgrades(emulator: EmulatorProcess) -> None:
    api = server(emulator)
    ref = _customer(api)
    sub = _provision(api, customerId=ref, planId="plan-stigg-pro")["subscription"]
    api.data(
        "mutation C($input: SubscriptionCancellationInput!) { cancelSubscription(input: $input)"
        " { status } }",
        {
            "input": {
                "subscriptionRefId": sub["subscriptionId"],
                "subscriptionCancellationTime": "SPECIFIC_DATE",
                "endDate": _soon(1.5),
            }
        },
    )
    assert [s["plan"]["refId"] for s in _wait_for(api, ref, ["plan-stigg-pro"], 0)] == [
        "plan-stigg-pro"
    ]
    active = _wait_for(api, ref, ["plan-stigg-starter"])
    assert [s["plan"]["refId"] for s in active] == ["plan-stigg-starter"]
    ended = api.data(
        "query G($input: GetSubscriptionInput!) { getSubscription(input: $input) { status } }",
        {"input": {"subscriptionId": sub["subscriptionId"]}},
    )
    assert ended["getSubscription"]["status"] == "CANCELED"


def test_future_start_replaces_current_subscription_on_its_date(emulator: EmulatorProcess) -> None:
    api = server(emulator)
    ref = _customer(api)
    _provision(api, customerId=ref, planId="plan-stigg-starter")
    future = _provision(api, customerId=ref, planId="plan-stigg-pro", startDate=_soon(1.5))
    assert future["subscription"]["status"] == "NOT_STARTED"
    active = _wait_for(api, ref, ["plan-stigg-pro"])
    assert [(s["plan"]["refId"], s["status"]) for s in active] == [("plan-stigg-pro", "ACTIVE")]
