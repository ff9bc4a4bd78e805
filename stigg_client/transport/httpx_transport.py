"""CPython transport on `httpx.AsyncClient` (imported only when this transport is created)."""

from __future__ import annotations

import json
from typing import Any

from stigg_client.errors import NetworkError, StiggTimeoutError
from stigg_client.transport.base import HttpResponse


class HttpxTransport:
    """Async HTTP over one pooled `httpx.AsyncClient`."""

    def __init__(self) -> None:
        import httpx

        self._httpx = httpx
        self._client = httpx.AsyncClient(follow_redirects=True)

    async def request(
        self,
        method: str,
        url: str,
        *,
        headers: dict[str, str],
        json_body: Any = None,
        timeout_s: float,
    ) -> HttpResponse:
        """Send one request with a total timeout of `timeout_s`."""
        httpx = self._httpx
        content = json.dumps(json_body).encode() if json_body is not None else None
        try:
            response = await self._client.request(
                method, url, headers=headers, content=content, timeout=timeout_s
            )
        except httpx.TimeoutException as error:
            raise StiggTimeoutError(f"{method} {url} timed out after {timeout_s}s") from error
        except httpx.HTTPError as error:
            raise NetworkError(f"{method} {url} failed: {error!r}") from error
        try:
            body: Any = response.json()
        except ValueError:
            body = None
        return HttpResponse(response.status_code, response.reason_phrase, body)

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._client.aclose()
