"""Cached entitlement reads per (customer, resource), invalidated by committed changes."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from stigg_emulator.domain.changes import CREDITS, ENTITLEMENTS, PACKAGE, USAGE, Change
from stigg_emulator.domain.context import Domain
from stigg_emulator.domain.entitlements import ScopeState, scope_state
from stigg_emulator.wire.entitlement_json import entitlements_json, entitlements_state_json


@dataclass
class _Entry:
    state: ScopeState
    expires_at: int | None
    documents: dict[str, Any] = field(default_factory=dict)
    encoded: dict[str, bytes] = field(default_factory=dict)


class EntitlementReads:
    """Answers entitlement reads from memory; every write to a customer drops its entries."""

    def __init__(self, domain: Domain, max_entries: int = 50_000) -> None:
        self.domain = domain
        self.max_entries = max_entries
        self._entries: dict[tuple[str, str | None], _Entry] = {}
        self._by_customer: dict[str, set[str | None]] = {}
        domain.bus.subscribe(self._on_changes)

    def _on_changes(self, changes: list[Change]) -> None:
        for change in changes:
            if change.kind == PACKAGE:
                self.clear()
                return
            if change.kind in (ENTITLEMENTS, USAGE, CREDITS):
                self.invalidate(change.customer_ref)

    def invalidate(self, customer_ref: str) -> None:
        """Forget every cached scope of a customer."""
        for resource in self._by_customer.pop(customer_ref, set()):
            self._entries.pop((customer_ref, resource), None)

    def clear(self) -> None:
        """Forget everything."""
        self._entries.clear()
        self._by_customer.clear()

    def _entry(self, customer_ref: str, resource_id: str | None) -> _Entry:
        key = (customer_ref, resource_id)
        entry = self._entries.get(key)
        now_ms = self.domain.clock.now_ms(customer_ref)
        if entry is not None and (entry.expires_at is None or entry.expires_at > now_ms):
            return entry
        with self.domain.read() as connection:
            state = scope_state(
                connection,
                self.domain.catalog,
                customer_ref,
                resource_id,
                self.domain.clock.now(customer_ref),
            )
        entry = _Entry(state, state.expires_at)
        if len(self._entries) >= self.max_entries:
            self.clear()
        self._entries[key] = entry
        self._by_customer.setdefault(customer_ref, set()).add(resource_id)
        return entry

    def state(self, customer_ref: str, resource_id: str | None) -> ScopeState:
        """The computed scope state (grants and usage)."""
        return self._entry(customer_ref, resource_id).state

    def entitlements(self, customer_ref: str, resource_id: str | None) -> list[dict[str, Any]]:
        """`cachedEntitlements` list."""
        entry = self._entry(customer_ref, resource_id)
        if "entitlements" not in entry.documents:
            entry.documents["entitlements"] = entitlements_json(entry.state)
        return entry.documents["entitlements"]  # type: ignore[no-any-return]

    def entitlements_state(self, customer_ref: str, resource_id: str | None) -> dict[str, Any]:
        """`entitlementsState` object."""
        entry = self._entry(customer_ref, resource_id)
        if "state" not in entry.documents:
            entry.documents["state"] = entitlements_state_json(entry.state)
        return entry.documents["state"]  # type: ignore[no-any-return]

    def edge_body(self, kind: str, customer_ref: str, resource_id: str | None) -> bytes:
        """The edge JSON envelope (`entitlements` or `entitlementsState`), encoded once."""
        entry = self._entry(customer_ref, resource_id)
        body = entry.encoded.get(kind)
        if body is None:
            if kind == "entitlements":
                payload: dict[str, Any] = {
                    "entitlements": self.entitlements(customer_ref, resource_id)
                }
            else:
                payload = {"entitlementsState": self.entitlements_state(customer_ref, resource_id)}
            body = json.dumps({"data": payload}, separators=(",", ":")).encode()
            entry.encoded[kind] = body
        return body
