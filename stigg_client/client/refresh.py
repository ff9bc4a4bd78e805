"""The background refresh loop: reload every `cache_ttl_s` while the page is visible."""

from __future__ import annotations

import asyncio
import logging

from stigg_client.client.state import ClientState
from stigg_client.errors import StiggError

logger = logging.getLogger("stigg_client")


class RefreshLoopPart(ClientState):
    """The background refresh loop: reload every `cache_ttl_s` while the page is visible."""

    def _on_visibility(self, visible: bool) -> None:
        (self._became_visible if visible else self._wakeup).set()

    async def _refresh_loop(self) -> None:
        """Reload every `cache_ttl_s` while visible; while offline, sooner (backoff + jitter)."""
        loop = asyncio.get_running_loop()
        while not self._closed:
            await self._wait_until_due()
            if self._closed:
                return
            self._due_at = loop.time() + self.config.cache_ttl_s
            try:
                if self._customer_id is None:
                    if self._connection == "offline":
                        await self._fetch_sdk_configuration()
                        self._sdk_configured = True
                        self._recover_if_loaded()
                    continue
                await asyncio.gather(
                    *(self._load(scope, skip_edge=False) for scope in self._active_scopes())
                )
            except StiggError as error:
                logger.warning("background refresh failed: %s", error)

    async def _wait_until_due(self) -> None:
        loop = asyncio.get_running_loop()
        if self._due_at is None:
            self._due_at = loop.time() + self.config.cache_ttl_s
        while True:
            if not self._visibility.is_visible():
                self._became_visible.clear()
                await self._became_visible.wait()
                return
            remaining = self._due_at - loop.time()
            if remaining <= 0:
                return
            self._wakeup.clear()
            try:
                await asyncio.wait_for(self._wakeup.wait(), remaining)
            except TimeoutError:
                return
