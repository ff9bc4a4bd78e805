"""CPython transport on `httpx.AsyncClient` (imported only when this transport is created)."""

from __future__ import annotations

import json
from typing import Any

from stigg_client.transport.base import HttpResponse, json_or_none, sdk_errors


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
        with sdk_errors(
            method,
            url,
            timeout_s,
            (httpx.HTTPError,),
            lambda e: isinstance(e, httpx.TimeoutException),
        ):
            response = await self._client.request(
                method, url, headers=headers, content=content, timeout=timeout_s
            )
        return HttpResponse(
            response.status_code, response.reason_phrase, json_or_none(response.json)
        )

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._client.aclose()
