"""Server-Sent Events streams: the `Connector` interface, the line parser and the CPython
connector (a streaming GET over httpx). The browser's `EventSource` connector is in
`stigg_client.platform.browser`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol

from stigg_client.errors import NetworkError

EVENT_KINDS = ("entitlementsUpdated", "usageUpdated", "creditBalanceUpdated")
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
