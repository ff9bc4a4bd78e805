"""Credit operations (docs/protocol.md §5.7): the credit entitlements of a scope, grants, usage
and automatic recharge, selected as stigg-api-client 6.25.0 shapes them."""

from __future__ import annotations

from stigg_client.core.graphql.fragments import MONEY, input_operation

CREDIT_ENTITLEMENT_FIELDS = """
    isGranted
    accessDeniedReason
    usageLimit
    currentUsage
    hasSoftLimit
    validUntil
    usagePeriodEnd
    usageUpdatedAt
    entitlementUpdatedAt
    currency {
      currencyId
      displayName
      description
      unitSingular
      unitPlural
      additionalMetaData
    }"""

GET_CREDIT_ENTITLEMENTS = (
    """query GetCreditEntitlements($query: FetchEntitlementsQuery!) {
  entitlementsState(query: $query) {
    entitlementsV2 {
      __typename
      ... on CreditEntitlement {"""
    + CREDIT_ENTITLEMENT_FIELDS
    + """
      }
    }
  }
}"""
)

SLIM_CURRENCY = "{ currencyId displayName symbol units { singular plural } }"

CREDIT_GRANT = (
    """{
      id
      grantId
      customerId
      resourceId
      currencyId
      displayName
      amount
      consumedAmount
      grantType
      status
      sourceType
      priority
      effectiveAt
      expireAt
      voidedAt
      cost """
    + MONEY
    + """
      comment
      createdAt
    }"""
)

GET_CREDIT_GRANTS = input_operation(
    "query",
    "GetCreditGrants",
    "GetCreditGrantsInput",
    "creditGrants",
    "{\n    totalCount\n    pageInfo { hasNextPage endCursor }\n    edges { node "
    + CREDIT_GRANT
    + " }\n  }",
)

GET_CREDIT_USAGE = input_operation(
    "query",
    "GetCreditUsage",
    "CreditUsageInput",
    "creditUsage",
    "{\n    currency "
    + SLIM_CURRENCY
    + """
    series {
      featureId
      featureName
      totalCredits
      eventCount
      points { timestamp value eventCount }
    }
  }""",
)

AUTO_RECHARGE_SETTINGS = """{
    customerId
    currencyId
    isEnabled
    thresholdType
    thresholdValue
    targetBalance
    maxSpendLimit
    currentMonthlySpend
    grantExpirationPeriod
  }"""

GET_AUTO_RECHARGE_SETTINGS = input_operation(
    "query",
    "GetAutomaticRechargeConfiguration",
    "GetAutoRechargeSettingsInput",
    "getAutoRechargeSettings",
    AUTO_RECHARGE_SETTINGS,
)
