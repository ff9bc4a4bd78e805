"""Entitlement entries: one wire `Entitlement` mapped into the precomputed structure a check reads
(docs/protocol.md §5.1 mapping). Both SDKs build their entries here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from stigg_client.models.entitlements import EntitlementFeature
from stigg_client.models.enums import MeterType

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
    enum_values: frozenset[str] = frozenset()
    enum_values_list: tuple[str, ...] = ()
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
    """Map one GraphQL `Entitlement` object into a cache entry (docs/protocol.md §5.1 mapping)."""
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
    enum_values = raw.get("enumValues")
    if isinstance(enum_values, list):
        entry.enum_values_list = tuple(str(value) for value in enum_values)
        entry.enum_values = frozenset(entry.enum_values_list)
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
        entry.enum_values_list,
        entry.plain_feature.model_dump() if entry.plain_feature is not None else None,
    )
    return entry
