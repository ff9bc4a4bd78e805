"""Browser transport (Pyodide main thread): `pyodide.http.pyfetch`, AbortController timeouts."""

from __future__ import annotations

import json
from typing import Any

from stigg_client.errors import NetworkError, StiggTimeoutError
from stigg_client.transport.base import HttpResponse


class PyfetchTransport:
    """Async HTTP through the browser's `fetch` (imports `js` and `pyodide` lazily)."""

    def __init__(self) -> None:
        import js
        from pyodide.ffi import create_once_callable
        from pyodide.http import pyfetch

        self._js = js
        self._once = create_once_callable
        self._pyfetch = pyfetch

    async def request(
        self,
        method: str,
        url: str,
        *,
        headers: dict[str, str],
        json_body: Any = None,
        timeout_s: float,
    ) -> HttpResponse:
        """Send one request; the AbortController cancels it after `timeout_s`."""
        js = self._js
        controller = js.AbortController.new()
        timed_out = False

        def abort() -> None:
            nonlocal timed_out
            timed_out = True
            controller.abort()

        timer = js.setTimeout(self._once(abort), int(timeout_s * 1000))
        options: dict[str, Any] = {
            "method": method,
            "headers": headers,
            "signal": controller.signal,
        }
        if json_body is not None:
            options["body"] = json.dumps(json_body)
        try:
            response = await self._pyfetch(url, **options)
            text = await response.text()
        except Exception as error:
            if timed_out:
                raise StiggTimeoutError(f"{method} {url} timed out after {timeout_s}s") from error
            raise NetworkError(f"{method} {url} failed: {error!r}") from error
        finally:
            js.clearTimeout(timer)
        try:
            body: Any = json.loads(text) if text else None
        except ValueError:
            body = None
        return HttpResponse(int(response.status), str(response.status_text), body)

    async def aclose(self) -> None:
        """Nothing to release: the browser owns the connections."""
