"""Page visibility sources: the background refresh pauses while the page is hidden."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from stigg_client._moved import moved_names

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


__getattr__ = moved_names(__name__, {"DocumentVisibility": "stigg_client.platform.browser"})
