"""Snapshots and tabs: each full load is persisted and posted to the other tabs, and taken
from them.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from stigg_client.client import tabs
from stigg_client.client.cache import Scope
from stigg_client.client.snapshots import Snapshot, decode, encode, snapshot_key
from stigg_client.client.state import ClientState
from stigg_client.core.entries import CachedEntitlement, entry_from_wire

logger = logging.getLogger("stigg_client")


class SharingPart(ClientState):
    """Snapshots and tabs: each full load is persisted and posted to the other tabs, and taken"""

    def _snapshot_key(self, scope: Scope) -> str:
        return snapshot_key(self.config.base_uri, self.config.api_key, *scope)

    def _restore_snapshots(self) -> None:
        """Answer checks of scopes not loaded yet from their persisted snapshots, if fresh."""
        if self._snapshots is None:
            return
        now = time.time()
        for scope in self._active_scopes():
            if self._cache.get(scope) is not None:
                continue
            text = self._snapshots.read(self._snapshot_key(scope))
            snapshot = decode(text, now=now, max_age_s=self.config.snapshot_max_age_s)
            entries = None if snapshot is None else _parsed(snapshot.entitlements, "a snapshot's")
            if snapshot is None or entries is None:
                continue
            self._cache.store(scope, entries, now=snapshot.saved_at, restored=True)
            logger.debug("answering %s from a snapshot saved at %s", scope, snapshot.saved_at)

    def _publish_load(self, scope: Scope, entitlements: list[Any]) -> None:
        """Keep a fresh load as the scope's snapshot and hand it to the other tabs."""
        if self._snapshots is None and self._tabs is None:
            return
        items = [item for item in entitlements if isinstance(item, dict)]
        if self._snapshots is not None:
            self._snapshots.write(self._snapshot_key(scope), encode(Snapshot(time.time(), items)))
        if self._tabs is not None:
            self._tabs.post(tabs.encode(tabs.SharedLoad(scope[0], scope[1], items)))

    def _on_tab_load(self, message: str) -> None:
        """Take another tab's load of one of our scopes (under the usual replace rule)."""
        load = tabs.decode(message)
        if load is None or self._closed:
            return
        scope: Scope = (load.customer_id, load.resource_id)
        if scope not in self._active_scopes():
            return
        entries = _parsed(load.entitlements, "another tab's")
        if entries is None:
            return
        changed = self._cache.store(scope, entries)
        if changed:
            self._emitter.emit("entitlements_updated", changed)


def _parsed(items: list[dict[str, Any]], source: str) -> list[CachedEntitlement] | None:
    """Cache entries from stored or shared wire entitlements; None (logged) when they do not
    parse, so that a corrupt snapshot or message never reaches a check or the page."""
    try:
        return [entry_from_wire(item) for item in items]
    except (AttributeError, TypeError, ValueError) as error:
        logger.warning("ignoring %s entitlements: %r", source, error)
        return None
