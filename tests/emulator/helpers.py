"""Small httpx helpers for talking GraphQL and edge JSON to a running emulator."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from tests.support.processes import CLIENT_KEY, SERVER_KEY, EmulatorProcess


class Api:
    """An httpx client bound to one emulator process."""

    def __init__(self, emulator: EmulatorProcess, key: str = SERVER_KEY) -> None:
        self.emulator = emulator
        self.key = key
        self.http = httpx.Client(base_url=emulator.base_url, timeout=30)

    def raw(self, body: Any, headers: dict[str, str] | None = None) -> httpx.Response:
        """POST a JSON body to /graphql."""
        return self.http.post(
            "/graphql", json=body, headers={"X-API-KEY": self.key, **(headers or {})}
        )

    def gql(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        operation_name: str | None = None,
    ) -> dict[str, Any]:
        """Execute a document; returns the whole response body (data and errors)."""
        body: dict[str, Any] = {"query": query, "variables": variables or {}}
        if operation_name:
            body["operationName"] = operation_name
        response = self.raw(body, headers)
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]

    def data(self, query: str, variables: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        """Execute and assert there are no errors; returns `data`."""
        body = self.gql(query, variables, **kwargs)
        assert "errors" not in body, body["errors"]
        return body["data"]

    def error_code(self, query: str, variables: dict[str, Any] | None = None, **kwargs: Any) -> str:
        """Execute and return `errors[0].extensions.code` (asserts there is an error)."""
        body = self.gql(query, variables, **kwargs)
        assert body.get("errors"), body
        return str(body["errors"][0]["extensions"]["code"])

    def edge(self, path: str, port: str = "edge", **params: Any) -> httpx.Response:
        """GET an edge path on the edge port (or the main port)."""
        base = self.emulator.edge_url if port == "edge" else self.emulator.base_url
        return self.http.get(base + path, params=params, headers={"X-API-KEY": self.key})


BARE_CUSTOMER = """
mutation P($input: ProvisionCustomerInput!) { provisionCustomer(input: $input) { __typename } }
"""


def bare_customer(api: Api, prefix: str) -> str:
    """A new customer (id `prefix-<random>`) with no subscription; returns its id."""
    ref = f"{prefix}-{uuid.uuid4().hex[:10]}"
    api.data(BARE_CUSTOMER, {"input": {"refId": ref, "subscriptionParams": None}})
    return ref


def server(emulator: EmulatorProcess) -> Api:
    """A server-key client."""
    return Api(emulator, SERVER_KEY)


def client(emulator: EmulatorProcess) -> Api:
    """A client-key client."""
    return Api(emulator, CLIENT_KEY)


ENTITLEMENT_FIELDS = """
fragment EntitlementFields on Entitlement {
  __typename isGranted accessDeniedReason usageLimit hasUnlimitedUsage hasSoftLimit currentUsage
  requestedUsage entitlementUpdatedAt usageUpdatedAt resetPeriod nextResetDate
  usagePeriodAnchor usagePeriodStart usagePeriodEnd displayNameOverride hiddenFromWidgets validUntil
  resetPeriodConfiguration {
    __typename
    ... on MonthlyResetPeriodConfig { monthlyAccordingTo }
    ... on WeeklyResetPeriodConfig { weeklyAccordingTo }
  }
  feature {
    id refId displayName description featureType meterType featureUnits featureUnitsPlural
    additionalMetaData
  }
}
"""
