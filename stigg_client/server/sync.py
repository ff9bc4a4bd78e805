"""`StiggServerSync`: the server SDK for synchronous code (Django views, scripts, workers).

It owns an event loop on a daemon thread and runs every `StiggServer` coroutine method there,
so live updates keep flowing between calls.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import threading
from collections.abc import Callable, Coroutine
from typing import Any

from stigg_client.server.client import StiggServer


class StiggServerSync:
    """Blocking facade over `StiggServer`: same method names and arguments, no `await`."""

    def __init__(self, *, api_key: str, timeout_s: float | None = 120.0, **options: Any) -> None:
        self.timeout_s = timeout_s
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="stigg-server-sync", daemon=True
        )
        self._thread.start()
        self.server: StiggServer = self._run(self._create(api_key, options))

    @classmethod
    def initialize(cls, *, api_key: str, **options: Any) -> StiggServerSync:
        """Create the SDK and wait for its initialization."""
        client = cls(api_key=api_key, **options)
        client.wait_for_initialization()
        return client

    async def _create(self, api_key: str, options: dict[str, Any]) -> StiggServer:
        return StiggServer.initialize(api_key=api_key, **options)

    def _run(self, coroutine: Coroutine[Any, Any, Any]) -> Any:
        future = asyncio.run_coroutine_threadsafe(coroutine, self._loop)
        return future.result(self.timeout_s)

    def add_listener(self, event: Any, listener: Callable[[Any], Any]) -> Callable[[], None]:
        """Register a listener; it is called on the SDK's background thread."""
        return self.server.add_listener(event, listener)

    def close(self) -> None:
        """Close the SDK and stop its thread."""
        if self._loop.is_closed():
            return
        self._run(self.server.close())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
        self._loop.close()

    def __enter__(self) -> StiggServerSync:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self.server, name)
        if not inspect.iscoroutinefunction(attribute):
            return attribute

        @functools.wraps(attribute)
        def call(*args: Any, **kwargs: Any) -> Any:
            return self._run(attribute(*args, **kwargs))

        return call
