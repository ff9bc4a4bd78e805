"""Listener registry of both SDKs (client events by default; the server SDK passes its own)."""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Callable
from typing import Any, Literal

logger = logging.getLogger("stigg_client")

EventName = Literal[
    "initialized",
    "initialize_failed",
    "entitlements_updated",
    "credit_balance_updated",
    "connection_state_changed",
]
EVENT_NAMES: frozenset[str] = frozenset(
    {
        "initialized",
        "initialize_failed",
        "entitlements_updated",
        "credit_balance_updated",
        "connection_state_changed",
    }
)
ConnectionState = Literal["connecting", "online", "offline"]
"""Whether the client reaches Stigg: before the first answer, after one, after a network fault."""
Listener = Callable[..., Any]


class Emitter:
    """Calls listeners in registration order; a failing listener is logged, never propagated."""

    def __init__(self, names: frozenset[str] = EVENT_NAMES) -> None:
        self._names = names
        self._listeners: dict[str, list[Listener]] = {name: [] for name in names}
        self._tasks: set[asyncio.Task[Any]] = set()

    def add(self, event: str, listener: Listener) -> Callable[[], None]:
        """Register `listener` for `event`; returns a function that removes it."""
        if event not in self._names:
            raise ValueError(f"unknown event {event!r}; expected one of {sorted(self._names)}")
        self._listeners[event].append(listener)
        return lambda: self.remove(event, listener)

    def remove(self, event: str, listener: Listener) -> None:
        """Unregister `listener` (no error when it was not registered)."""
        listeners = self._listeners.get(event, [])
        if listener in listeners:
            listeners.remove(listener)

    def emit(self, event: str, *args: Any) -> None:
        """Call every listener of `event`; coroutine results are scheduled on the running loop."""
        for listener in list(self._listeners[event]):
            try:
                result = listener(*args)
                if inspect.isawaitable(result):
                    task = asyncio.ensure_future(result)
                    self._tasks.add(task)
                    task.add_done_callback(self._tasks.discard)
            except Exception:
                logger.exception("listener for %s failed", event)
