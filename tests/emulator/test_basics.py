"""Health, auth, CORS, batches and the seeded customer's entitlements (GraphQL and edge)."""

from __future__ import annotations

import httpx

from tests.emulator.helpers import ENTITLEMENT_FIELDS, client, server
from tests.support.processes import EmulatorProcess

GET_ENTITLEMENTS = (
    """
query GetEntitlements($query: FetchEntitlementsQuery!) {
  entitlements: cachedEntitlements(query: $query) { ...EntitlementFields }
}
"""
    + ENTITLEMENT_FIELDS
)


def test_health_on_both_ports(emulator: EmulatorProcess) -> None:
    for base in (emulator.base_url, emulator.edge_url):
        assert httpx.get(f"{base}/healthz").status_code == 200


def test_unknown_or_missing_key_is_http_401(emulator: EmulatorProcess) -> None:
    query = {"query": "{ sdkConfiguration { sentryDsn } }"}
    url = f"{emulator.base_url}/graphql"
    assert httpx.post(url, json=query).status_code == 401
    assert httpx.post(url, json=query, headers={"X-API-KEY": "wrong"}).status_code == 401
    edge = f"{emulator.edge_url}/v1/c/customer-demo-01/entitlements.json"
    assert httpx.get(edge).status_code == 401


def test_seeded_customer_entitlements_over_graphql(emulator: EmulatorProcess) -> None:
    data = client(emulator).data(GET_ENTITLEMENTS, {"query": {"customerId": "customer-demo-01"}})
    by_id = {item["feature"]["refId"]: item for item in data["entitlements"]}
    assert set(by_id) == {"feature-demo-01", "feature-demo-02", "feature-demo-03"}
    first = by_id["feature-demo-01"]
    assert first["__typename"] == "Entitlement"
    assert first["usageLimit"] == 100
    assert first["displayNameOverride"] == "Awesome feature #1"
    assert first["feature"]["displayName"] == "Feature #1"
    assert first["feature"]["meterType"] == "None"
    assert first["feature"]["featureUnits"] == "request"
    assert first["feature"]["featureUnitsPlural"] == "requests"
    assert first["feature"]["additionalMetaData"] == {"key": "value"}
    assert by_id["feature-demo-02"]["feature"]["featureType"] == "BOOLEAN"
    assert by_id["feature-demo-02"]["hiddenFromWidgets"] == ["PAYWALL"]
    third = by_id["feature-demo-03"]
    assert third["feature"]["meterType"] == "Incremental"
    assert third["usageLimit"] == 2
    assert third["resetPeriod"] == "MONTH"
    assert third["resetPeriodConfiguration"] == {
        "__typename": "MonthlyResetPeriodConfig",
        "monthlyAccordingTo": "SubscriptionStart",
    }
    assert third["usagePeriodStart"] < third["usagePeriodEnd"]
    assert third["nextResetDate"] == third["usagePeriodEnd"]


def test_edge_entitlements_match_graphql_on_both_ports(emulator: EmulatorProcess) -> None:
    api = client(emulator)
    graphql = api.data(GET_ENTITLEMENTS, {"query": {"customerId": "customer-demo-01"}})
    for port in ("edge", "main"):
        response = api.edge("/v1/c/customer-demo-01/entitlements.json", port=port)
        assert response.status_code == 200
        body = response.json()
        edge_items = body["data"]["entitlements"]
        assert [e["feature"]["refId"] for e in edge_items] == [
            e["feature"]["refId"] for e in graphql["entitlements"]
        ]
        for edge_item, gql_item in zip(edge_items, graphql["entitlements"], strict=True):
            for key, value in gql_item.items():
                if key != "feature":
                    assert edge_item[key] == value, key
    state = api.edge("/v1/c/customer-demo-01/entitlements-state.json").json()["data"]
    assert state["entitlementsState"]["accessDeniedReason"] is None
    assert {e["__typename"] for e in state["entitlementsState"]["entitlementsV2"]} == {
        "FeatureEntitlement"
    }


def test_sdk_configuration_edge_and_graphql(emulator: EmulatorProcess) -> None:
    api = client(emulator)
    for name in ("client", "server"):
        body = api.edge(f"/v1/config/{name}-sdk-configuration.json").json()
        assert body == {
            "data": {
                "sdkConfiguration": {
                    "sentryDsn": None,
                    "isWidgetWatermarkEnabled": False,
                    "showWatermark": False,
                }
            }
        }
    data = api.data(
        "query GetSdkConfiguration { sdkConfiguration { sentryDsn isWidgetWatermarkEnabled } }"
    )
    assert data == {"sdkConfiguration": {"sentryDsn": None, "isWidgetWatermarkEnabled": False}}


def test_cors_preflight_allows_sdk_headers(emulator: EmulatorProcess) -> None:
    headers = (
        "x-api-key,x-customer-key,source,x-graphql-operation-name,x-api-version,"
        "apollographql-client-name,apollographql-client-version,content-type"
    )
    for url in (f"{emulator.base_url}/graphql", f"{emulator.edge_url}/v1/c/a/entitlements.json"):
        response = httpx.options(
            url,
            headers={
                "Origin": "http://localhost:8000",
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": headers,
            },
        )
        assert response.status_code == 200
        allowed = response.headers["access-control-allow-headers"].lower()
        for header in headers.split(","):
            assert header in allowed
    response = httpx.get(
        f"{emulator.edge_url}/v1/c/customer-demo-01/entitlements.json",
        headers={"Origin": "http://localhost:8000", "X-API-KEY": "client-local-key"},
    )
    assert response.headers["access-control-allow-origin"] == "*"


def test_batch_is_answered_with_an_array(emulator: EmulatorProcess) -> None:
    api = client(emulator)
    batch = [
        {
            "operationName": "A",
            "query": "query A { sdkConfiguration { sentryDsn } }",
            "variables": {},
        },
        {
            "operationName": "GetEntitlements",
            "query": GET_ENTITLEMENTS,
            "variables": {"query": {"customerId": "customer-demo-01"}},
        },
    ]
    response = api.raw(batch)
    assert response.status_code == 200
    body = response.json()
    assert isinstance(body, list) and len(body) == 2
    assert body[0] == {"data": {"sdkConfiguration": {"sentryDsn": None}}}
    assert len(body[1]["data"]["entitlements"]) == 3


def test_client_key_cannot_run_server_mutations(emulator: EmulatorProcess) -> None:
    api = client(emulator)
    code = api.error_code(
        'mutation { provisionCustomer(input: {customerId: "sneaky"}) { customer { customerId } } }'
    )
    assert code == "Unauthenticated"
    through_fragment = """
    mutation M { ...F }
    fragment F on Mutation {
      archiveCustomer(input: {customerId: "customer-demo-01"}) { customerId }
    }
    """
    assert api.error_code(through_fragment) == "Unauthenticated"
    still_there = server(emulator).data(
        '{ getCustomerByRefId(input: {customerId: "customer-demo-01"}) { customerId name } }'
    )
    assert still_there["getCustomerByRefId"] == {
        "customerId": "customer-demo-01",
        "name": "First customer",
    }
    assert server(emulator).data(
        '{ getCustomerByRefId(input: {customerId: "sneaky"}) { customerId } }'
    ) == {"getCustomerByRefId": None}


def test_suite_runs_on_the_requested_database(emulator: EmulatorProcess) -> None:
    """Under `make test`'s PostgreSQL pass the emulator really uses PostgreSQL."""
    import os

    wanted = "postgresql" if os.environ.get("STIGG_TEST_DATABASE_URL") else "sqlite"
    assert emulator.database_url.startswith(wanted)
    log = emulator.log_path.read_text()
    assert ("database postgresql" in log) == (wanted == "postgresql")
