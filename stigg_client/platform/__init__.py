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
from typing import TYPE_CHECKING

from stigg_client.platform.base import Platform, TransportName

if TYPE_CHECKING:
    from stigg_client.transport.base import Transport

__all__ = ["Platform", "TransportName", "create_transport", "current_platform"]


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
