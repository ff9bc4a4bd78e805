"""Page visibility sources: the background refresh pauses while the page is hidden."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Protocol

logger = logging.getLogger("stigg_client")

Unsubscribe = Callable[[], None]


class VisibilitySource(Protocol):
    """Tells whether the page is visible and calls back when that changes."""

    def is_visible(self) -> bool:
        """True while the page is visible (or when there is no page)."""
        ...

    def subscribe(self, callback: Callable[[bool], None]) -> Unsubscribe:
        """Call `callback(visible)` on every change; returns a function that unsubscribes."""
        ...


class ManualVisibility:
    """A visibility you set yourself (CPython default: always visible; also used by tests)."""

    def __init__(self, visible: bool = True) -> None:
        self._visible = visible
        self._callbacks: list[Callable[[bool], None]] = []

    def is_visible(self) -> bool:
        """The last value given to `set_visible`."""
        return self._visible

    def set_visible(self, visible: bool) -> None:
        """Change the visibility and notify subscribers when it actually changed."""
        if visible == self._visible:
            return
        self._visible = visible
        for callback in list(self._callbacks):
            callback(visible)

    def subscribe(self, callback: Callable[[bool], None]) -> Unsubscribe:
        """Register `callback`."""
        self._callbacks.append(callback)
        return lambda: self._callbacks.remove(callback) if callback in self._callbacks else None


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


def default_visibility() -> VisibilitySource:
    """The page's visibility in a browser main thread, else always visible."""
    import sys

    if sys.platform == "emscripten":
        try:
            return DocumentVisibility()
        except Exception as error:  # a worker has no usable `document`
            logger.debug("no document visibility available: %r", error)
    return ManualVisibility(True)
