"""In-memory entitlement cache: one map per (customer, resource) scope, replaced as a whole.

Entries (`stigg_client.core.entries`) are plain precomputed structures so a cached check costs
well under a microsecond; the replace rule (docs/protocol.md §3.1) drops responses whose newest
timestamp is older than what is cached.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

from stigg_client._moved import moved_names
from stigg_client.core.entries import CachedEntitlement
from stigg_client.models.credits import CreditEntitlement

Scope = tuple[str, str | None]
"""(customer id, resource id or None for the customer's global entitlements)."""


@dataclass(slots=True)
class ScopeState:
    """The cached entitlements of one scope and when they were last fetched and last updated."""

    entries: dict[str, CachedEntitlement] = field(default_factory=dict)
    last_update: float | None = None
    last_checked: float = -math.inf
    restored: bool = False
    """True while the entries come from a persisted snapshot, not from a load of this session."""

    @property
    def loaded(self) -> bool:
        """True once a response has been stored (protocol: `lastUpdate` is set)."""
        return self.last_update is not None


@dataclass(slots=True)
class CreditScopeState:
    """The credit entitlements of one scope by currency id, and when they were last fetched."""

    entries: dict[str, CreditEntitlement] = field(default_factory=dict)
    last_checked: float = -math.inf


def newest_update(entries: list[CachedEntitlement], now: float) -> float:
    """`lastUpdate` of a response: max of the entitlement/usage timestamps, or `now` when none."""
    stamps = [entry.updated_at_ts for entry in entries if entry.updated_at_ts is not None]
    if not entries or not stamps:
        return now
    return max(stamps)


class EntitlementsCache:
    """Entitlement maps keyed by scope; replacing a map reports which feature ids changed."""

    def __init__(self) -> None:
        self._scopes: dict[Scope, ScopeState] = {}

    def get(self, scope: Scope) -> ScopeState | None:
        """The state of `scope`, or None when nothing was ever fetched for it."""
        return self._scopes.get(scope)

    def state(self, scope: Scope) -> ScopeState:
        """The state of `scope`, created empty when missing."""
        state = self._scopes.get(scope)
        if state is None:
            state = self._scopes[scope] = ScopeState()
        return state

    def store(
        self,
        scope: Scope,
        entries: list[CachedEntitlement],
        *,
        now: float | None = None,
        restored: bool = False,
    ) -> list[str] | None:
        """Replace `scope`'s map with `entries` unless they are older than the cached ones.

        Returns the feature ids whose entitlement changed (all of them on first load), or None
        when the response was dropped as out of date. `restored` marks a persisted snapshot
        (`now` is then when it was saved).
        """
        wall = time.time() if now is None else now
        state = self.state(scope)
        state.last_checked = time.monotonic()
        update = newest_update(entries, wall)
        if state.last_update is not None and update < state.last_update:
            return None
        previous = state.entries
        fresh = {entry.feature_id: entry for entry in entries}
        changed = [
            feature_id
            for feature_id, entry in fresh.items()
            if feature_id not in previous or previous[feature_id].fingerprint != entry.fingerprint
        ]
        changed.extend(feature_id for feature_id in previous if feature_id not in fresh)
        state.entries = fresh
        state.last_update = update
        state.restored = restored
        return changed

    def patch(self, scope: Scope, entry: CachedEntitlement) -> list[str] | None:
        """Replace one feature's entry of a loaded `scope` (a pushed usage change).

        Returns `[feature_id]` when it changed, `[]` when it did not, and None when the scope is
        not loaded or the entry is older than the cached one (nothing is stored then).
        """
        state = self._scopes.get(scope)
        if state is None or state.last_update is None:
            return None
        previous = state.entries.get(entry.feature_id)
        stamp = entry.updated_at_ts
        if (
            previous is not None
            and previous.updated_at_ts is not None
            and (stamp is None or stamp < previous.updated_at_ts)
        ):
            return None
        state.entries = {**state.entries, entry.feature_id: entry}
        if stamp is not None and stamp > state.last_update:
            state.last_update = stamp
        if previous is not None and previous.fingerprint == entry.fingerprint:
            return []
        return [entry.feature_id]

    def drop(self, scope: Scope) -> None:
        """Forget `scope` entirely."""
        self._scopes.pop(scope, None)

    def retain(self, scopes: set[Scope]) -> None:
        """Forget every scope not in `scopes` (used when the customer context changes)."""
        for scope in list(self._scopes):
            if scope not in scopes:
                del self._scopes[scope]


__getattr__ = moved_names(
    __name__,
    {
        name: "stigg_client.core.entries"
        for name in ("METERED_TYPES", "entry_from_wire", "parse_datetime")
    },
)
