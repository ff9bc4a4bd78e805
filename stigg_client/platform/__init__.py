"""Where the SDK runs: CPython or a browser (Pyodide), behind one `Platform` interface.

The platform is chosen once, when a client is created (`current_platform()`), and gives the client
everything that differs between the two: the HTTP transport, the event-stream connector, page
visibility, snapshot storage, the cross-tab channel and the page's query. Tests pass their own
`Platform` to `Stigg.initialize(platform=...)`. This package is the only place that imports `js`
or asks whether it runs under Pyodide.
"""

from __future__ import annotations

import sys
from functools import cache
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


@cache
def current_platform() -> Platform:
    """The platform this process runs on, decided once."""
    if sys.platform == "emscripten":
        from stigg_client.platform.browser import BrowserPlatform

        return BrowserPlatform()
    from stigg_client.platform.cpython import CPythonPlatform

    return CPythonPlatform()


def create_transport(name: TransportName = "auto") -> Transport:
    """An HTTP transport by name on the current platform (`auto`: the platform's own)."""
    return current_platform().transport(name)
