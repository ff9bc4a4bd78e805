"""HTTP transports behind one interface; `create_transport` picks the right one for the runtime."""

from __future__ import annotations

import sys
from typing import Literal

from stigg_client.transport.base import HttpResponse, Transport
from stigg_client.transport.retry import RetryPolicy

TransportName = Literal["auto", "httpx", "pyfetch", "requests"]

__all__ = ["HttpResponse", "RetryPolicy", "Transport", "TransportName", "create_transport"]


def create_transport(name: TransportName = "auto") -> Transport:
    """`auto` is pyfetch under Pyodide (sys.platform == "emscripten") and httpx elsewhere."""
    if name == "auto":
        name = "pyfetch" if sys.platform == "emscripten" else "httpx"
    if name == "pyfetch":
        from stigg_client.transport.pyfetch_transport import PyfetchTransport

        return PyfetchTransport()
    if name == "requests":
        from stigg_client.transport.requests_transport import RequestsTransport

        return RequestsTransport()
    from stigg_client.transport.httpx_transport import HttpxTransport

    return HttpxTransport()
