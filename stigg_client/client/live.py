"""Live updates: the current customer's event stream applied to the cache."""

from __future__ import annotations

import logging
import math
from typing import Any

from stigg_client.client.cache import Scope
from stigg_client.client.push import LiveUpdates, LiveUpdatesStatus, stream_url
from stigg_client.client.state import ClientState, InitializationState, log_background_failure
from stigg_client.core.entries import entry_from_wire

logger = logging.getLogger("stigg_client")


class LiveUpdatesPart(ClientState):
    """Live updates: the current customer's event stream applied to the cache."""

    @property
    def live_updates_status(self) -> LiveUpdatesStatus:
        """The change stream of the current customer: `off`, `connecting`, `connected`, or
        `unavailable` (the server does not offer it: polling every `cache_ttl_s` only)."""
        return self._push.status if self._push is not None else "off"

    def _sync_live_updates(self) -> None:
        """Subscribe to the current customer's stream (once per customer and token)."""
        if not self.config.live_updates or self._closed:
            return
        customer_id = self._customer_id
        key = (customer_id, self._credentials.customer_token) if customer_id else None
        if key == self._push_key:
            return
        self._push_key = key
        if self._push is not None:
            task = self._push.stop()
            self._push = None
            if task is not None:
                self._stopping.add(task)
                task.add_done_callback(self._stopping.discard)
        if key is None:
            return
        if not self._push_connector_made:
            self._push_connector = self._platform.stream_connector()
            self._push_connector_made = True
        if self._push_connector is None:
            return
        url = stream_url(self.config.base_uri, key[0], self.config.api_key, key[1])
        self._push = LiveUpdates(
            url,
            self._push_connector,
            backoff=self.config.reconnect,
            on_event=self._on_pushed,
            on_connected=self._on_push_connected,
            on_dropped=self._on_push_dropped,
        )
        self._push.start()

    def _on_push_connected(self, reconnected: bool) -> None:
        self._note_reachable()
        # Catch up on changes that may have come while disconnected, or between a finished
        # initial load and the stream's start (a load still in flight reads after it).
        if reconnected or self.initialization_state is InitializationState.READY:
            self._reload_in_background(skip_edge=True)

    def _on_push_dropped(self) -> None:
        # A load tells whether Stigg is still there (offline if not) while the stream reconnects.
        self._reload_in_background(skip_edge=False)

    def _reload_in_background(self, *, skip_edge: bool, scopes: list[Scope] | None = None) -> None:
        for scope in self._active_scopes() if scopes is None else scopes:
            self._load(scope, skip_edge=skip_edge).add_done_callback(log_background_failure)

    def _on_pushed(self, kind: str, payload: dict[str, Any]) -> None:
        """Apply a pushed change to the cache, or reload the scope it names."""
        usage = payload.get("usage")
        source = usage if kind == "usageUpdated" and isinstance(usage, dict) else payload
        customer_id = source.get("customerId")
        resource_id = source.get("resourceId") or None
        scope: Scope = (str(customer_id), None if resource_id is None else str(resource_id))
        if customer_id != self._customer_id or scope not in self._active_scopes():
            return
        changed: list[str] | None
        if kind == "creditBalanceUpdated":
            self._apply_credit_balance(scope, payload)
            return
        if kind == "entitlementsUpdated" and isinstance(payload.get("entitlements"), list):
            raw = payload["entitlements"]
            entries = [entry_from_wire(item) for item in raw if isinstance(item, dict)]
            changed = self._cache.store(scope, entries)
            credits = self._credit_states.get(scope)
            if credits is not None:  # the plan may grant other credits: reload at the next check
                credits.last_checked = -math.inf
        elif kind == "usageUpdated" and isinstance(payload.get("entitlement"), dict):
            entry = entry_from_wire(payload["entitlement"])
            if not entry.feature_id:
                self._reload_in_background(skip_edge=True, scopes=[scope])
                return
            # None when the scope is not loaded yet (the load under way brings the change) or the
            # pushed entry is older than the cached one.
            changed = self._cache.patch(scope, entry)
        else:
            self._reload_in_background(skip_edge=True, scopes=[scope])
            return
        if changed:
            self._emitter.emit("entitlements_updated", changed)
