"""The report of one entitlement check (`should_track`): `ReportEntitlementCheckRequested`'s
variables, with the check's result in Stigg's `EntitlementCheckResult` input shape."""

from __future__ import annotations

from typing import Any

from stigg_client.models.entitlements import (
    Entitlement,
    EnumEntitlement,
    MeteredEntitlement,
    NumericEntitlement,
)


def check_result_input(result: Entitlement) -> dict[str, Any]:
    """`EntitlementCheckResult` of a check result (only the fields its kind has)."""
    values: dict[str, Any] = {"hasAccess": result.has_access}
    if result.access_denied_reason is not None:
        values["accessDeniedReason"] = result.access_denied_reason
    if isinstance(result, MeteredEntitlement):
        values["hasUnlimitedUsage"] = bool(result.is_unlimited)
        values["usageLimit"] = result.usage_limit
        values["currentUsage"] = result.current_usage
        values["requestedUsage"] = result.requested_usage
        values["resetPeriod"] = result.reset_period
        if result.usage_period_end is not None:
            values["nextResetDate"] = result.usage_period_end.isoformat()
    elif isinstance(result, NumericEntitlement):
        values["hasUnlimitedUsage"] = bool(result.is_unlimited)
        values["usageLimit"] = result.value
    elif isinstance(result, EnumEntitlement):
        values["enumValues"] = list(result.enum_values)
        if result.requested_values is not None:
            values["requestedValues"] = list(result.requested_values)
    return {key: value for key, value in values.items() if value is not None}


def check_report_variables(
    customer_id: str,
    resource_id: str | None,
    feature_id: str,
    result: Entitlement,
    requested_usage: float | None = None,
    requested_values: tuple[str, ...] | None = None,
) -> dict[str, Any]:
    """`$entitlementCheckRequested` of one check."""
    report: dict[str, Any] = {
        "customerId": customer_id,
        "featureId": feature_id,
        "entitlementCheckResult": check_result_input(result),
    }
    if resource_id is not None:
        report["resourceId"] = resource_id
    if requested_usage is not None:
        report["requestedUsage"] = requested_usage
    if requested_values is not None:
        report["requestedValues"] = list(requested_values)
    return {"entitlementCheckRequested": report}
