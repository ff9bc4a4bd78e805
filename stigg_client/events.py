"""Listener registry for client events: initialized, initialize_failed, entitlements_updated."""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Callable
from typing import Any, Literal

logger = logging.getLogger("stigg_client")

EventName = Literal["initialized", "initialize_failed", "entitlements_updated"]
EVENT_NAMES: frozenset[str] = frozenset(
    {"initialized", "initialize_failed", "entitlements_updated"}
)
Listener = Callable[..., Any]


class Emitter:
    """Calls listeners in registration order; a failing listener is logged, never propagated."""

    def __init__(self) -> None:
        self._listeners: dict[str, list[Listener]] = {name: [] for name in EVENT_NAMES}
        self._tasks: set[asyncio.Task[Any]] = set()

    def add(self, event: EventName, listener: Listener) -> Callable[[], None]:
        """Register `listener` for `event`; returns a function that removes it."""
        if event not in EVENT_NAMES:
            raise ValueError(f"unknown event {event!r}; expected one of {sorted(EVENT_NAMES)}")
        self._listeners[event].append(listener)
        return lambda: self.remove(event, listener)

    def remove(self, event: EventName, listener: Listener) -> None:
        """Unregister `listener` (no error when it was not registered)."""
        listeners = self._listeners.get(event, [])
        if listener in listeners:
            listeners.remove(listener)

    def emit(self, event: EventName, *args: Any) -> None:
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
