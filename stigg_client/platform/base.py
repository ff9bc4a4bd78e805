"""The `Platform` interface: what the client needs from its runtime (CPython or a browser)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, Protocol

if TYPE_CHECKING:
    from stigg_client.snapshots import SnapshotStore
    from stigg_client.tabs import TabChannel
    from stigg_client.transport.base import Transport
    from stigg_client.transport.sse import Connector
    from stigg_client.visibility import VisibilitySource

TransportName = Literal["auto", "httpx", "pyfetch", "requests"]


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
