"""The `Platform` interface (what the client needs from its runtime, CPython or a browser) and
the interfaces of its parts: snapshot storage, the tab channel and page visibility."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Literal, Protocol

if TYPE_CHECKING:
    from stigg_client.transport.base import Transport
    from stigg_client.transport.sse import Connector

TransportName = Literal["auto", "httpx", "pyfetch", "requests"]


class SnapshotStore(Protocol):
    """Where snapshots live: a string store keyed by strings (localStorage has this shape)."""

    def read(self, key: str) -> str | None:
        """The stored text, or None when there is none."""
        ...

    def write(self, key: str, value: str) -> None:
        """Store `value` under `key` (best effort: a full or refused store only logs)."""
        ...


class TabChannel(Protocol):
    """A same-origin broadcast of strings (`BroadcastChannel` has this shape)."""

    def post(self, message: str) -> None:
        """Send `message` to every other member of the channel."""
        ...

    def listen(self, callback: Callable[[str], None]) -> None:
        """Call `callback(message)` for every message another member sends."""
        ...

    def close(self) -> None:
        """Leave the channel."""
        ...


Unsubscribe = Callable[[], None]


class VisibilitySource(Protocol):
    """Tells whether the page is visible and calls back when that changes."""

    def is_visible(self) -> bool:
        """True while the page is visible (or when there is no page)."""
        ...

    def subscribe(self, callback: Callable[[bool], None]) -> Unsubscribe:
        """Call `callback(visible)` on every change; returns a function that unsubscribes."""
        ...


class ManualVisibility:
    """A visibility you set yourself (CPython default: always visible; also used by tests)."""

    def __init__(self, visible: bool = True) -> None:
        self._visible = visible
        self._callbacks: list[Callable[[bool], None]] = []

    def is_visible(self) -> bool:
        """The last value given to `set_visible`."""
        return self._visible

    def set_visible(self, visible: bool) -> None:
        """Change the visibility and notify subscribers when it actually changed."""
        if visible == self._visible:
            return
        self._visible = visible
        for callback in list(self._callbacks):
            callback(visible)

    def subscribe(self, callback: Callable[[bool], None]) -> Unsubscribe:
        """Register `callback`."""
        self._callbacks.append(callback)
        return lambda: self._callbacks.remove(callback) if callback in self._callbacks else None


class Platform(Protocol):
    """What the client needs from its runtime."""

    name: str
    """"cpython" or "browser"."""

    def transport(self, name: TransportName = "auto") -> Transport:
        """An HTTP transport: `auto` is the platform's own (httpx; pyfetch in a browser)."""
        ...

    def stream_connector(self) -> Connector | None:
        """The event-stream connector, or None when live updates are not possible here."""
        ...

    def visibility(self) -> VisibilitySource:
        """Whether the page is visible (always, without a page)."""
        ...

    def storage(self) -> SnapshotStore | None:
        """Where snapshots persist across page loads (localStorage), or None."""
        ...

    def tab_channel(self, name: str) -> TabChannel | None:
        """A channel to the site's other tabs (BroadcastChannel), or None."""
        ...

    def page_query(self) -> dict[str, str]:
        """The page's query parameters (empty without a page)."""
        ...
