"""The one small interface every HTTP transport implements (httpx, pyfetch, requests)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol

from stigg_client.errors import NetworkError, StiggTimeoutError


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


@contextmanager
def sdk_errors(
    method: str,
    url: str,
    timeout_s: float,
    failures: tuple[type[BaseException], ...],
    timed_out: Callable[[BaseException], bool],
) -> Iterator[None]:
    """Re-raise a library's `failures` as `StiggTimeoutError` (when `timed_out`) or `NetworkError`.

    Every transport maps its HTTP library's exceptions through this, so the SDK sees the same
    error types and messages whichever library sent the request.
    """
    try:
        yield
    except failures as error:
        if timed_out(error):
            raise StiggTimeoutError(f"{method} {url} timed out after {timeout_s}s") from error
        raise NetworkError(f"{method} {url} failed: {error!r}") from error


def json_or_none(load: Callable[[], Any]) -> Any:
    """The decoded body `load()` returns, or None when the body is not JSON."""
    try:
        return load()
    except ValueError:
        return None
