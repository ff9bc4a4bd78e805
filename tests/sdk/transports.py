"""Transport wrappers for integration tests: they sit on the real httpx transport and only count,
delay or interrupt requests so ordering, retries and visibility can be observed."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from stigg_client.errors import NetworkError
from stigg_client.transport.base import HttpResponse
from stigg_client.transport.httpx_transport import HttpxTransport


class RecordingTransport:
    """Real HTTP, plus a log of (method, url, headers) and optional per-request hooks."""

    def __init__(self) -> None:
        self.inner = HttpxTransport()
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self.delay_s: Callable[[str, str, Any], float] = lambda method, url, body: 0.0
        self.fail_next = 0
        self.fail_when: Callable[[str, str, Any], bool] = lambda method, url, body: False

    async def request(
        self,
        method: str,
        url: str,
        *,
        headers: dict[str, str],
        json_body: Any = None,
        timeout_s: float,
    ) -> HttpResponse:
        self.requests.append((method, url, dict(headers)))
        if self.fail_next > 0 or self.fail_when(method, url, json_body):
            self.fail_next = max(0, self.fail_next - 1)
            raise NetworkError(f"injected network failure for {url}")
        response = await self.inner.request(
            method, url, headers=headers, json_body=json_body, timeout_s=timeout_s
        )
        delay = self.delay_s(method, url, json_body)
        if delay:
            await asyncio.sleep(delay)
        return response

    def count(self, fragment: str) -> int:
        return sum(1 for _, url, _ in self.requests if fragment in url)

    async def aclose(self) -> None:
        await self.inner.aclose()
