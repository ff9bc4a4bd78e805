"""The one small interface every HTTP transport implements (httpx, pyfetch, requests)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class HttpResponse:
    """Status, reason and decoded JSON body (None when the body is not JSON) of one response."""

    status: int
    reason: str
    body: Any


class Transport(Protocol):
    """Sends one HTTP request; raises `NetworkError` / `StiggTimeoutError`, never retries itself."""

    async def request(
        self,
        method: str,
        url: str,
        *,
        headers: dict[str, str],
        json_body: Any = None,
        timeout_s: float,
    ) -> HttpResponse:
        """Send the request and return the response (any status); raise on network failure."""
        ...

    async def aclose(self) -> None:
        """Release connections."""
        ...
