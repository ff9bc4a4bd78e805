"""The CPython platform: httpx for requests and streams, no page, no storage, no tabs."""

from __future__ import annotations

import logging

from stigg_client.platform.base import ManualVisibility, TransportName, VisibilitySource
from stigg_client.transport.base import Transport
from stigg_client.transport.sse import Connector

logger = logging.getLogger("stigg_client")


class CPythonPlatform:
    """A server, a script or a test process."""

    name = "cpython"

    def transport(self, name: TransportName = "auto") -> Transport:
        """httpx (`auto`), `requests` in a thread, or pyfetch (which fails outside a browser)."""
        if name == "requests":
            from stigg_client.transport.requests_transport import RequestsTransport

            return RequestsTransport()
        if name == "pyfetch":
            from stigg_client.platform.browser import PyfetchTransport

            return PyfetchTransport()
        from stigg_client.transport.httpx_transport import HttpxTransport

        return HttpxTransport()

    def stream_connector(self) -> Connector | None:
        """A streaming GET over httpx; None when httpx is not installed."""
        try:
            from stigg_client.transport.sse import HttpxConnector

            return HttpxConnector()
        except ImportError as error:
            logger.info("live updates are not available here (%r); polling only", error)
            return None

    def visibility(self) -> VisibilitySource:
        """Always visible: there is no page."""
        return ManualVisibility(True)

    def storage(self) -> None:
        """No persistent store by default (pass a `SnapshotStore` to persist)."""
        return None

    def tab_channel(self, name: str) -> None:
        """No tabs."""
        return None

    def page_query(self) -> dict[str, str]:
        """No page."""
        return {}
