"""A small graphql-transport-ws client for tests: connect, initialise, exchange frames."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import websockets
from websockets.asyncio.client import ClientConnection
from websockets.typing import Subprotocol

from tests.support.processes import SERVER_KEY

PROTOCOL = Subprotocol("graphql-transport-ws")
RECEIVE_TIMEOUT_S = 10.0


def ws_url(base_url: str) -> str:
    """`ws://host:port/graphql` for an emulator's `http://host:port`."""
    return base_url.replace("http://", "ws://", 1) + "/graphql"


@asynccontextmanager
async def connect(base_url: str, **kwargs: Any) -> AsyncIterator[ClientConnection]:
    """A WebSocket to `/graphql` offering graphql-transport-ws, not yet initialised."""
    async with websockets.connect(
        ws_url(base_url), subprotocols=[PROTOCOL], open_timeout=RECEIVE_TIMEOUT_S, **kwargs
    ) as ws:
        yield ws


@asynccontextmanager
async def session(base_url: str, key: str = SERVER_KEY) -> AsyncIterator[ClientConnection]:
    """A connection that sent `connection_init` with `key` and got `connection_ack`."""
    async with connect(base_url) as ws:
        await send(ws, {"type": "connection_init", "payload": {"headers": {"X-API-KEY": key}}})
        assert await receive(ws) == {"type": "connection_ack"}
        yield ws


async def send(ws: ClientConnection, message: dict[str, Any]) -> None:
    """Send one JSON frame."""
    await ws.send(json.dumps(message))


async def receive(ws: ClientConnection, timeout_s: float = RECEIVE_TIMEOUT_S) -> Any:
    """The next frame, parsed as JSON."""
    return json.loads(await asyncio.wait_for(ws.recv(), timeout_s))


async def subscribe(ws: ClientConnection, op_id: str, query: str, **payload: Any) -> None:
    """Send a `subscribe` frame for `query`."""
    await send(ws, {"id": op_id, "type": "subscribe", "payload": {"query": query, **payload}})


async def until_pong(ws: ClientConnection) -> list[Any]:
    """Ping, then collect every frame that arrives before the pong (the server's backlog)."""
    await send(ws, {"type": "ping"})
    frames: list[Any] = []
    while (frame := await receive(ws)) != {"type": "pong"}:
        frames.append(frame)
    return frames


async def error_frame(ws: ClientConnection, op_id: str) -> list[dict[str, Any]]:
    """Wait for the `error` frame of `op_id` (skipping pongs); returns its GraphQL errors."""
    while True:
        frame = await receive(ws)
        if frame.get("id") == op_id:
            assert frame["type"] == "error", frame
            errors: list[dict[str, Any]] = frame["payload"]
            return errors
