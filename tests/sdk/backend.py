"""What a customer's backend does with the server key, for SDK integration tests (real HTTP)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from tests.support.processes import EmulatorProcess

PROVISION_CUSTOMER = """mutation ProvisionCustomer($input: ProvisionCustomerInput!) {
  provisionCustomer(input: $input) { customer { customerId } }
}"""

PROVISION_SUBSCRIPTION = """mutation ProvisionSubscription($input: ProvisionSubscriptionInput!) {
  provisionSubscription: provisionSubscriptionV2(input: $input) {
    status subscription { subscriptionId }
  }
}"""

REPORT_USAGE = """mutation ReportUsage($input: ReportUsageInput!) {
  reportUsage(input: $input) { id currentUsage }
}"""


def server_graphql(
    emulator: EmulatorProcess, operation: str, query: str, variables: dict[str, Any]
) -> dict[str, Any]:
    """POST one operation with the server key; fail the test on any GraphQL error."""
    response = httpx.post(
        f"{emulator.base_url}/graphql",
        json={"operationName": operation, "query": query, "variables": variables},
        headers={"X-API-KEY": emulator.server_key, "x-graphql-operation-name": operation},
        timeout=10,
    )
    body = response.json()
    assert response.status_code == 200 and not body.get("errors"), body
    data: dict[str, Any] = body["data"]
    return data


def new_customer(
    emulator: EmulatorProcess,
    plan_id: str | None = "plan-stigg-starter",
    *,
    prefix: str = "customer-",
    payment_method_id: str | None = None,
) -> str:
    """Provision a fresh customer on `plan_id` (None: no subscription), with a payment method
    when given, and return its id (`prefix` + a random part)."""
    customer_id = f"{prefix}{uuid.uuid4().hex[:10]}"
    customer: dict[str, Any] = {"refId": customer_id, "name": "SDK test customer"}
    if plan_id is not None:
        customer["subscriptionParams"] = {"planId": plan_id}
    if payment_method_id is not None:
        customer["billingInformation"] = {"paymentMethodId": payment_method_id}
    server_graphql(emulator, "ProvisionCustomer", PROVISION_CUSTOMER, {"input": customer})
    return customer_id


def provision_subscription(
    emulator: EmulatorProcess, customer_id: str, plan_id: str, **extra: Any
) -> str:
    """Subscribe `customer_id` to `plan_id` (no payment needed); returns the subscription id."""
    data = server_graphql(
        emulator,
        "ProvisionSubscription",
        PROVISION_SUBSCRIPTION,
        {"input": {"customerId": customer_id, "planId": plan_id, **extra}},
    )
    result = data["provisionSubscription"]
    assert result["status"] == "SUCCESS", result
    subscription_id: str = result["subscription"]["subscriptionId"]
    return subscription_id


def report_usage(
    emulator: EmulatorProcess, customer_id: str, feature_id: str, value: float
) -> None:
    """Add `value` to the customer's usage of `feature_id`."""
    server_graphql(
        emulator,
        "ReportUsage",
        REPORT_USAGE,
        {"input": {"customerId": customer_id, "featureId": feature_id, "value": value}},
    )
