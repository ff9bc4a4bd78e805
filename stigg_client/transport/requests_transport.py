"""Synchronous transport for PyScript workers: `requests` patched by `pyodide_http` (sync XHR).

In a worker (the browser platform patches `requests` and asks for `inline`) the blocking call is
fine and is made inline; in CPython it runs in a thread so the event loop stays responsive.
"""

from __future__ import annotations

import asyncio
import importlib
from typing import Any

from stigg_client.transport.base import HttpResponse, json_or_none, sdk_errors


class RequestsTransport:
    """Blocking HTTP with `requests`, exposed through the async `Transport` interface."""

    def __init__(self, *, inline: bool = False) -> None:
        """`inline`: block the caller (a worker, where `requests` is synchronous XHR) instead of
        running each request in a thread."""
        self._requests: Any = importlib.import_module("requests")
        self._session: Any = self._requests.Session()
        self._inline = inline

    def request_sync(
        self,
        method: str,
        url: str,
        *,
        headers: dict[str, str],
        json_body: Any = None,
        timeout_s: float,
    ) -> HttpResponse:
        """Send one request and block until the response (or the timeout)."""
        requests = self._requests
        with sdk_errors(
            method,
            url,
            timeout_s,
            (requests.RequestException,),
            lambda e: isinstance(e, requests.Timeout),
        ):
            response = self._session.request(
                method, url, headers=headers, json=json_body, timeout=timeout_s
            )
        body = json_or_none(response.json)
        return HttpResponse(int(response.status_code), str(response.reason or ""), body)

    async def request(
        self,
        method: str,
        url: str,
        *,
        headers: dict[str, str],
        json_body: Any = None,
        timeout_s: float,
    ) -> HttpResponse:
        """Async face of `request_sync` (inline in a worker, in a thread in CPython)."""
        if self._inline:
            return self.request_sync(
                method, url, headers=headers, json_body=json_body, timeout_s=timeout_s
            )
        return await asyncio.to_thread(
            self.request_sync,
            method,
            url,
            headers=headers,
            json_body=json_body,
            timeout_s=timeout_s,
        )

    async def aclose(self) -> None:
        """Close the session."""
        self._session.close()
