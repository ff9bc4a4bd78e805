"""Limits the emulator applies before doing any work: oversized request heads (431, both ports,
every route, WebSocket upgrades included) and GraphQL document limits (tokens, operations, depth,
fields with aliases and fragments expanded) enforced alike over HTTP and WebSocket, plus the
bound on subscriptions per WebSocket connection."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import websockets

from stigg_emulator.graphql.limits import (
    MAX_DEPTH,
    MAX_FIELDS,
    MAX_OPERATIONS,
    MAX_SUBSCRIPTIONS_PER_CONNECTION,
    MAX_TOKENS,
)
from stigg_emulator.http.header_limit import MAX_FIELD_BYTES, MAX_HEAD_BYTES
from tests.reliability.conftest import PROVISION, codes, gql
from tests.support import graphql_ws as ws
from tests.support.processes import SERVER_KEY, EmulatorProcess

USAGE_SUBSCRIPTION = "subscription U { usageUpdated { usage { currentUsage } } }"


def one_big_field() -> dict[str, str]:
    return {"X-Big": "a" * (MAX_FIELD_BYTES + 1)}


def many_fields() -> dict[str, str]:
    return {f"X-Part-{i}": "b" * 1000 for i in range(MAX_HEAD_BYTES // 1000 + 1)}


def assert_431(response: httpx.Response) -> None:
    assert response.status_code == 431, response.text
    assert codes(response.json()) == ["BadUserInput"]
    assert "header" in response.json()["errors"][0]["message"].lower()


@pytest.mark.parametrize("headers", [one_big_field(), many_fields()], ids=["field", "total"])
def test_oversized_heads_are_refused_with_431_on_every_port_and_route(
    emulator: EmulatorProcess, headers: dict[str, str]
) -> None:
    ref = f"big-head-{uuid.uuid4().hex[:8]}"
    provision = {"query": PROVISION, "variables": {"input": {"refId": ref}}}
    for base in (emulator.base_url, emulator.edge_url):
        sent = {"X-API-KEY": SERVER_KEY, **headers}
        assert_431(httpx.post(base + "/graphql", json=provision, headers=sent))
        for path in (
            "/v1/c/customer-demo-01/entitlements.json",  # the raw fast path
            "/v1/c/customer-demo-01/subscriptions.json",
            "/v1/c/customer-demo-01/events",
            "/healthz",
        ):
            assert_431(httpx.get(base + path, headers=sent, timeout=10))
    # Nothing was processed: the customer of the refused mutation does not exist.
    found = gql(
        emulator.base_url,
        "query G($i: GetCustomerByRefIdInput!) { getCustomerByRefId(input: $i) { customerId } }",
        {"i": {"customerId": ref}},
    )
    assert not (found.get("data") or {}).get("getCustomerByRefId"), found


def test_heads_just_within_the_limits_are_served(emulator: EmulatorProcess) -> None:
    near = {"X-Near": "c" * (MAX_FIELD_BYTES - len("X-Near") - 100)}
    for base in (emulator.base_url, emulator.edge_url):
        answer = httpx.post(
            base + "/graphql",
            json={"query": "{ __typename }"},
            headers={"X-API-KEY": SERVER_KEY, **near},
        )
        assert answer.status_code == 200 and answer.json() == {"data": {"__typename": "Query"}}


@pytest.mark.parametrize("headers", [one_big_field(), many_fields()], ids=["field", "total"])
async def test_websocket_upgrade_with_an_oversized_head_is_refused(
    emulator: EmulatorProcess, headers: dict[str, str]
) -> None:
    with pytest.raises(websockets.InvalidStatus) as refused:
        async with ws.connect(emulator.base_url, additional_headers=headers):
            pass
    assert refused.value.response.status_code == 431


def test_a_head_that_never_ends_is_cut_off(emulator: EmulatorProcess) -> None:
    """A client streaming one endless header gets 431 once the head passes the limit, and the
    server keeps serving others."""
    with socket.create_connection(("127.0.0.1", emulator.port), timeout=10) as raw:
        raw.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Endless: ")
        answer = b""
        try:
            for _ in range(4 * MAX_HEAD_BYTES // 1024):
                raw.sendall(b"z" * 1024)
        except OSError:
            pass  # the server closed the connection after answering
        try:
            while chunk := raw.recv(4096):
                answer += chunk
        except OSError:
            pass
    assert answer.startswith(b"HTTP/1.1 431 "), answer[:200]
    assert httpx.get(emulator.base_url + "/healthz").text == "ok"


def aliases(count: int, operation: str = "query") -> str:
    return f"{operation} A {{ " + " ".join(f"a{i}: __typename" for i in range(count)) + " }"


def nested_fragments(levels: int, operation: str = "query") -> str:
    """Each fragment spreads the one below twice: 2**levels fields once expanded."""
    fragments = ["fragment F0 on Query { __typename }"]
    fragments += [f"fragment F{i} on Query {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, levels)]
    return f"{operation} N {{ ...F{levels - 1} }} " + " ".join(fragments)


def nested(levels: int, operation: str = "query") -> str:
    inner = "name"
    for _ in range(levels):
        inner = f"ofType {{ {inner} }}"
    return f"{operation} D {{ __schema {{ queryType {{ fields {{ type {{ {inner} }} }} }} }} }}"


def operations(count: int) -> str:
    return " ".join(f"query Q{i} {{ __typename }}" for i in range(count))


def tokens(count: int, operation: str = "query") -> str:
    return f"{operation} T {{ " + "__typename " * count + "}"


OVER_LIMIT: dict[str, tuple[Callable[[str], str], str]] = {
    "aliases": (lambda op: aliases(MAX_FIELDS + 1, op), "fields"),
    "fragments": (lambda op: nested_fragments(40, op), "fields"),
    "depth": (lambda op: nested(MAX_DEPTH + 5, op), "depth"),
    "operations": (lambda _op: operations(MAX_OPERATIONS + 1), "operations"),
    "tokens": (lambda op: tokens(MAX_TOKENS, op), "tokens"),
}


def without_locations(errors: list[dict[str, Any]]) -> list[tuple[str, Any]]:
    return [(error["message"], error.get("extensions")) for error in errors]


@pytest.mark.parametrize("limit", sorted(OVER_LIMIT))
async def test_document_limits_are_the_same_over_http_and_websocket(
    emulator: EmulatorProcess, limit: str
) -> None:
    build, word = OVER_LIMIT[limit]
    over_http = gql(emulator.base_url, build("query"), timeout_s=60)
    assert codes(over_http) == ["BadUserInput"] and over_http.get("data") is None, over_http
    assert word in over_http["errors"][0]["message"].lower(), over_http
    async with ws.session(emulator.base_url) as connection:
        await ws.subscribe(connection, "over", build("subscription"))
        over_ws = await ws.error_frame(connection, "over")
        assert without_locations(over_ws) == without_locations(over_http["errors"])
        # The refusal ends that operation only: the connection still serves a subscription.
        await ws.subscribe(connection, "ok", USAGE_SUBSCRIPTION)
        assert await ws.until_pong(connection) == []


def test_documents_at_the_limits_pass(emulator: EmulatorProcess) -> None:
    within: list[tuple[str, dict[str, Any]]] = [
        (aliases(MAX_FIELDS), {"a0": "Query"}),
        (nested_fragments(12), {"__typename": "Query"}),  # 2,048 fields expanded
    ]
    for document, expected in within:
        body = gql(emulator.base_url, document, timeout_s=60)
        assert "errors" not in body and expected.items() <= body["data"].items(), body
    batch = httpx.post(
        emulator.base_url + "/graphql",
        json={"query": operations(MAX_OPERATIONS), "operationName": "Q3"},
        headers={"X-API-KEY": SERVER_KEY},
    ).json()
    assert batch == {"data": {"__typename": "Query"}}
    assert codes(gql(emulator.base_url, nested(MAX_DEPTH - 6))) == []  # depth 19
    # A document just within the token limit is parsed (then refused for its field count).
    parsed = gql(emulator.base_url, tokens(MAX_TOKENS - 10), timeout_s=60)
    assert "fields" in parsed["errors"][0]["message"], parsed


async def test_subscriptions_per_connection_are_bounded(emulator: EmulatorProcess) -> None:
    async with ws.session(emulator.base_url) as connection:
        for i in range(MAX_SUBSCRIPTIONS_PER_CONNECTION):
            await ws.subscribe(connection, f"s{i}", USAGE_SUBSCRIPTION)
        assert await ws.until_pong(connection) == []
        await ws.subscribe(connection, "one-too-many", USAGE_SUBSCRIPTION)
        errors = await ws.error_frame(connection, "one-too-many")
        assert [e["extensions"]["code"] for e in errors] == ["RateLimitExceeded"]
        # Completing one frees a place.
        await ws.send(connection, {"id": "s0", "type": "complete"})
        await ws.subscribe(connection, "replacement", USAGE_SUBSCRIPTION)
        assert await ws.until_pong(connection) == []
        await ws.subscribe(connection, "again-too-many", USAGE_SUBSCRIPTION)
        errors = await ws.error_frame(connection, "again-too-many")
        assert [e["extensions"]["code"] for e in errors] == ["RateLimitExceeded"]
