"""Fuzz the emulator's GraphQL, edge, WebSocket (graphql-transport-ws) and SSE endpoints
(hypothesis, bounded examples): never a 500, a crash or an unexpected resolver error, a Stigg error
code on every rejection (a graphql-ws 44xx close with a reason for malformed WebSocket frames), and
no partial write when a batch is refused."""

from __future__ import annotations

import asyncio
import json
import math
import os
import re
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import websockets
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stigg_client.core.graphql import entitlements as client_entitlements
from stigg_client.core.graphql import reads as client_reads
from stigg_client.core.graphql import server as documents
from tests.reliability.conftest import active_subscription_ids, current_usage, provision
from tests.support import graphql_ws
from tests.support.processes import CLIENT_KEY, SERVER_KEY, EmulatorProcess

FUZZ = settings(
    max_examples=int(os.environ.get("STIGG_FUZZ_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
CODE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")

json_leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=40),
    st.sampled_from(
        ["", " ", "0", "-1", "1e309", "2026-13-45T25:61:00Z", "null", "../..", "\u0000"]
    ),
)
json_values = st.recursive(
    json_leaves,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)


def mutated(template: Any) -> st.SearchStrategy[Any]:
    """Values shaped like `template`, with leaves replaced, keys dropped or added at random."""
    if isinstance(template, dict):
        items = {
            key: st.one_of(mutated(value), st.just(template[key]), st.just(_DROP))
            for key, value in template.items()
        }
        extra = st.dictionaries(st.text(max_size=10), json_values, max_size=2)

        def build(pair: tuple[dict[str, Any], dict[str, Any]]) -> dict[str, Any]:
            chosen, added = pair
            return {**added, **{k: v for k, v in chosen.items() if v is not _DROP}}

        return st.one_of(
            st.tuples(st.fixed_dictionaries(items), extra).map(build),
            json_values,
        )
    if isinstance(template, list):
        if not template:
            return st.one_of(st.just([]), st.lists(json_values, max_size=3))
        return st.one_of(
            st.lists(st.one_of(*(mutated(item) for item in template)), max_size=4),
            json_values,
        )
    return st.one_of(st.just(template), json_leaves, json_values)


_DROP = object()


def assert_well_formed(response: httpx.Response) -> Any:
    """No 5xx; JSON; each error carries a Stigg code; no resolver crashed."""
    assert response.status_code < 500, response.text
    body = response.json()
    for item in body if isinstance(body, list) else [body]:
        assert_stigg_errors(item.get("errors") or [])
    return body


def assert_stigg_errors(errors: list[dict[str, Any]]) -> None:
    """Each error has a message and a Stigg code, and none is an unexpected resolver failure."""
    for error in errors:
        code = (error.get("extensions") or {}).get("code")
        assert isinstance(code, str) and CODE.match(code), error
        assert code != "UnexpectedError", error
        assert error.get("message"), error


@pytest.fixture(scope="module")
def http(emulator: EmulatorProcess) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=emulator.base_url, timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def world(emulator: EmulatorProcess) -> dict[str, str]:
    """A customer with an active Pro subscription the templates point at."""
    customer = provision(emulator.base_url, prefix="fuzz")
    [subscription] = active_subscription_ids(emulator.base_url, customer)
    return {"customer": customer, "subscription": subscription}


def operations(world: dict[str, str]) -> list[tuple[str, str, dict[str, Any]]]:
    """(document, variable name, valid template) for the operations the SDKs send."""
    customer, subscription = world["customer"], world["subscription"]
    return [
        (
            documents.REPORT_USAGE,
            "input",
            {
                "customerId": customer,
                "featureId": "feature-demo-03",
                "value": 1,
                "updateBehavior": "DELTA",
                "createdAt": "2026-01-01T00:00:00Z",
                "dimensions": {"a": 1},
                "idempotencyKey": "k",
                "resourceId": "r",
            },
        ),
        (
            documents.REPORT_EVENT,
            "input",
            {
                "usageEvents": [
                    {
                        "customerId": customer,
                        "eventName": "api_call",
                        "idempotencyKey": "e",
                        "dimensions": {"user_id": "u"},
                        "timestamp": "2026-01-01T00:00:00Z",
                    }
                ]
            },
        ),
        (
            documents.PROVISION_CUSTOMER,
            "input",
            {
                "refId": "fuzz-new",
                "name": "n",
                "email": "e@example.com",
                "billingInformation": {
                    "paymentMethodId": "pm",
                    "billingAddress": {"country": "DK"},
                },
                "subscriptionParams": {
                    "planId": "plan-stigg-team",
                    "billingPeriod": "MONTHLY",
                    "unitQuantity": 2,
                    "addons": [{"addonId": "addon-extra-requests", "quantity": 1}],
                    "billableFeatures": [{"featureId": "feature-seats", "quantity": 3}],
                    "startDate": "2026-01-01T00:00:00Z",
                },
            },
        ),
        (
            documents.PROVISION_SUBSCRIPTION,
            "input",
            {
                "customerId": customer,
                "planId": "plan-stigg-team",
                "billingPeriod": "ANNUALLY",
                "unitQuantity": 1,
                "resourceId": "ws-1",
                "promotionCode": "SAVE",
                "addons": [{"addonId": "addon-extra-requests", "quantity": 2}],
            },
        ),
        (
            documents.UPDATE_SUBSCRIPTION,
            "input",
            {
                "subscriptionId": subscription,
                "unitQuantity": 3,
                "billingPeriod": "MONTHLY",
                "addons": [{"addonId": "addon-extra-requests", "quantity": 1}],
            },
        ),
        (
            documents.CANCEL_SUBSCRIPTION,
            "input",
            {
                "subscriptionRef": subscription,
                "subscriptionCancellationTime": "SPECIFIC_DATE",
                "endDate": "2030-01-01T00:00:00Z",
            },
        ),
        (
            documents.GRANT_PROMOTIONAL_ENTITLEMENTS,
            "input",
            {
                "customerId": customer,
                "promotionalEntitlements": [
                    {"featureId": "feature-demo-03", "period": "ONE_WEEK", "usageLimit": 5}
                ],
            },
        ),
        (
            client_reads.ESTIMATE_SUBSCRIPTION,
            "input",
            {
                "customerId": customer,
                "planId": "plan-stigg-pro",
                "billingPeriod": "ANNUALLY",
                "billingCountryCode": "DK",
                "unitQuantity": 1,
                "promotionCode": "X",
                "addons": [{"addonId": "addon-extra-requests", "quantity": 1}],
            },
        ),
        (
            client_reads.ESTIMATE_SUBSCRIPTION_UPDATE,
            "input",
            {"subscriptionId": subscription, "unitQuantity": 2, "addons": []},
        ),
        (
            client_reads.GET_PAYWALL,
            "input",
            {
                "productId": "product-stigg",
                "customerId": customer,
                "billingCountryCode": "DK",
                "includeHiddenPlans": True,
                "fetchAllCountriesPrices": True,
            },
        ),
        (
            client_reads.GET_CUSTOMER_PORTAL,
            "input",
            {"customerId": customer, "productId": "product-stigg", "resourceId": None},
        ),
        (
            client_reads.GET_ACTIVE_SUBSCRIPTIONS_LIST,
            "input",
            {"customerId": customer, "resourceId": "r", "resourceIds": ["a", "b"]},
        ),
        (client_reads.GET_SUBSCRIPTION, "input", {"subscriptionId": subscription}),
        (client_reads.GET_CUSTOMER, "input", {"customerId": customer}),
        (
            client_entitlements.GET_ENTITLEMENTS,
            "query",
            {"customerId": customer, "resourceId": "r"},
        ),
        (
            documents.GET_ENTITLEMENTS_STATE,
            "query",
            {"customerId": customer, "resourceId": None},
        ),
    ]


@FUZZ
@given(data=st.data(), key=st.sampled_from([SERVER_KEY, CLIENT_KEY]))
def test_graphql_operations_with_fuzzed_variables(
    http: httpx.Client, world: dict[str, str], data: st.DataObject, key: str
) -> None:
    document, name, template = data.draw(st.sampled_from(operations(world)))
    variables = data.draw(mutated(template))
    response = http.post(
        "/graphql",
        json={"query": document, "variables": {name: variables}},
        headers={"X-API-KEY": key},
    )
    assert_well_formed(response)


@FUZZ
@given(
    body=st.one_of(
        st.binary(max_size=200),
        json_values.map(lambda value: json.dumps(value).encode()),
        st.lists(
            st.fixed_dictionaries(
                {"query": st.one_of(st.text(max_size=60), json_leaves)},
                optional={"variables": json_values, "operationName": json_values},
            ),
            max_size=3,
        ).map(lambda value: json.dumps(value).encode()),
        st.text(alphabet="{}()[]:$!@.,\"' \nabcdeqrymutationfragment_0123", max_size=80).map(
            lambda text: json.dumps({"query": text}).encode()
        ),
    ),
    content_type=st.sampled_from(["application/json", "text/plain", ""]),
)
def test_graphql_endpoint_with_arbitrary_bodies(
    http: httpx.Client, body: bytes, content_type: str
) -> None:
    headers = {"X-API-KEY": SERVER_KEY}
    if content_type:
        headers["Content-Type"] = content_type
    response = http.post("/graphql", content=body, headers=headers)
    parsed = assert_well_formed(response)
    if response.status_code != 200 or (isinstance(parsed, dict) and "data" not in parsed):
        assert parsed.get("errors") if isinstance(parsed, dict) else parsed


segment = st.one_of(
    st.text(max_size=20).map(lambda text: quote(text, safe="")),  # any text, percent-encoded
    st.sampled_from(["customer-demo-01", "", "%00", "%2F", "%zz", "..", "a%20b", "%C3%A9"]),
)
edge_paths = st.one_of(
    segment.map(lambda c: f"/v1/c/{c}/entitlements.json"),
    segment.map(lambda c: f"/v1/c/{c}/entitlements-state.json"),
    segment.map(lambda c: f"/v1/c/{c}/subscriptions.json"),
    segment.map(lambda p: f"/v1/p/{p}/paywall.json"),
    st.sampled_from(["/v1/paywall.json", "/v1/config/client-sdk-configuration.json"]),
)
query_params = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "resourceId",
                "resourceIds",
                "billingCountryCode",
                "includeHiddenPlans",
                "fetchAllCountriesPrices",
                "productId",
                "x",
            ]
        ),
        st.one_of(st.text(max_size=12), st.sampled_from(["true", "undefined", "", "DK"])),
    ),
    max_size=5,
)


@FUZZ
@given(
    path=edge_paths,
    params=query_params,
    key=st.sampled_from([SERVER_KEY, CLIENT_KEY]),
    port=st.sampled_from(["edge", "main"]),
)
def test_edge_endpoints_with_fuzzed_paths_and_query_strings(
    emulator: EmulatorProcess,
    http: httpx.Client,
    path: str,
    params: list[tuple[str, str | int | float | bool | None]],
    key: str,
    port: str,
) -> None:
    base = emulator.edge_url if port == "edge" else emulator.base_url
    response = http.get(
        base + path, params=params, headers={"X-API-KEY": key, "X-API-VERSION": "1"}
    )
    if response.status_code == 404 and not response.headers.get("content-type", "").startswith(
        "application/json"
    ):
        return  # no such route (e.g. an empty path segment): plain 404 from the router
    body = assert_well_formed(response)
    assert isinstance(body, dict) and ("data" in body or body.get("errors")), body


@FUZZ
@given(
    data=st.data(),
    position=st.integers(min_value=0, max_value=3),
    via_events=st.booleans(),
)
def test_a_refused_batch_writes_nothing(
    emulator: EmulatorProcess,
    http: httpx.Client,
    world: dict[str, str],
    data: st.DataObject,
    position: int,
    via_events: bool,
) -> None:
    customer = world["customer"]
    tag = uuid.uuid4().hex[:8]
    item: dict[str, Any]
    if via_events:
        feature, document, field = "feature-api-calls", documents.REPORT_EVENT, "usageEvents"
        item = {"customerId": customer, "eventName": "api_call"}
    else:
        feature, document, field = "feature-demo-03", documents.REPORT_USAGE_BULK, "usages"
        item = {"customerId": customer, "featureId": feature, "value": 1}
    valid = [{**item, "idempotencyKey": f"{tag}-{i}"} for i in range(3)]
    odd = data.draw(mutated(valid[0]))
    items = [*valid[:position], odd, *valid[position:]]
    variables = {"input": {field: items}}
    before = current_usage(emulator.base_url, customer, feature)
    response = http.post(
        "/graphql",
        json={"query": document, "variables": variables},
        headers={"X-API-KEY": SERVER_KEY},
    )
    body = assert_well_formed(response)
    after = current_usage(emulator.base_url, customer, feature)
    if body.get("errors"):
        assert after == before, (items, body)  # all or nothing
        return
    # Accepted: the stored usage is exactly what the items say. The odd item's key may repeat
    # one an earlier example used (then it is skipped), unless it carries this example's tag.
    assert isinstance(odd, dict)
    odd_key = odd.get("idempotencyKey")
    known = [set()] if isinstance(odd_key, str) and odd_key.startswith(tag) else [set(), {odd_key}]
    simulate = expected_events if via_events else expected_usage
    candidates = [simulate(items, before, customer, seen) for seen in known]
    assert any(math.isclose(after, c, rel_tol=1e-9, abs_tol=1e-6) for c in candidates), (
        items,
        before,
        after,
        candidates,
    )


def expected_usage(items: list[dict[str, Any]], before: float, _: str, seen: set[Any]) -> float:
    """reportUsageBulk semantics: in order; DELTA clamps at 0; a repeated key is not applied."""
    usage = before
    for item in items:
        key = item.get("idempotencyKey")
        if key:
            if key in seen:
                continue
            seen.add(key)
        value = float(item["value"])
        usage = value if item.get("updateBehavior") == "SET" else max(0.0, usage + value)
    return usage


def expected_events(
    items: list[dict[str, Any]], before: float, customer: str, seen: set[Any]
) -> float:
    """reportEvent semantics: the first event of each new key counts if it is an `api_call`."""
    firsts: dict[Any, dict[str, Any]] = {}
    for item in items:
        firsts.setdefault(item.get("idempotencyKey"), item)
    counted = [
        event
        for key, event in firsts.items()
        if key not in seen
        and event.get("eventName") == "api_call"
        and event.get("customerId") == customer
    ]
    return before + len(counted)


SUBSCRIBE_TEMPLATES = [
    {
        "id": "op-1",
        "type": "subscribe",
        "payload": {"query": document, "variables": {}, "operationName": name, "extensions": {}},
    }
    for document, name in (
        (documents.ON_ENTITLEMENTS_UPDATED, "OnEntitlementsUpdatedV2"),
        (documents.ON_USAGE_UPDATED, "OnUsageUpdatedV2"),
        (documents.ON_PACKAGE_PUBLISHED, "OnPackagePublished"),
    )
]
graphql_text = st.text(alphabet="{}()[]:$!@.,\"' \nabcdeqrysubscriptionfragment_0123", max_size=80)
ws_frames = (
    st.one_of(
        st.sampled_from(SUBSCRIBE_TEMPLATES).flatmap(mutated),
        st.builds(
            lambda op_id, query: {"id": op_id, "type": "subscribe", "payload": {"query": query}},
            st.one_of(st.just("q"), json_leaves),
            st.one_of(graphql_text, json_leaves),
        ),
        st.fixed_dictionaries(
            {
                "type": st.sampled_from(
                    ["ping", "pong", "complete", "next", "error", "connection_ack"]
                )
            },
            optional={"id": json_values, "payload": json_values},
        ),
        json_values,
    ).map(lambda frame: json.dumps(frame))
    | st.text(max_size=60)
    | st.binary(max_size=60)
)
init_frames = (
    st.one_of(
        mutated({"type": "connection_init", "payload": {"headers": {"X-API-KEY": SERVER_KEY}}}),
        json_values,
    ).map(lambda frame: json.dumps(frame))
    | st.text(max_size=40)
    | st.binary(max_size=40)
)


def assert_ws_answer(frames: list[Any], closed: websockets.ConnectionClosed | None) -> None:
    """Every frame is a protocol frame, every error frame carries Stigg codes, and a closing
    connection is closed by the server with a graphql-ws 44xx code and a reason."""
    for frame in frames:
        assert isinstance(frame, dict), frame
        assert frame.get("type") in {"connection_ack", "next", "error", "complete", "pong", "ping"}
        if frame["type"] == "error":
            errors = frame["payload"]
            assert isinstance(errors, list) and errors, frame
            assert_stigg_errors(errors)
    if closed is not None:
        assert closed.rcvd is not None, closed  # closed by the server with a close frame
        assert 4400 <= closed.rcvd.code < 4500 and closed.rcvd.reason, closed.rcvd


async def exchange(base_url: str, sent: list[str | bytes], initialise: bool) -> None:
    """Send `sent` (after a valid init when `initialise`), then collect until a pong or close."""
    frames: list[Any] = []
    closed: websockets.ConnectionClosed | None = None
    async with graphql_ws.connect(base_url) as connection:
        try:
            if initialise:
                await graphql_ws.send(
                    connection,
                    {"type": "connection_init", "payload": {"headers": {"X-API-KEY": SERVER_KEY}}},
                )
                frames.append(await graphql_ws.receive(connection))
            for frame in sent:
                await connection.send(frame)
            await graphql_ws.send(connection, {"type": "ping"})
            while (frame := await graphql_ws.receive(connection)) != {"type": "pong"}:
                frames.append(frame)
        except websockets.ConnectionClosed as error:
            closed = error
    assert_ws_answer(frames, closed)


@FUZZ
@given(sent=st.lists(ws_frames, min_size=1, max_size=3))
def test_websocket_with_fuzzed_frames(emulator: EmulatorProcess, sent: list[str | bytes]) -> None:
    asyncio.run(exchange(emulator.base_url, sent, initialise=True))


@FUZZ
@given(first=init_frames)
def test_websocket_with_fuzzed_connection_init(
    emulator: EmulatorProcess, first: str | bytes
) -> None:
    asyncio.run(exchange(emulator.base_url, [first], initialise=False))


@FUZZ
@given(
    customer=segment,
    params=st.lists(
        st.tuples(
            st.sampled_from(["apiKey", "customerKey", "resourceId", "lastEventId", "x"]),
            st.one_of(
                st.text(max_size=12), st.sampled_from([SERVER_KEY, CLIENT_KEY, "", "undefined"])
            ),
        ),
        max_size=4,
    ),
    headers=st.dictionaries(
        st.sampled_from(["X-API-KEY", "X-CUSTOMER-KEY", "Last-Event-ID", "Accept"]),
        st.one_of(
            # A header value cannot start or end with whitespace on the wire (RFC 9110 5.5): the
            # client refuses to send one, so only sendable values are generated.
            st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=20).map(
                str.strip
            ),
            st.sampled_from([SERVER_KEY, CLIENT_KEY, "text/event-stream"]),
        ),
        max_size=3,
    ),
)
def test_sse_endpoint_with_fuzzed_customers_keys_and_parameters(
    emulator: EmulatorProcess,
    customer: str,
    params: list[tuple[str, str | int | float | bool | None]],
    headers: dict[str, str],
) -> None:
    url = f"{emulator.base_url}/v1/c/{customer}/events"
    with httpx.stream("GET", url, params=params, headers=headers, timeout=30) as response:
        assert response.status_code < 500
        if response.status_code == 200:
            assert response.headers["content-type"].startswith("text/event-stream")
            first = next(response.iter_bytes())
            assert first.startswith(b": connected\n\nevent: ready\n"), first
            return
        response.read()
    if response.status_code == 404 and not response.headers.get("content-type", "").startswith(
        "application/json"
    ):
        return  # no such route (an empty customer segment): plain 404 from the router
    body = assert_well_formed(response)
    assert body.get("errors"), body
