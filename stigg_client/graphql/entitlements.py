"""Entitlement and SDK-configuration operations."""

from __future__ import annotations

RESET_PERIOD_CONFIGURATION = """
resetPeriodConfiguration {
  __typename
  ... on MonthlyResetPeriodConfig { monthlyAccordingTo }
  ... on WeeklyResetPeriodConfig { weeklyAccordingTo }
  ... on YearlyResetPeriodConfig { yearlyAccordingTo }
}"""

ENTITLEMENT_FIELDS = (
    """
isGranted
accessDeniedReason
customerId
resourceId
usageLimit
hasUnlimitedUsage
hasSoftLimit
currentUsage
requestedUsage
entitlementUpdatedAt
usageUpdatedAt
usagePeriodAnchor
usagePeriodStart
usagePeriodEnd
resetPeriod"""
    + RESET_PERIOD_CONFIGURATION
    + """
feature {
  id
  refId
  featureType
  meterType
  featureUnits
  featureUnitsPlural
  displayName
  description
  additionalMetaData
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

GET_SDK_CONFIGURATION = """query GetSdkConfiguration {
  sdkConfiguration { sentryDsn isWidgetWatermarkEnabled }
}"""
