"""In-memory entitlement cache: one map per (customer, resource) scope, replaced as a whole.

Entries are plain precomputed structures so a cached check costs well under a microsecond; the
replace rule (protocol §3.1) drops responses whose newest timestamp is older than what is cached.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from stigg_client.models.entitlements import EntitlementFeature
from stigg_client.models.enums import MeterType

Scope = tuple[str, str | None]
"""(customer id, resource id or None for the customer's global entitlements)."""

METERED_TYPES = frozenset({MeterType.INCREMENTAL.value, MeterType.FLUCTUATING.value})


def parse_datetime(value: Any) -> datetime | None:
    """Parse an ISO-8601 wire timestamp (or epoch milliseconds) into an aware datetime."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value / 1000, tz=UTC)
    return datetime.fromisoformat(str(value))


@dataclass(slots=True)
class CachedEntitlement:
    """One feature's entitlement and usage, with everything a check needs precomputed."""

    feature_id: str
    feature_type: str | None
    meter_type: str | None
    plain_feature: EntitlementFeature | None
    metered_feature: EntitlementFeature | None
    usage_limit: float | None
    has_unlimited_usage: bool
    has_soft_limit: bool
    access_denied_reason: str | None
    current_usage: float
    reset_period: str | None
    reset_period_configuration: dict[str, Any] | None
    usage_period_anchor: datetime | None
    usage_period_start: datetime | None
    usage_period_end: datetime | None
    usage_period_end_ts: float
    updated_at_ts: float | None
    fingerprint: tuple[Any, ...] = field(default=())
    memo: dict[Any, Any] = field(default_factory=dict)
    """Results already computed from this entry (they are immutable, so they can be shared)."""

    @property
    def is_metered(self) -> bool:
        """Whether the feature counts usage (meter type Incremental or Fluctuating)."""
        return self.meter_type in METERED_TYPES


def _feature_model(feature: dict[str, Any], is_metered: bool) -> EntitlementFeature:
    metadata = feature.get("additionalMetaData")
    return EntitlementFeature.model_construct(
        id=str(feature.get("refId") or feature.get("id") or ""),
        feature_type=feature.get("featureType"),
        meter_type=feature.get("meterType"),
        units=feature.get("featureUnits"),
        units_plural=feature.get("featureUnitsPlural"),
        display_name=feature.get("displayName"),
        description=feature.get("description") or "",
        is_metered=is_metered,
        metadata=metadata if isinstance(metadata, dict) else None,
    )


def _timestamp(value: Any) -> float | None:
    moment = parse_datetime(value)
    return moment.timestamp() if moment is not None else None


def entry_from_wire(raw: dict[str, Any]) -> CachedEntitlement:
    """Map one GraphQL `Entitlement` object into a cache entry (protocol §5.1 mapping)."""
    feature = raw.get("feature")
    feature_id = str(feature.get("refId") or "") if isinstance(feature, dict) else ""
    end = parse_datetime(raw.get("usagePeriodEnd"))
    stamps = [
        stamp
        for stamp in (
            _timestamp(raw.get("entitlementUpdatedAt")),
            _timestamp(raw.get("usageUpdatedAt")),
        )
        if stamp is not None
    ]
    limit = raw.get("usageLimit")
    entry = CachedEntitlement(
        feature_id=feature_id,
        feature_type=feature.get("featureType") if isinstance(feature, dict) else None,
        meter_type=feature.get("meterType") if isinstance(feature, dict) else None,
        plain_feature=_feature_model(feature, False) if isinstance(feature, dict) else None,
        metered_feature=_feature_model(feature, True) if isinstance(feature, dict) else None,
        usage_limit=float(limit) if limit is not None else None,
        has_unlimited_usage=bool(raw.get("hasUnlimitedUsage")),
        has_soft_limit=bool(raw.get("hasSoftLimit")),
        access_denied_reason=raw.get("accessDeniedReason"),
        current_usage=float(raw.get("currentUsage") or 0),
        reset_period=raw.get("resetPeriod"),
        reset_period_configuration=raw.get("resetPeriodConfiguration"),
        usage_period_anchor=parse_datetime(raw.get("usagePeriodAnchor")),
        usage_period_start=parse_datetime(raw.get("usagePeriodStart")),
        usage_period_end=end,
        usage_period_end_ts=end.timestamp() if end is not None else math.inf,
        updated_at_ts=max(stamps) if stamps else None,
    )
    entry.fingerprint = (
        entry.feature_type,
        entry.meter_type,
        entry.usage_limit,
        entry.has_unlimited_usage,
        entry.has_soft_limit,
        entry.access_denied_reason,
        entry.current_usage,
        entry.reset_period,
        entry.usage_period_start,
        entry.usage_period_end,
        entry.plain_feature.model_dump() if entry.plain_feature is not None else None,
    )
    return entry


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
