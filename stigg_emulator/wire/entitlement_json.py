"""Entitlement JSON: `Entitlement`, `FeatureEntitlement`, `EntitlementsState` and their parts."""

from __future__ import annotations

from typing import Any

from stigg_emulator.catalog.model import Catalog, Feature
from stigg_emulator.clock import iso
from stigg_emulator.domain.entitlements import Grant, ScopeState, credit_denial, decide
from stigg_emulator.wire.credit_json import credit_entitlement_json, credit_rate_json


def feature_json(feature: Feature) -> dict[str, Any]:
    """`EntitlementFeature` (also serves `Feature` selections)."""
    return {
        "__typename": "EntitlementFeature",
        "id": feature.uuid,
        "refId": feature.ref_id,
        "displayName": feature.display_name,
        "description": feature.description,
        "featureType": feature.feature_type,
        "meterType": feature.meter_type,
        "featureUnits": feature.units,
        "featureUnitsPlural": feature.units_plural,
        "featureStatus": "ACTIVE",
        "additionalMetaData": feature.metadata,
        "unitTransformation": None,
        "enumConfiguration": enum_configuration(feature),
    }


def enum_configuration(feature: Feature) -> list[dict[str, Any]] | None:
    """`enumConfiguration` of an ENUM feature (each value is its own display name)."""
    if feature.feature_type != "ENUM":
        return None
    return [
        {"__typename": "EnumConfigurationEntity", "value": value, "displayName": value}
        for value in feature.enum_values
    ]


def reset_configuration(
    reset_period: str | None, monthly: str | None, weekly: str | None
) -> dict[str, Any] | None:
    """The `ResetPeriodConfiguration` union member for a reset period."""
    if reset_period == "MONTH":
        return {"__typename": "MonthlyResetPeriodConfig", "monthlyAccordingTo": monthly}
    if reset_period == "WEEK":
        return {"__typename": "WeeklyResetPeriodConfig", "weeklyAccordingTo": weekly}
    if reset_period == "YEAR":
        return {"__typename": "YearlyResetPeriodConfig", "yearlyAccordingTo": "SubscriptionStart"}
    return None


def entitlement_json(
    state: ScopeState,
    grant: Grant,
    requested: float | None = None,
    requested_values: tuple[str, ...] | None = None,
) -> dict[str, Any]:
    """The V1 `Entitlement` of a grant (a superset that also fits `FeatureEntitlement`)."""
    usage = state.usage.get(grant.feature.ref_id)
    period = usage.period if usage else None
    reason = decide(grant, usage, requested, requested_values or ()) or credit_denial(
        state, grant, requested
    )
    rate = grant.feature.credit_rate
    credit = state.credits.get(rate.currency_ref) if rate else None
    is_enum = grant.feature.feature_type == "ENUM"
    updated_at = state.entitlements_updated_at
    usage_updated = usage.updated_at if usage and usage.updated_at else updated_at
    return {
        "__typename": "Entitlement",
        "isGranted": reason is None,
        "accessDeniedReason": reason,
        "customerId": state.customer_ref,
        "resourceId": state.resource_id,
        "usageLimit": None if grant.unlimited else grant.usage_limit,
        "hasUnlimitedUsage": grant.unlimited,
        "hasSoftLimit": grant.soft_limit,
        "currentUsage": usage.value if usage else 0.0,
        "requestedUsage": requested,
        "requestedValues": list(requested_values) if requested_values is not None else None,
        "enumValues": list(grant.enum_values) if is_enum else None,
        "entitlementUpdatedAt": iso(updated_at),
        "usageUpdatedAt": iso(usage_updated),
        "resetPeriod": grant.reset_period,
        "resetPeriodConfiguration": reset_configuration(
            grant.reset_period, grant.monthly_according_to, grant.weekly_according_to
        ),
        "nextResetDate": iso(period.end) if period else None,
        "usagePeriodAnchor": iso(period.anchor) if period else None,
        "usagePeriodStart": iso(period.start) if period else None,
        "usagePeriodEnd": iso(period.end) if period else None,
        "validUntil": float(grant.valid_until_ms) if grant.valid_until_ms else None,
        "displayNameOverride": grant.display_name_override,
        "hiddenFromWidgets": list(grant.hidden_from_widgets),
        "meterId": grant.feature.uuid if grant.feature.meter is not None else None,
        "creditRate": credit_rate_json(rate, credit.currency if credit else None),
        "feature": feature_json(grant.feature),
    }


def feature_entitlement_json(entitlement: dict[str, Any]) -> dict[str, Any]:
    """The V2 `FeatureEntitlement` (union member) of a V1 entitlement dict."""
    valid_until = entitlement.get("validUntil")
    return {
        **entitlement,
        "__typename": "FeatureEntitlement",
        "validUntil": iso(int(valid_until)) if valid_until else None,
    }


def entitlements_json(state: ScopeState) -> list[dict[str, Any]]:
    """All V1 entitlements of a scope (empty when the customer is unknown or archived)."""
    if state.denied_reason in ("CustomerNotFound", "CustomerIsArchived"):
        return []
    return [entitlement_json(state, grant) for grant in state.grants.values()]


def credit_entitlements_json(state: ScopeState) -> list[dict[str, Any]]:
    """The `CreditEntitlement` members of a scope's V2 list (one per currency it holds)."""
    if state.denied_reason in ("CustomerNotFound", "CustomerIsArchived"):
        return []
    updated_at = state.entitlements_updated_at
    return [credit_entitlement_json(credit, updated_at) for credit in state.credits.values()]


def entitlements_state_json(state: ScopeState) -> dict[str, Any]:
    """`EntitlementsState`: V1 list, V2 union list and the customer-level reason."""
    entitlements = entitlements_json(state)
    return {
        "__typename": "EntitlementsState",
        "entitlements": entitlements,
        "entitlementsV2": [
            *(feature_entitlement_json(item) for item in entitlements),
            *credit_entitlements_json(state),
        ],
        "accessDeniedReason": state.denied_reason,
    }


def single_entitlement_json(
    state: ScopeState,
    catalog: Catalog,
    feature_ref: str,
    requested: float | None,
    requested_values: tuple[str, ...] | None = None,
) -> dict[str, Any]:
    """`entitlement(query)`: one feature, with the reason access would be denied."""
    feature = catalog.features.get(feature_ref)
    grant = state.grants.get(feature_ref)
    if grant is not None and state.denied_reason is None and state.resource_exists:
        return entitlement_json(state, grant, requested, requested_values)
    if state.denied_reason in ("CustomerNotFound", "CustomerIsArchived"):
        reason = state.denied_reason
    elif not state.resource_exists:
        reason = "CustomerResourceNotFound"
    elif feature is None:
        reason = "FeatureNotFound"
    elif state.denied_reason == "NoActiveSubscription":
        reason = "NoActiveSubscription"
    else:
        reason = "NoFeatureEntitlementInSubscription"
    return {
        "__typename": "Entitlement",
        "isGranted": False,
        "accessDeniedReason": reason,
        "customerId": state.customer_ref,
        "resourceId": state.resource_id,
        "usageLimit": None,
        "hasUnlimitedUsage": False,
        "hasSoftLimit": False,
        "currentUsage": 0.0,
        "requestedUsage": requested,
        "requestedValues": list(requested_values) if requested_values is not None else None,
        "enumValues": None,
        "entitlementUpdatedAt": iso(state.entitlements_updated_at),
        "usageUpdatedAt": None,
        "resetPeriod": None,
        "resetPeriodConfiguration": None,
        "nextResetDate": None,
        "usagePeriodAnchor": None,
        "usagePeriodStart": None,
        "usagePeriodEnd": None,
        "validUntil": None,
        "displayNameOverride": None,
        "hiddenFromWidgets": [],
        "meterId": None,
        "creditRate": None,
        "feature": feature_json(feature) if feature else None,
    }
