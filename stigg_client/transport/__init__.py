"""HTTP transports behind one interface; the platform (`stigg_client.platform`) picks one."""

from __future__ import annotations

from stigg_client._moved import moved_names
from stigg_client.transport.base import HttpResponse, Transport
from stigg_client.transport.retry import RetryPolicy

__all__ = ["HttpResponse", "RetryPolicy", "Transport"]


__getattr__ = moved_names(
    __name__,
    {"create_transport": "stigg_client.platform", "TransportName": "stigg_client.platform"},
)
