"""Builders of GraphQL `Entitlement` objects as Stigg sends them, for unit tests."""

from __future__ import annotations

from typing import Any


def wire_entitlement(
    feature_id: str = "feature-demo-03",
    *,
    feature_type: str = "NUMBER",
    meter_type: str | None = "Incremental",
    usage_limit: float | None = 2,
    current_usage: float | None = 0,
    has_unlimited_usage: bool = False,
    has_soft_limit: bool | None = False,
    access_denied_reason: str | None = None,
    reset_period: str | None = None,
    anchor: str | None = None,
    start: str | None = None,
    end: str | None = None,
    updated_at: str | None = "2026-01-01T00:00:00.000Z",
    usage_updated_at: str | None = None,
) -> dict[str, Any]:
    """One `Entitlement` as `cachedEntitlements` returns it."""
    return {
        "isGranted": True,
        "accessDeniedReason": access_denied_reason,
        "usageLimit": usage_limit,
        "hasUnlimitedUsage": has_unlimited_usage,
        "hasSoftLimit": has_soft_limit,
        "currentUsage": current_usage,
        "requestedUsage": None,
        "entitlementUpdatedAt": updated_at,
        "usageUpdatedAt": usage_updated_at,
        "usagePeriodAnchor": anchor,
        "usagePeriodStart": start,
        "usagePeriodEnd": end,
        "resetPeriod": reset_period,
        "resetPeriodConfiguration": None,
        "feature": {
            "id": "8d1c6c2e-0000-4000-8000-000000000001",
            "refId": feature_id,
            "featureType": feature_type,
            "meterType": meter_type,
            "featureUnits": "request",
            "featureUnitsPlural": "requests",
            "displayName": "Feature",
            "description": None,
            "additionalMetaData": None,
        },
    }
