"""Synchronous transport for PyScript workers: `requests` patched by `pyodide_http` (sync XHR).

In a worker the blocking call is fine and is made inline; in CPython it runs in a thread so the
event loop stays responsive. Both libraries are imported only when this transport is created.
"""

from __future__ import annotations

import asyncio
import importlib
import sys
from typing import Any

from stigg_client.errors import NetworkError, StiggTimeoutError
from stigg_client.transport.base import HttpResponse


class RequestsTransport:
    """Blocking HTTP with `requests`, exposed through the async `Transport` interface."""

    def __init__(self) -> None:
        if sys.platform == "emscripten":
            importlib.import_module("pyodide_http").patch_all()
        self._requests: Any = importlib.import_module("requests")
        self._session: Any = self._requests.Session()
        self._inline = sys.platform == "emscripten"

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
        try:
            response = self._session.request(
                method, url, headers=headers, json=json_body, timeout=timeout_s
            )
        except requests.Timeout as error:
            raise StiggTimeoutError(f"{method} {url} timed out after {timeout_s}s") from error
        except requests.RequestException as error:
            raise NetworkError(f"{method} {url} failed: {error!r}") from error
        try:
            body: Any = response.json()
        except ValueError:
            body = None
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
