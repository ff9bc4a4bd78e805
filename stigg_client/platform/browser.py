"""The browser platform (Pyodide, page or PyScript worker): every use of `js` and `pyodide`.

`fetch` (pyfetch) for requests, `EventSource` for the event stream, `document.visibilityState`,
`localStorage` for snapshots, `BroadcastChannel` between tabs and `location.search`. A worker
has no document and no localStorage: those parts answer "always visible" and "no storage".
"""

from __future__ import annotations

import asyncio
import importlib
import json
import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

from stigg_client.errors import NetworkError
from stigg_client.platform.base import (
    ManualVisibility,
    SnapshotStore,
    TabChannel,
    TransportName,
    Unsubscribe,
    VisibilitySource,
)
from stigg_client.transport.base import HttpResponse, Transport, json_or_none, sdk_errors
from stigg_client.transport.sse import (
    EVENT_KINDS,
    Connector,
    OnMessage,
    OnOpen,
    StreamRefused,
    is_refusal,
)

logger = logging.getLogger("stigg_client")


class BrowserPlatform:
    """Pyodide in a page or a worker."""

    name = "browser"

    def transport(self, name: TransportName = "auto") -> Transport:
        """pyfetch (`auto`), or `requests` made synchronous by `pyodide_http` (workers)."""
        if name == "requests":
            from stigg_client.transport.requests_transport import RequestsTransport

            importlib.import_module("pyodide_http").patch_all()
            return RequestsTransport(inline=True)
        if name == "httpx":
            from stigg_client.transport.httpx_transport import HttpxTransport

            return HttpxTransport()
        return PyfetchTransport()

    def stream_connector(self) -> Connector | None:
        """The browser's `EventSource`; None where the JavaScript side has none."""
        try:
            return EventSourceConnector()
        except Exception as error:
            logger.info("live updates are not available here (%r); polling only", error)
            return None

    def visibility(self) -> VisibilitySource:
        """The document's visibility; always visible in a worker."""
        try:
            return DocumentVisibility()
        except Exception as error:  # a worker has no usable `document`
            logger.debug("no document visibility available: %r", error)
            return ManualVisibility(True)

    def storage(self) -> SnapshotStore | None:
        """The page's localStorage; None in a worker."""
        try:
            import js

            storage = js.localStorage
        except Exception as error:  # a worker has no localStorage
            logger.debug("no localStorage here: %r", error)
            return None
        return BrowserStorage(storage) if storage is not None else None

    def tab_channel(self, name: str) -> TabChannel | None:
        """A `BroadcastChannel` named `name`; None where there is none."""
        try:
            return BroadcastChannelLink(name)
        except Exception as error:
            logger.debug("no BroadcastChannel here: %r", error)
            return None

    def page_query(self) -> dict[str, str]:
        """`location.search` as a dict (first value of each key)."""
        import js

        search = str(js.location.search or "")
        return {key: values[0] for key, values in parse_qs(search.lstrip("?")).items() if values}


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


class EventSourceConnector:
    """Pyodide (page or worker): the browser's `EventSource`, whose own retry is switched off
    (each error closes it) so that reconnection follows the same backoff as in CPython."""

    def __init__(self) -> None:
        import js

        self._js: Any = js
        if not hasattr(js, "EventSource"):
            raise RuntimeError("this JavaScript environment has no EventSource")

    async def __call__(self, url: str, on_open: OnOpen, on_message: OnMessage) -> None:
        """Stream `url` until it fails; see `Connector`."""
        from pyodide.ffi import create_proxy

        loop = asyncio.get_running_loop()
        ended: asyncio.Future[int] = loop.create_future()
        source = self._js.EventSource.new(url)
        proxies: list[Any] = []

        def listen(kind: str, callback: Callable[[Any], None]) -> None:
            proxy = create_proxy(callback)
            proxies.append(proxy)
            source.addEventListener(kind, proxy)

        def forward(kind: str) -> Callable[[Any], None]:
            return lambda event: on_message(kind, str(event.data))

        def failed(_event: Any) -> None:
            if not ended.done():
                ended.set_result(int(source.readyState))

        listen("open", lambda _event: on_open())
        listen("error", failed)
        for kind in EVENT_KINDS:
            listen(kind, forward(kind))
        try:
            ready_state = await ended
        finally:
            source.close()
            for proxy in proxies:
                proxy.destroy()
        if ready_state == 2:  # CLOSED: the answer was not an event stream; learn its status
            status = await self._status_of(url)
            if is_refusal(status):
                raise StreamRefused(status)
        raise NetworkError("event stream failed or dropped")

    async def _status_of(self, url: str) -> int:
        """The HTTP status of `url` (the body is not read: the request is aborted at once)."""
        from pyodide.http import pyfetch

        controller = self._js.AbortController.new()
        try:
            response = await pyfetch(url, signal=controller.signal, cache="no-store")
        except Exception as error:
            raise NetworkError(f"event stream unreachable: {error!r}") from error
        finally:
            controller.abort()
        return int(response.status)

    async def aclose(self) -> None:
        """Nothing to release: each `EventSource` is closed when its connection ends."""


class BrowserStorage:
    """The page's `localStorage`, through Pyodide's `js` module."""

    def __init__(self, storage: Any) -> None:
        self._storage = storage

    def read(self, key: str) -> str | None:
        """`localStorage.getItem(key)`; None when missing or when storage refuses.

        A missing key is JS `null`, which Pyodide hands over as `pyodide.ffi.jsnull`, not None
        (and `str(jsnull)` is the text "jsnull"): anything but a string is "no snapshot".
        """
        try:
            value = self._storage.getItem(key)
        except Exception as error:  # SecurityError when storage is blocked
            logger.debug("localStorage read refused: %r", error)
            return None
        return value if isinstance(value, str) else None

    def write(self, key: str, value: str) -> None:
        """`localStorage.setItem(key, value)`; a quota or security error is only logged."""
        try:
            self._storage.setItem(key, value)
        except Exception as error:
            logger.warning("could not persist the entitlements snapshot: %r", error)


class DocumentVisibility:
    """The browser page's `document.visibilityState` and `visibilitychange` events (via `js`)."""

    def __init__(self) -> None:
        import js
        from pyodide.ffi import create_proxy

        self._document: Any = js.document
        self._create_proxy = create_proxy

    def is_visible(self) -> bool:
        """True unless `document.visibilityState` is `hidden`."""
        return str(self._document.visibilityState) != "hidden"

    def subscribe(self, callback: Callable[[bool], None]) -> Unsubscribe:
        """Listen to `visibilitychange` on the document."""

        def on_change(_event: Any) -> None:
            callback(self.is_visible())

        proxy = self._create_proxy(on_change)
        self._document.addEventListener("visibilitychange", proxy)

        def unsubscribe() -> None:
            self._document.removeEventListener("visibilitychange", proxy)
            proxy.destroy()

        return unsubscribe


class BroadcastChannelLink:
    """The browser's `BroadcastChannel` (page or worker), through Pyodide's `js` module."""

    def __init__(self, name: str) -> None:
        import js
        from pyodide.ffi import create_proxy

        self._channel: Any = js.BroadcastChannel.new(name)
        self._create_proxy = create_proxy
        self._proxies: list[Any] = []

    def post(self, message: str) -> None:
        """`postMessage(message)`."""
        self._channel.postMessage(message)

    def listen(self, callback: Callable[[str], None]) -> None:
        """Forward string messages to `callback`."""

        def on_message(event: Any) -> None:
            if isinstance(event.data, str):
                callback(event.data)

        proxy = self._create_proxy(on_message)
        self._proxies.append(proxy)
        self._channel.addEventListener("message", proxy)

    def close(self) -> None:
        """Close the channel and release the callbacks."""
        self._channel.close()
        for proxy in self._proxies:
            proxy.destroy()
        self._proxies.clear()
