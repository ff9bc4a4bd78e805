"""Live updates: the server's per-customer change stream (Server-Sent Events), kept connected.

`GET {base_uri}/v1/c/{customerId}/events?apiKey=...[&customerKey=...]` streams events named by
kind (`entitlementsUpdated`, `usageUpdated`, ...) with a JSON payload each. `LiveUpdates` holds one
subscription: it connects through a `Connector` (the browser's `EventSource` under Pyodide, httpx
streaming in CPython), hands every event to the client, and reconnects after a drop with
exponential backoff and jitter. A server that does not offer the stream (404, as Stigg's cloud API)
ends the subscription quietly: the client keeps polling every `cache_ttl_s`.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from collections.abc import Awaitable, Callable
from typing import Any, Literal, Protocol

from stigg_client.core import edge_paths
from stigg_client.errors import NetworkError
from stigg_client.transport.retry import Backoff

logger = logging.getLogger("stigg_client")

LiveUpdatesStatus = Literal["off", "connecting", "connected", "unavailable"]
"""`off`: not subscribed; `unavailable`: the server refused the stream (polling only)."""

EVENT_KINDS = ("entitlementsUpdated", "usageUpdated")
"""The events the client applies (the V2 variants carry the same changes)."""

CONNECT_TIMEOUT_S = 10.0
READ_TIMEOUT_S = 45.0
"""The server sends a keepalive comment every 15 s; silence this long means a dead connection."""

OnOpen = Callable[[], None]
OnMessage = Callable[[str, str], None]


class StreamRefused(Exception):
    """The server answered the stream request with a refusal (4xx, or not an event stream)."""

    def __init__(self, status: int) -> None:
        super().__init__(f"the event stream was refused with HTTP {status}")
        self.status = status


class Connector(Protocol):
    """Runs one connection: `on_open()` once the stream is accepted, `on_message(kind, data)` per
    event; returns when the server ends the stream, raises `NetworkError` when the connection
    fails or drops and `StreamRefused` when the server refuses it."""

    def __call__(self, url: str, on_open: OnOpen, on_message: OnMessage) -> Awaitable[None]:
        """Connect to `url` and stream until the end."""
        ...

    async def aclose(self) -> None:
        """Release what the connector holds (connection pools)."""
        ...


def stream_url(base_uri: str, customer_id: str, api_key: str, customer_token: str | None) -> str:
    """The customer's event stream URL (credentials go in the query: `EventSource` sends no
    custom headers)."""
    query = [("apiKey", api_key)]
    if customer_token:
        query.append(("customerKey", customer_token))
    return base_uri.rstrip("/") + edge_paths.events_path(customer_id, query)


def is_refusal(status: int) -> bool:
    """4xx answers other than timeouts and rate limits will not change by reconnecting."""
    return 400 <= status < 500 and status not in (408, 429)


class SseParser:
    """Turns the lines of a `text/event-stream` body into (event name, data) pairs."""

    def __init__(self) -> None:
        self._kind = ""
        self._data: list[str] = []

    def feed(self, line: str) -> tuple[str, str] | None:
        """Consume one line (without its line break); return an event when a blank line ends it."""
        if not line:
            if not self._data and not self._kind:
                return None
            event = (self._kind or "message", "\n".join(self._data))
            self._kind, self._data = "", []
            return event
        if line.startswith(":"):
            return None
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "event":
            self._kind = value
        elif name == "data":
            self._data.append(value)
        return None


class HttpxConnector:
    """CPython: a streaming GET on a dedicated `httpx.AsyncClient`."""

    def __init__(self) -> None:
        import httpx

        self._httpx = httpx
        timeout = httpx.Timeout(CONNECT_TIMEOUT_S, read=READ_TIMEOUT_S)
        self._client = httpx.AsyncClient(timeout=timeout, follow_redirects=True)

    async def __call__(self, url: str, on_open: OnOpen, on_message: OnMessage) -> None:
        """Stream `url` until the server ends it; see `Connector`."""
        httpx = self._httpx
        headers = {"Accept": "text/event-stream", "Cache-Control": "no-cache"}
        try:
            async with self._client.stream("GET", url, headers=headers) as response:
                status = response.status_code
                if is_refusal(status):
                    raise StreamRefused(status)
                if status >= 300:
                    raise NetworkError(f"event stream: HTTP {status}", status=status)
                if not response.headers.get("content-type", "").startswith("text/event-stream"):
                    raise StreamRefused(status)
                on_open()
                parser = SseParser()
                async for line in response.aiter_lines():
                    event = parser.feed(line)
                    if event is not None:
                        on_message(*event)
        except httpx.HTTPError as error:
            raise NetworkError(f"event stream failed: {error!r}") from error

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._client.aclose()


class EventSourceConnector:
    """Pyodide (page or worker): the browser's `EventSource`, whose own retry is switched off
    (each error closes it) so that reconnection follows the same backoff as in CPython."""

    def __init__(self) -> None:
        import js

        self._js: Any = js
        if not hasattr(js, "EventSource"):
            raise RuntimeError("this JavaScript environment has no EventSource")

    async def __call__(self, url: str, on_open: OnOpen, on_message: OnMessage) -> None:
        """Stream `url` until it fails; see `Connector`."""
        from pyodide.ffi import create_proxy

        loop = asyncio.get_running_loop()
        ended: asyncio.Future[int] = loop.create_future()
        source = self._js.EventSource.new(url)
        proxies: list[Any] = []

        def listen(kind: str, callback: Callable[[Any], None]) -> None:
            proxy = create_proxy(callback)
            proxies.append(proxy)
            source.addEventListener(kind, proxy)

        def forward(kind: str) -> Callable[[Any], None]:
            return lambda event: on_message(kind, str(event.data))

        def failed(_event: Any) -> None:
            if not ended.done():
                ended.set_result(int(source.readyState))

        listen("open", lambda _event: on_open())
        listen("error", failed)
        for kind in EVENT_KINDS:
            listen(kind, forward(kind))
        try:
            ready_state = await ended
        finally:
            source.close()
            for proxy in proxies:
                proxy.destroy()
        if ready_state == 2:  # CLOSED: the answer was not an event stream; learn its status
            status = await self._status_of(url)
            if is_refusal(status):
                raise StreamRefused(status)
        raise NetworkError("event stream failed or dropped")

    async def _status_of(self, url: str) -> int:
        """The HTTP status of `url` (the body is not read: the request is aborted at once)."""
        from pyodide.http import pyfetch

        controller = self._js.AbortController.new()
        try:
            response = await pyfetch(url, signal=controller.signal, cache="no-store")
        except Exception as error:
            raise NetworkError(f"event stream unreachable: {error!r}") from error
        finally:
            controller.abort()
        return int(response.status)

    async def aclose(self) -> None:
        """Nothing to release: each `EventSource` is closed when its connection ends."""


def default_connector() -> Connector | None:
    """`EventSource` under Pyodide, httpx in CPython; None when neither is available."""
    try:
        if sys.platform == "emscripten":
            return EventSourceConnector()
        return HttpxConnector()
    except Exception as error:  # no httpx installed, no EventSource in this JS environment
        logger.info("live updates are not available here (%r); polling only", error)
        return None


class LiveUpdates:
    """One subscription to one stream URL, reconnected until `stop()` or a refusal."""

    def __init__(
        self,
        url: str,
        connector: Connector,
        *,
        backoff: Backoff,
        on_event: Callable[[str, dict[str, Any]], None],
        on_connected: Callable[[bool], None],
        on_dropped: Callable[[], None],
    ) -> None:
        self.url = url
        self._connector = connector
        self._backoff = backoff
        self._on_event = on_event
        self._on_connected = on_connected
        self._on_dropped = on_dropped
        self.status: LiveUpdatesStatus = "off"
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start connecting on the running event loop."""
        if self._task is None:
            self.status = "connecting"
            self._task = asyncio.get_running_loop().create_task(self._run())

    def stop(self) -> asyncio.Task[None] | None:
        """Disconnect and stop reconnecting; returns the task to await for a clean end."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
        if self.status != "unavailable":
            self.status = "off"
        return task

    async def _run(self) -> None:
        attempt = 0
        was_connected = False
        while True:
            opened = False

            def on_open() -> None:
                nonlocal opened, was_connected, attempt
                opened, attempt = True, 0
                self.status = "connected"
                _call(self._on_connected, was_connected)
                was_connected = True

            try:
                await self._connector(self.url, on_open, self._dispatch)
                logger.debug("event stream %s ended by the server", self.url)
            except StreamRefused as refused:
                logger.info("live updates not offered (HTTP %s); polling only", refused.status)
                self.status = "unavailable"
                return
            except Exception as error:  # a reconnect loop must outlive every failure
                logger.debug("event stream %s failed: %s", self.url, error)
            self.status = "connecting"
            if opened:
                _call(self._on_dropped)
            await asyncio.sleep(self._backoff.delay(attempt))
            attempt += 1

    def _dispatch(self, kind: str, data: str) -> None:
        if kind not in EVENT_KINDS:
            return
        try:
            payload = json.loads(data)
        except ValueError:
            logger.warning("ignoring a %s event whose data is not JSON", kind)
            return
        if isinstance(payload, dict):
            _call(self._on_event, kind, payload)


def _call(callback: Callable[..., None], *args: Any) -> None:
    try:
        callback(*args)
    except Exception:
        logger.exception("live update handler failed")
