"""Entitlement and SDK-configuration operations."""

from __future__ import annotations

from typing import Any

from stigg_client.core.graphql.fragments import (
    ENTITLEMENT_ACCESS_FIELDS,
    ENTITLEMENT_LIMIT_FIELDS,
    ENTITLEMENT_PERIOD_FIELDS,
    ENTITLEMENT_RESET_FIELDS,
    FEATURE_FIELDS,
)

ENTITLEMENT_FIELDS = (
    ENTITLEMENT_ACCESS_FIELDS
    + """
customerId
resourceId"""
    + ENTITLEMENT_LIMIT_FIELDS
    + """
currentUsage
requestedUsage"""
    + ENTITLEMENT_PERIOD_FIELDS
    + ENTITLEMENT_RESET_FIELDS
    + """
feature {
  id"""
    + FEATURE_FIELDS
    + """
}"""
)

GET_ENTITLEMENTS = (
    """query GetEntitlements($query: FetchEntitlementsQuery!) {
  entitlements: cachedEntitlements(query: $query) {"""
    + ENTITLEMENT_FIELDS
    + """
  }
}"""
)


def entitlements_variables(customer_id: str, resource_id: str | None) -> dict[str, Any]:
    """`$query: FetchEntitlementsQuery!` of a scope (GetEntitlements, GetEntitlementsState)."""
    query: dict[str, Any] = {"customerId": customer_id}
    if resource_id is not None:
        query["resourceId"] = resource_id
    return {"query": query}


GET_SDK_CONFIGURATION = """query GetSdkConfiguration {
  sdkConfiguration { sentryDsn isWidgetWatermarkEnabled }
}"""

REPORT_ENTITLEMENT_CHECK = """mutation ReportEntitlementCheckRequested(
  $entitlementCheckRequested: EntitlementCheckRequested!
) {
  reportEntitlementCheckRequested(entitlementCheckRequested: $entitlementCheckRequested)
}"""
