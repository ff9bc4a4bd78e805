"""A `graphql-transport-ws` connection that keeps GraphQL subscriptions open (the server SDK's
live entitlement and usage updates).

As docs/protocol.md §6.1 describes, the socket is `{base_uri with ws scheme}/graphql`,
authentication travels in the `connection_init` payload (`{"headers": {"X-API-KEY": ...}}`),
and the subscriptions are `entitlementsUpdatedV2`, `usageUpdatedV2` and `packagePublished`.
The connection is kept alive with pings, and re-established with exponential backoff (with
jitter) after any failure; a rejected key is fatal.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from stigg_client.errors import AuthenticationError
from stigg_client.transport.retry import Backoff

logger = logging.getLogger("stigg_client")

SUBPROTOCOL = "graphql-transport-ws"
FATAL_CLOSE_CODES = frozenset({4401, 4403})
"""`Unauthorized` / `Forbidden` in graphql-ws: the key was rejected, retrying cannot help."""


INSTALL_HINT = 'pip install "stigg-client[server]"'
"""How to get the `websockets` package that live updates need (the `server` extra)."""


def websockets_installed() -> bool:
    """Whether the optional `websockets` package (the `server` extra) can be imported."""
    return importlib.util.find_spec("websockets") is not None


def ws_url(base_uri: str) -> str:
    """`http://h:p` → `ws://h:p/graphql`, `https://…` → `wss://…/graphql`.

    See docs/protocol.md §1.1.
    """
    parts = urlsplit(base_uri)
    scheme = {"http": "ws", "https": "wss"}.get(parts.scheme, parts.scheme)
    path = parts.path.rstrip("/") + "/graphql"
    return urlunsplit((scheme, parts.netloc, path, "", ""))


@dataclass(frozen=True, slots=True)
class Operation:
    """One subscription to open on every connection."""

    name: str
    document: str


MessageHandler = Callable[[str, dict[str, Any]], Awaitable[None]]
StateHandler = Callable[[], Awaitable[None]]


class _Fatal(Exception):
    pass


class RealtimeConnection:
    """Keeps one `graphql-transport-ws` connection with a fixed set of subscriptions open."""

    def __init__(
        self,
        url: str,
        headers: Mapping[str, str],
        operations: list[Operation],
        *,
        on_message: MessageHandler,
        on_connected: StateHandler,
        on_disconnected: StateHandler,
        backoff: Backoff,
        keep_alive_s: float = 10.0,
        ack_timeout_s: float = 10.0,
    ) -> None:
        self.url = url
        self.headers = dict(headers)
        self.operations = operations
        self.backoff = backoff
        self.keep_alive_s = keep_alive_s
        self.ack_timeout_s = ack_timeout_s
        self._on_message = on_message
        self._on_connected = on_connected
        self._on_disconnected = on_disconnected
        self._task: asyncio.Task[None] | None = None
        self._connected = asyncio.Event()
        self._first_outcome: asyncio.Future[None] | None = None
        self.connections = 0
        """How many times a connection was acknowledged (1 + reconnects)."""
        self.fatal_error: Exception | None = None

    @property
    def connected(self) -> bool:
        """True while the socket is acknowledged and the subscriptions are open."""
        return self._connected.is_set()

    def start(self) -> asyncio.Future[None]:
        """Start the connection loop; the future resolves on the first ack (or fatal failure)."""
        loop = asyncio.get_running_loop()
        self._first_outcome = loop.create_future()
        self._task = loop.create_task(self._run(), name="stigg-realtime")
        return self._first_outcome

    async def wait_connected(self, timeout_s: float) -> bool:
        """Wait until connected; False on timeout."""
        try:
            await asyncio.wait_for(self._connected.wait(), timeout_s)
        except TimeoutError:
            return False
        return True

    async def close(self) -> None:
        """Stop the loop and close the socket."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._connected.clear()

    def _settle(self, error: Exception | None) -> None:
        future = self._first_outcome
        if future is not None and not future.done():
            if error is None:
                future.set_result(None)
            else:
                future.set_exception(error)

    async def _run(self) -> None:
        attempt = 0
        while True:
            try:
                await self._session()
                attempt = 0
            except asyncio.CancelledError:
                raise
            except _Fatal as error:
                self.fatal_error = AuthenticationError(str(error), code="Unauthenticated")
                logger.error("realtime updates stopped: %s", error)
                self._settle(self.fatal_error)
                await self._lost()
                return
            except Exception as error:
                logger.warning("realtime connection failed: %r", error)
            await self._lost()
            delay = self.backoff.delay(attempt)
            attempt += 1
            logger.debug("reconnecting realtime updates in %.2fs", delay)
            await asyncio.sleep(delay)

    async def _lost(self) -> None:
        if self._connected.is_set():
            self._connected.clear()
            try:
                await self._on_disconnected()
            except Exception:
                logger.exception("disconnect handler failed")

    async def _session(self) -> None:
        from websockets.asyncio.client import connect
        from websockets.exceptions import ConnectionClosed
        from websockets.typing import Subprotocol

        try:
            async with connect(
                self.url,
                subprotocols=[Subprotocol(SUBPROTOCOL)],
                open_timeout=self.ack_timeout_s,
                ping_interval=None,
                max_size=None,
            ) as socket:
                await socket.send(
                    json.dumps({"type": "connection_init", "payload": {"headers": self.headers}})
                )
                ack = json.loads(await asyncio.wait_for(socket.recv(), self.ack_timeout_s))
                if ack.get("type") != "connection_ack":
                    raise ConnectionError(f"expected connection_ack, got {ack!r}")
                by_id: dict[str, str] = {}
                for index, operation in enumerate(self.operations, start=1):
                    by_id[str(index)] = operation.name
                    await socket.send(
                        json.dumps(
                            {
                                "id": str(index),
                                "type": "subscribe",
                                "payload": {
                                    "query": operation.document,
                                    "operationName": operation.name,
                                    "variables": {},
                                },
                            }
                        )
                    )
                # The server answers in order, so its pong means the subscriptions above are
                # live: a change made once `wait_connected` returns is pushed.
                early = await self._until_pong(socket)
                self.connections += 1
                await self._on_connected()
                self._connected.set()
                self._settle(None)
                pinger = asyncio.create_task(self._keep_alive(socket))
                try:
                    for message in early:
                        await self._handle(socket, message, by_id)
                    async for text in socket:
                        await self._handle(socket, json.loads(text), by_id)
                finally:
                    pinger.cancel()
        except ConnectionClosed as closed:
            code = closed.rcvd.code if closed.rcvd is not None else None
            reason = closed.rcvd.reason if closed.rcvd is not None else ""
            if code in FATAL_CLOSE_CODES or "Invalid API key" in reason:
                raise _Fatal(reason or f"connection closed with code {code}") from closed
            raise

    async def _keep_alive(self, socket: Any) -> None:
        while True:
            await asyncio.sleep(self.keep_alive_s)
            await socket.send(json.dumps({"type": "ping"}))

    async def _until_pong(self, socket: Any) -> list[dict[str, Any]]:
        """Ping, then keep what arrives until the pong (at most `ack_timeout_s`)."""
        await socket.send(json.dumps({"type": "ping"}))
        early: list[dict[str, Any]] = []

        async def collect() -> None:
            async for text in socket:
                message = json.loads(text)
                if message.get("type") == "pong":
                    return
                early.append(message)

        try:
            await asyncio.wait_for(collect(), self.ack_timeout_s)
        except TimeoutError:
            logger.debug("no pong from the realtime server; assuming its subscriptions are live")
        return early

    async def _handle(self, socket: Any, message: dict[str, Any], by_id: dict[str, str]) -> None:
        kind = message.get("type")
        if kind == "ping":
            await socket.send(json.dumps({"type": "pong"}))
        elif kind == "next":
            name = by_id.get(str(message.get("id")), "")
            payload = message.get("payload") or {}
            if payload.get("errors"):
                logger.warning("subscription %s reported %s", name, payload["errors"])
            data = payload.get("data")
            if isinstance(data, dict):
                try:
                    await self._on_message(name, data)
                except Exception:
                    logger.exception("handling %s failed", name)
        elif kind == "error":
            errors = message.get("payload")
            text_errors = json.dumps(errors)
            if "Invalid API key" in text_errors or "Unauthenticated" in text_errors:
                raise _Fatal(text_errors)
            raise ConnectionError(f"subscription {message.get('id')} failed: {text_errors}")
        elif kind == "complete":
            raise ConnectionError(f"server completed subscription {message.get('id')}")
