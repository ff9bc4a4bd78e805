"""Entitlement stores of the server SDK: one interface, an in-memory LRU and (redis_store) Redis.

A scope is `(customer_id, resource_id or None)`. A store keeps, per scope, the entitlements map
(feature id → wire `FeatureEntitlement`), the customer-level `accessDeniedReason`, and the usage
of every feature under its own key. Every value carries the epoch-millisecond timestamp of the
message that wrote it, and a write older than the stored one is dropped (docs/protocol.md §3.3), so
replays and out-of-order deliveries can never make the cache go back in time.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Protocol

from stigg_client.core.entries import parse_datetime

Json = dict[str, Any]
Scope = tuple[str, str | None]


@dataclass(slots=True)
class CustomerEntitlements:
    """What a store holds for one scope, usage already merged into each entitlement."""

    entitlements: dict[str, Json]
    access_denied_reason: str | None = None
    timestamp_ms: int = 0


@dataclass(slots=True)
class UsageRecord:
    """The usage of one feature in one scope."""

    current_usage: float
    usage_period_start: str | None = None
    usage_period_end: str | None = None
    usage_updated_at: str | None = None

    def to_json(self) -> Json:
        """Wire-named fields, as they are merged into an entitlement."""
        return {
            "currentUsage": self.current_usage,
            "usagePeriodStart": self.usage_period_start,
            "usagePeriodEnd": self.usage_period_end,
            "usageUpdatedAt": self.usage_updated_at,
        }

    @classmethod
    def from_json(cls, raw: Json) -> UsageRecord:
        """Inverse of `to_json`."""
        return cls(
            current_usage=float(raw.get("currentUsage") or 0),
            usage_period_start=raw.get("usagePeriodStart"),
            usage_period_end=raw.get("usagePeriodEnd"),
            usage_updated_at=raw.get("usageUpdatedAt"),
        )


def epoch_ms(value: Any) -> int | None:
    """Epoch milliseconds of a wire timestamp (ISO string or epoch ms), None when absent."""
    moment = parse_datetime(value)
    return round(moment.timestamp() * 1000) if moment is not None else None


def entitlements_timestamp(entitlements: list[Json]) -> int:
    """Timestamp of a snapshot: the newest `entitlementUpdatedAt`, 0 when there is none."""
    stamps = [epoch_ms(e.get("entitlementUpdatedAt")) for e in entitlements]
    valid = [s for s in stamps if s is not None]
    return max(valid) if valid else 0


def usage_timestamp(entitlement: Json, default_ms: int) -> int:
    """Timestamp of the usage inside a snapshot entitlement (`usageUpdatedAt` or the default)."""
    stamp = epoch_ms(entitlement.get("usageUpdatedAt"))
    return stamp if stamp is not None else default_ms


def merge_usage(entitlement: Json, usage: UsageRecord | None) -> Json:
    """The entitlement with `usage` applied (a copy; the stored value is left untouched)."""
    if usage is None:
        return entitlement
    merged = dict(entitlement)
    for key, value in usage.to_json().items():
        if value is not None or key == "currentUsage":
            merged[key] = value
    return merged


class EntitlementsStore(Protocol):
    """What `StiggServer` needs from a cache of customer entitlements."""

    persistent: bool
    """True when the store outlives the process (and is shared): it is not cleared on reconnect."""

    async def get(self, scope: Scope) -> CustomerEntitlements | None:
        """The scope's entitlements with usage merged, or None on a miss."""
        ...

    async def set_customer(
        self,
        scope: Scope,
        entitlements: list[Json],
        access_denied_reason: str | None,
        timestamp_ms: int,
    ) -> bool:
        """Store a snapshot unless a newer one is stored; True when it was written."""
        ...

    async def update_usage(
        self, scope: Scope, feature_id: str, usage: UsageRecord, timestamp_ms: int
    ) -> bool:
        """Store one feature's usage unless newer usage is stored or the scope is not cached."""
        ...

    async def purge(self, scope: Scope) -> None:
        """Forget one scope."""
        ...

    async def clear(self) -> None:
        """Forget every scope."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...


@dataclass(slots=True)
class _Entry:
    entitlements: dict[str, Json]
    access_denied_reason: str | None
    timestamp_ms: int
    usage: dict[str, tuple[UsageRecord, int]] = field(default_factory=dict)


class InMemoryEntitlementsStore:
    """Per-process store, bounded by a number of scopes (least recently used evicted first)."""

    persistent = False

    def __init__(self, max_scopes: int = 100_000) -> None:
        self.max_scopes = max_scopes
        self._entries: OrderedDict[Scope, _Entry] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    async def get(self, scope: Scope) -> CustomerEntitlements | None:
        """The scope's entitlements with usage merged, or None on a miss."""
        entry = self._entries.get(scope)
        if entry is None:
            return None
        self._entries.move_to_end(scope)
        merged = {
            feature_id: merge_usage(raw, entry.usage.get(feature_id, (None, 0))[0])
            for feature_id, raw in entry.entitlements.items()
        }
        return CustomerEntitlements(merged, entry.access_denied_reason, entry.timestamp_ms)

    async def set_customer(
        self,
        scope: Scope,
        entitlements: list[Json],
        access_denied_reason: str | None,
        timestamp_ms: int,
    ) -> bool:
        """Store a snapshot unless a newer one is stored; True when it was written."""
        current = self._entries.get(scope)
        if current is not None and current.timestamp_ms > timestamp_ms:
            return False
        usage = dict(current.usage) if current is not None else {}
        by_feature: dict[str, Json] = {}
        for raw in entitlements:
            feature_id = str((raw.get("feature") or {}).get("refId") or "")
            by_feature[feature_id] = raw
            stamp = usage_timestamp(raw, timestamp_ms)
            known = usage.get(feature_id)
            if known is None or known[1] <= stamp:
                usage[feature_id] = (UsageRecord.from_json(raw), stamp)
        self._entries[scope] = _Entry(by_feature, access_denied_reason, timestamp_ms, usage)
        self._entries.move_to_end(scope)
        while len(self._entries) > self.max_scopes:
            self._entries.popitem(last=False)
        return True

    async def update_usage(
        self, scope: Scope, feature_id: str, usage: UsageRecord, timestamp_ms: int
    ) -> bool:
        """Store one feature's usage unless newer usage is stored or the scope is not cached."""
        entry = self._entries.get(scope)
        if entry is None:
            return False
        known = entry.usage.get(feature_id)
        if known is not None and known[1] > timestamp_ms:
            return False
        entry.usage[feature_id] = (usage, timestamp_ms)
        return True

    async def purge(self, scope: Scope) -> None:
        """Forget one scope."""
        self._entries.pop(scope, None)

    async def clear(self) -> None:
        """Forget every scope."""
        self._entries.clear()

    async def close(self) -> None:
        """Nothing to release."""
        self._entries.clear()
