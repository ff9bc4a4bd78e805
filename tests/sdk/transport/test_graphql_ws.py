"""The realtime connection counts as connected only once the server has its subscriptions."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import websockets
from websockets.asyncio.server import ServerConnection

from stigg_client.transport.graphql_ws import Operation, RealtimeConnection
from stigg_client.transport.retry import Backoff

OPERATIONS = [Operation("entitlementsUpdatedV2", "subscription { entitlementsUpdatedV2 { x } }")]


class SlowServer:
    """graphql-transport-ws that acknowledges at once but answers the first ping only when
    `answer_ping` is set, pushing one event before its pong."""

    def __init__(self) -> None:
        self.answer_ping = asyncio.Event()
        self.frames: list[dict[str, Any]] = []

    async def handle(self, socket: ServerConnection) -> None:
        async for text in socket:
            frame = json.loads(text)
            self.frames.append(frame)
            if frame["type"] == "connection_init":
                await socket.send(json.dumps({"type": "connection_ack"}))
            elif frame["type"] == "ping":
                await self.answer_ping.wait()
                event = {"data": {"entitlementsUpdatedV2": {"x": 1}}}
                await socket.send(json.dumps({"id": "1", "type": "next", "payload": event}))
                await socket.send(json.dumps({"type": "pong"}))


@asynccontextmanager
async def serving(server: SlowServer) -> AsyncIterator[str]:
    async with websockets.serve(
        server.handle, "127.0.0.1", 0, subprotocols=[websockets.Subprotocol("graphql-transport-ws")]
    ) as running:
        port = next(iter(running.sockets)).getsockname()[1]
        yield f"ws://127.0.0.1:{port}/graphql"


async def test_connected_after_the_pong_that_follows_the_subscribes() -> None:
    server = SlowServer()
    received: list[tuple[str, dict[str, Any]]] = []
    states: list[str] = []

    async def on_message(name: str, data: dict[str, Any]) -> None:
        received.append((name, data))

    async def on_connected() -> None:
        states.append("connected")

    async def on_disconnected() -> None:
        states.append("disconnected")

    async with serving(server) as url:
        connection = RealtimeConnection(
            url,
            {"X-API-KEY": "server-key"},
            OPERATIONS,
            on_message=on_message,
            on_connected=on_connected,
            on_disconnected=on_disconnected,
            backoff=Backoff(0.05, 0.1),
        )
        first = connection.start()
        try:
            assert not await connection.wait_connected(0.3)  # subscribed, no pong yet
            assert [frame["type"] for frame in server.frames] == [
                "connection_init",
                "subscribe",
                "ping",
            ]
            assert received == [] and states == []
            server.answer_ping.set()
            await asyncio.wait_for(first, 5)
            assert await connection.wait_connected(5)
            # What arrived before the pong is handled after the connected handler, not lost.
            for _ in range(50):
                if received:
                    break
                await asyncio.sleep(0.02)
            assert states == ["connected"]
            assert received == [("entitlementsUpdatedV2", {"entitlementsUpdatedV2": {"x": 1}})]
        finally:
            await connection.close()
