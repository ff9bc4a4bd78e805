"""Browser transport (Pyodide main thread): `pyodide.http.pyfetch`, AbortController timeouts."""

from __future__ import annotations

import json
from typing import Any

from stigg_client.transport.base import HttpResponse, json_or_none, sdk_errors


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
            with sdk_errors(method, url, timeout_s, (Exception,), lambda error: timed_out):
                response = await self._pyfetch(url, **options)
                text = await response.text()
        finally:
            js.clearTimeout(timer)
        body = json_or_none(lambda: json.loads(text) if text else None)
        return HttpResponse(int(response.status), str(response.status_text), body)

    async def aclose(self) -> None:
        """Nothing to release: the browser owns the connections."""
