"""Reliability-suite fixtures: a private emulator per module (SQLite, or PostgreSQL when
STIGG_TEST_DATABASE_URL is set), fault proxies in front of it, and small GraphQL helpers."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.support.emulators import new_emulator
from tests.support.fault_proxy import FaultProxy
from tests.support.processes import SERVER_KEY, EmulatorProcess

PROVISION = (
    "mutation P($input: ProvisionCustomerInput!) { provisionCustomer(input: $input) "
    "{ customer { customerId } } }"
)


@pytest.fixture(scope="module")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorProcess]:
    """This module's own emulator, so faults and writes here never disturb other suites."""
    process = new_emulator(tmp_path_factory.mktemp("reliability")).start()
    yield process
    process.stop()


@pytest.fixture
def graphql_proxy(emulator: EmulatorProcess) -> Iterator[FaultProxy]:
    with FaultProxy("127.0.0.1", emulator.port) as proxy:
        yield proxy


@pytest.fixture
def edge_proxy(emulator: EmulatorProcess) -> Iterator[FaultProxy]:
    with FaultProxy("127.0.0.1", emulator.edge_port) as proxy:
        yield proxy


def gql(
    base_url: str,
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    key: str = SERVER_KEY,
    headers: dict[str, str] | None = None,
    timeout_s: float = 30.0,
) -> dict[str, Any]:
    """POST one operation; returns the whole JSON body (asserts HTTP 200)."""
    response = httpx.post(
        base_url + "/graphql",
        json={"query": query, "variables": variables or {}},
        headers={"X-API-KEY": key, **(headers or {})},
        timeout=timeout_s,
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def codes(body: dict[str, Any]) -> list[str]:
    """The `extensions.code` of each error of a GraphQL answer."""
    return [str((e.get("extensions") or {}).get("code")) for e in body.get("errors") or []]


def provision(base_url: str, plan: str = "plan-stigg-pro", prefix: str = "rel") -> str:
    """A new customer on `plan` (server key); returns its id."""
    ref = f"{prefix}-{uuid.uuid4().hex[:10]}"
    body = gql(
        base_url,
        PROVISION,
        {
            "input": {
                "refId": ref,
                "billingInformation": {"paymentMethodId": "pm_1"},
                "subscriptionParams": {"planId": plan},
            }
        },
    )
    assert "errors" not in body, body
    return ref


def active_subscription_ids(base_url: str, customer_id: str) -> list[str]:
    """The ids of the customer's active subscriptions, read over GraphQL (server key)."""
    body = gql(
        base_url,
        "query S($i: GetActiveSubscriptionsInput!) "
        "{ getActiveSubscriptions(input: $i) { subscriptionId } }",
        {"i": {"customerId": customer_id}},
    )
    assert "errors" not in body, body
    return [item["subscriptionId"] for item in body["data"]["getActiveSubscriptions"]]


def current_usage(base_url: str, customer_id: str, feature_id: str) -> float:
    """The customer's current usage of a metered feature, read over GraphQL (server key)."""
    body = gql(
        base_url,
        "query E($query: FetchEntitlementQuery!) { entitlement(query: $query) { currentUsage } }",
        {"query": {"customerId": customer_id, "featureId": feature_id}},
    )
    assert "errors" not in body, body
    return float(body["data"]["entitlement"]["currentUsage"] or 0)
