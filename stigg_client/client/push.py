"""Live updates: the server's per-customer change stream (Server-Sent Events), kept connected.

`GET {base_uri}/v1/c/{customerId}/events?apiKey=...[&customerKey=...]` streams events named by
kind (`entitlementsUpdated`, `usageUpdated`, ...) with a JSON payload each. `LiveUpdates` holds one
subscription: it connects through the platform's `Connector` (the browser's `EventSource` under
Pyodide, httpx streaming in CPython), hands every event to the client, and reconnects after a
drop with exponential backoff and jitter. A server that does not offer the stream (404, as
Stigg's cloud API) ends the subscription quietly: the client keeps polling every `cache_ttl_s`.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from typing import Any, Literal

from stigg_client._moved import moved_names
from stigg_client.core import edge_paths
from stigg_client.transport.retry import Backoff
from stigg_client.transport.sse import EVENT_KINDS, Connector, StreamRefused

logger = logging.getLogger("stigg_client")

LiveUpdatesStatus = Literal["off", "connecting", "connected", "unavailable"]
"""`off`: not subscribed; `unavailable`: the server refused the stream (polling only)."""


def stream_url(base_uri: str, customer_id: str, api_key: str, customer_token: str | None) -> str:
    """The customer's event stream URL (credentials go in the query: `EventSource` sends no
    custom headers)."""
    query = [("apiKey", api_key)]
    if customer_token:
        query.append(("customerKey", customer_token))
    return base_uri.rstrip("/") + edge_paths.events_path(customer_id, query)


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


__getattr__ = moved_names(
    __name__,
    {
        **{
            name: "stigg_client.transport.sse"
            for name in ("HttpxConnector", "SseParser", "is_refusal", "OnOpen", "OnMessage")
        },
        "EventSourceConnector": "stigg_client.platform.browser",
    },
)
