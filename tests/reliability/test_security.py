"""Security: the client key is read-only except the documented client-side mutations (every
mutation of the schema is walked), customer tokens bind a client key to one customer, and request
size, batch size, event count and resource id count are limited (document limits such as query
depth: test_limits.py)."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets

from tests.reliability.conftest import active_subscription_ids, codes, current_usage, gql, provision
from tests.support import graphql_ws
from tests.support.emulators import customer_token, new_emulator
from tests.support.processes import CLIENT_KEY, SERVER_KEY, EmulatorProcess

SECRET = "reliability-signing-secret"
# Protocol §1.4: the browser SDK's mutations, and the customer's own auto-recharge settings (the
# credit widgets save them from the browser, as Stigg's React SDK's AutomaticRechargeConfigForm).
CLIENT_SIDE = {
    "applySubscription",
    "saveAutoRechargeSettings",
    "estimateSubscription",
    "estimateSubscriptionUpdate",
    "previewSubscription",
    "reportEntitlementCheckRequested",
}
TYPE_REF = "kind name ofType { kind name ofType { kind name ofType { kind name } } }"
MUTATIONS = (
    "{ __schema { mutationType { fields { name "
    f"args {{ name type {{ {TYPE_REF} }} }} type {{ {TYPE_REF} }} }} }} }} }}"
)
CUSTOMER_QUERY = (
    "query Q($q: FetchEntitlementsQuery!) { cachedEntitlements(query: $q) { feature { refId } } }"
)


@pytest.fixture(scope="module")
def secured(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorProcess]:
    """An emulator with a signing secret: client keys need the customer's token."""
    process = new_emulator(tmp_path_factory.mktemp("secured"), signing_secret=SECRET).start()
    yield process
    process.stop()


def token(customer_id: str) -> str:
    return customer_token(SECRET, customer_id)


def type_string(ref: dict[str, Any]) -> str:
    if ref["kind"] == "NON_NULL":
        return type_string(ref["ofType"]) + "!"
    if ref["kind"] == "LIST":
        return "[" + type_string(ref["ofType"]) + "]"
    return str(ref["name"])


def named_kind(ref: dict[str, Any]) -> str:
    while ref["kind"] in ("NON_NULL", "LIST"):
        ref = ref["ofType"]
    return str(ref["kind"])


def mutation_document(field: dict[str, Any]) -> str:
    """A valid document calling `field` with every argument as a variable."""
    params = ", ".join(f"$a{i}: {type_string(arg['type'])}" for i, arg in enumerate(field["args"]))
    args = ", ".join(f"{arg['name']}: $a{i}" for i, arg in enumerate(field["args"]))
    selection = " { __typename }" if named_kind(field["type"]) in ("OBJECT", "UNION") else ""
    call = f"{field['name']}({args})" if args else field["name"]
    return f"mutation Walk{'(' + params + ')' if params else ''} {{ {call}{selection} }}"


def test_every_mutation_is_refused_to_the_client_key_except_client_side_ones(
    secured: EmulatorProcess,
) -> None:
    schema = gql(secured.base_url, MUTATIONS, key=CLIENT_KEY)
    fields = schema["data"]["__schema"]["mutationType"]["fields"]
    names = {field["name"] for field in fields}
    assert len(names) >= 15 and {"provisionCustomer", "reportUsage", "reportEvent"} <= names
    allowed_seen = set()
    for field in fields:
        document = mutation_document(field)
        as_client = gql(secured.base_url, document, key=CLIENT_KEY)
        as_server = gql(secured.base_url, document, key=SERVER_KEY)
        assert "Unauthenticated" not in codes(as_server), (field["name"], as_server)
        if field["name"] in CLIENT_SIDE:
            allowed_seen.add(field["name"])
            assert codes(as_client) == codes(as_server), (field["name"], as_client)
        else:
            assert codes(as_client) == ["Unauthenticated"], (field["name"], as_client)
            assert as_client.get("data") is None, (field["name"], as_client)
    assert allowed_seen == CLIENT_SIDE & names


def test_client_key_cannot_smuggle_a_mutation_and_writes_nothing(secured: EmulatorProcess) -> None:
    base = secured.base_url
    victim = provision(base, prefix="victim")
    ref = f"intruder-{uuid.uuid4().hex[:8]}"
    provision_input = {"input": {"refId": ref, "subscriptionParams": {"planId": "plan-stigg-pro"}}}
    usage = {"input": {"customerId": victim, "featureId": "feature-demo-03", "value": 5}}
    attempts: list[tuple[str, dict[str, Any]]] = [
        (
            "mutation A($input: ProvisionCustomerInput!) "
            "{ ok: provisionCustomer(input: $input) { __typename } }",
            provision_input,
        ),
        (
            "mutation F($input: ProvisionCustomerInput!) { ...M } "
            "fragment M on Mutation { provisionCustomer(input: $input) { __typename } }",
            provision_input,
        ),
        (
            "mutation I($input: ReportUsageInput!) "
            "{ ... on Mutation { reportUsage(input: $input) { __typename } } }",
            usage,
        ),
        (
            "mutation Both($input: ReportUsageInput!, $e: EstimateSubscriptionInput!) { "
            "estimateSubscription(input: $e) { __typename } "
            "reportUsage(input: $input) { __typename } }",
            {**usage, "e": {"customerId": victim, "planId": "plan-stigg-pro"}},
        ),
    ]
    headers = {"X-CUSTOMER-KEY": token(victim)}
    for document, variables in attempts:
        body = gql(base, document, variables, key=CLIENT_KEY, headers=headers)
        assert "Unauthenticated" in codes(body) and body.get("data") is None, body
    batch = httpx.post(
        base + "/graphql",
        json=[
            {"query": "{ sdkConfiguration { isWidgetWatermarkEnabled } }"},
            {"query": attempts[2][0], "variables": usage},
        ],
        headers={"X-API-KEY": CLIENT_KEY, **headers},
    ).json()
    assert codes(batch[0]) == [] and codes(batch[1]) == ["Unauthenticated"]
    found = gql(
        base,
        "query G($i: GetCustomerByRefIdInput!) { getCustomerByRefId(input: $i) { customerId } }",
        {"i": {"customerId": ref}},
    )
    assert not (found.get("data") or {}).get("getCustomerByRefId"), found
    assert current_usage(base, victim, "feature-demo-03") == 0


async def test_websocket_refuses_the_client_key(secured: EmulatorProcess) -> None:
    async with graphql_ws.connect(secured.base_url) as ws:
        await graphql_ws.send(ws, {"type": "connection_init", "payload": {"X-API-KEY": CLIENT_KEY}})
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await graphql_ws.receive(ws)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401


@pytest.mark.parametrize("case", ["missing", "wrong", "other-customer", "empty", "truncated"])
def test_customer_token_is_required_and_bound_to_its_customer(
    secured: EmulatorProcess, case: str
) -> None:
    base, edge = secured.base_url, secured.edge_url
    mine = provision(base, prefix="mine")
    other = provision(base, prefix="other")
    given = {
        "missing": None,
        "wrong": secrets.token_hex(32),
        "other-customer": token(other),
        "empty": "",
        "truncated": token(mine)[:-1],
    }[case]
    headers = {"X-API-KEY": CLIENT_KEY}
    if given is not None:
        headers["X-CUSTOMER-KEY"] = given
    refused = gql(
        base, CUSTOMER_QUERY, {"q": {"customerId": mine}}, key=CLIENT_KEY, headers=headers
    )
    assert codes(refused) == ["AuthCustomerMismatch"] and refused.get("data") is None, refused
    for path in (f"/v1/c/{mine}/entitlements.json", f"/v1/c/{mine}/subscriptions.json"):
        answer = httpx.get(edge + path, headers=headers)
        assert codes(answer.json()) == ["AuthCustomerMismatch"], (path, answer.text)
        assert not answer.json().get("data"), answer.text
    sse = httpx.get(f"{base}/v1/c/{mine}/events", headers=headers, timeout=10)
    assert sse.status_code == 403 and codes(sse.json()) == ["AuthCustomerMismatch"]
    if given:  # EventSource cannot send headers: the token may come in the query string
        params = {"apiKey": CLIENT_KEY, "customerKey": given}
        sse = httpx.get(f"{base}/v1/c/{mine}/events", params=params, timeout=10)
        assert sse.status_code == 403 and codes(sse.json()) == ["AuthCustomerMismatch"]
    # With the right token the same requests succeed (the refusal was about the token).
    good = {"X-API-KEY": CLIENT_KEY, "X-CUSTOMER-KEY": token(mine)}
    allowed = gql(base, CUSTOMER_QUERY, {"q": {"customerId": mine}}, key=CLIENT_KEY, headers=good)
    assert "errors" not in allowed and allowed["data"]["cachedEntitlements"]
    assert "errors" not in httpx.get(f"{edge}/v1/c/{mine}/entitlements.json", headers=good).json()


def test_a_customer_token_opens_no_other_customer_data(secured: EmulatorProcess) -> None:
    base = secured.base_url
    mine, other = provision(base, prefix="mine"), provision(base, prefix="other")
    [other_subscription] = active_subscription_ids(base, other)
    headers = {"X-CUSTOMER-KEY": token(mine)}
    probes: list[tuple[str, dict[str, Any]]] = [
        (CUSTOMER_QUERY, {"q": {"customerId": other}}),
        (
            "query G($i: GetCustomerByRefIdInput!) { getCustomerByRefId(input: $i) { email } }",
            {"i": {"customerId": other}},
        ),
        (
            "query S($i: GetSubscriptionInput!) { getSubscription(input: $i) { subscriptionId } }",
            {"i": {"subscriptionId": other_subscription}},
        ),
        (
            "query P($i: CustomerPortalInput!) { customerPortal(input: $i) { __typename } }",
            {"i": {"customerId": other}},
        ),
        (
            "query A($i: GetActiveSubscriptionsInput!) "
            "{ getActiveSubscriptions(input: $i) { subscriptionId } }",
            {"i": {"customerId": other}},
        ),
        (
            "mutation E($i: EstimateSubscriptionInput!) "
            "{ estimateSubscription(input: $i) { __typename } }",
            {"i": {"customerId": other, "planId": "plan-stigg-pro"}},
        ),
        (
            "mutation U($i: EstimateSubscriptionUpdateInput!) "
            "{ estimateSubscriptionUpdate(input: $i) { __typename } }",
            {"i": {"subscriptionId": other_subscription, "unitQuantity": 2}},
        ),
        (
            "query W($i: GetPaywallInput!) { paywall(input: $i) { __typename } }",
            {"i": {"customerId": other, "productId": "product-stigg"}},
        ),
        (
            "mutation Apply($i: ApplySubscriptionInput!) "
            "{ applySubscription(input: $i) { __typename } }",
            {"i": {"customerId": other, "planId": "plan-stigg-starter"}},
        ),
    ]
    for document, variables in probes:
        body = gql(base, document, variables, key=CLIENT_KEY, headers=headers)
        assert codes(body) == ["AuthCustomerMismatch"], (document, body)
        assert not any((body.get("data") or {}).values()), (document, body)
    # The other customer's subscription is untouched by the refused applySubscription.
    after = gql(
        base,
        "query S($i: GetActiveSubscriptionsInput!) "
        "{ getActiveSubscriptions(input: $i) { subscriptionId plan { refId } } }",
        {"i": {"customerId": other}},
    )
    assert [s["plan"]["refId"] for s in after["data"]["getActiveSubscriptions"]] == [
        "plan-stigg-pro"
    ]


def test_request_batch_event_and_resource_limits(secured: EmulatorProcess) -> None:
    base, edge = secured.base_url, secured.edge_url
    server = {"X-API-KEY": SERVER_KEY}
    customer = provision(base, prefix="limits")
    # Body size: answered 413 with a Stigg error, not read into a 500.
    huge = b'{"query": "' + b" " * (10 * 1024 * 1024 + 10) + b'{ __typename }"}'
    answer = httpx.post(base + "/graphql", content=huge, headers=server, timeout=30)
    assert answer.status_code == 413 and codes(answer.json()) == ["BadUserInput"]

    def chunks() -> Iterator[bytes]:  # chunked upload: no Content-Length to refuse it early
        for _ in range(12):
            yield b" " * (1024 * 1024)

    answer = httpx.post(base + "/graphql", content=chunks(), headers=server, timeout=30)
    assert answer.status_code == 413 and codes(answer.json()) == ["BadUserInput"]
    # Batch size: at most 100 operations.
    batch = [{"query": "{ __typename }"}] * 101
    answer = httpx.post(base + "/graphql", json=batch, headers=server)
    assert codes(answer.json()) == ["GraphQLBatchedOperationsLimitExceeded"]
    assert len(httpx.post(base + "/graphql", json=batch[:100], headers=server).json()) == 100
    # Events: at most 1,000 per call; a refused call writes none of them.
    events_doc = "mutation R($e: UsageEventsReportInput!) { reportEvent(events: $e) }"

    def events(count: int, tag: str) -> dict[str, Any]:
        return {
            "e": {
                "usageEvents": [
                    {"customerId": customer, "eventName": "api_call", "idempotencyKey": f"{tag}{i}"}
                    for i in range(count)
                ]
            }
        }

    assert codes(gql(base, events_doc, events(1001, "over"))) == ["BadUserInput"]
    assert current_usage(base, customer, "feature-api-calls") == 0
    assert codes(gql(base, events_doc, events(1000, "ok"))) == []
    assert current_usage(base, customer, "feature-api-calls") == 1000
    # Resource ids: at most 100, over GraphQL and on the edge.
    ids = [f"r{i}" for i in range(101)]
    listed = gql(
        base,
        "query S($i: GetActiveSubscriptionsInput!) "
        "{ getActiveSubscriptions(input: $i) { subscriptionId } }",
        {"i": {"customerId": customer, "resourceIds": ids}},
    )
    assert codes(listed) == ["BadUserInput"]
    answer = httpx.get(
        f"{edge}/v1/c/{customer}/subscriptions.json", params={"resourceIds": ids}, headers=server
    )
    assert codes(answer.json()) == ["BadUserInput"]


def test_signing_secret_absent_from_every_answer(secured: EmulatorProcess, tmp_path: Path) -> None:
    customer = provision(secured.base_url, prefix="leak")
    headers = {"X-API-KEY": CLIENT_KEY, "X-CUSTOMER-KEY": token(customer)}
    answers = [
        httpx.get(f"{secured.edge_url}/v1/config/client-sdk-configuration.json", headers=headers),
        httpx.get(f"{secured.edge_url}/v1/c/{customer}/entitlements.json", headers=headers),
        httpx.post(
            secured.base_url + "/graphql",
            json={"query": "{ sdkConfiguration { sentryDsn isWidgetWatermarkEnabled } }"},
            headers=headers,
        ),
    ]
    for answer in answers:
        assert answer.status_code == 200
        assert SECRET not in answer.text and SERVER_KEY not in answer.text
