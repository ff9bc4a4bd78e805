"""GraphQL documents of the credit operations (docs/protocol.md §5.7), shared by both SDKs.

Operation names are those of Stigg's SDKs (`GetCreditBalance`, `GrantCredits`, ...); the
selections are the fields our models read.
"""

from __future__ import annotations

from stigg_client.core.graphql.fragments import input_operation

SLIM_CURRENCY = "{ currencyId displayName symbol units { singular plural } }"

CREDIT_ENTITLEMENT_FIELDS = """
    currency { currencyId displayName description unitSingular unitPlural additionalMetaData }
    isGranted
    accessDeniedReason
    usageLimit
    currentUsage
    hasSoftLimit
    validUntil
    usagePeriodEnd
    usageUpdatedAt
    entitlementUpdatedAt"""

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

CREDIT_GRANT = """{
    grantId customerId resourceId currencyId displayName amount consumedAmount grantType status
    sourceType priority effectiveAt expireAt voidedAt cost { amount currency }
    paymentCollection invoiceId automaticRechargeConfigurationId comment additionalMetaData
    createdAt updatedAt
  }"""

PAGE_INFO = "totalCount pageInfo { hasNextPage endCursor }"

GRANT_CREDITS = input_operation(
    "mutation", "GrantCredits", "CreditGrantInput", "createCreditGrant", CREDIT_GRANT
)
VOID_CREDIT_GRANT = input_operation(
    "mutation", "VoidCreditGrant", "VoidCreditGrantInput", "voidCreditGrant", CREDIT_GRANT
)
GET_CREDIT_GRANTS = input_operation(
    "query",
    "GetCreditGrants",
    "GetCreditGrantsInput",
    "creditGrants",
    f"{{ {PAGE_INFO} edges {{ node {CREDIT_GRANT} }} }}",
)
GET_CREDIT_BALANCE = input_operation(
    "query",
    "GetCreditBalance",
    "CreditBalanceSummaryInput",
    "creditBalanceSummary",
    "{ customerId resourceId balances { currencyId currentBalance totalGranted totalConsumed "
    f"validUntil customerId resourceId currency {SLIM_CURRENCY} }} }}",
)
GET_CREDIT_LEDGER = input_operation(
    "query",
    "GetCreditLedger",
    "CreditLedgerInput",
    "creditsLedger",
    f"{{ {PAGE_INFO} edges {{ node {{ timestamp eventType amount creditGrantId "
    "creditCurrencyId customerId resourceId eventId featureId } } }",
)
GET_CREDIT_USAGE = input_operation(
    "query",
    "GetCreditUsage",
    "CreditUsageInput",
    "creditUsage",
    f"{{ currency {SLIM_CURRENCY} series {{ featureId featureName totalCredits eventCount "
    "points { timestamp value eventCount } } }",
)
CONSUME_CREDITS = input_operation(
    "mutation",
    "ConsumeCredits",
    "ConsumeCreditInput",
    "consumeCredits",
    "{ customerId currencyId resourceId amount timestamp "
    "credit { currencyId currentUsage usageLimit usagePeriodEnd timestamp } }",
)
CONSUME_CREDITS_ASYNC = (
    "mutation ConsumeCreditsAsync($input: ConsumeCreditsAsyncInput!) {\n"
    "  consumeCreditsAsync(input: $input)\n}"
)
COST_ESTIMATION = (
    "{ warnings estimates { currencyId currentBalance estimatedCost balanceAfterEstimate "
    "wouldOverdraft breakdown { featureId cost warningCode } } }"
)
ESTIMATE_EVENT_COST = input_operation(
    "query", "EstimateEventCost", "EstimateEventCostInput", "estimateEventCost", COST_ESTIMATION
)
ESTIMATE_USAGE_COST = input_operation(
    "query", "EstimateUsageCost", "EstimateUsageCostInput", "estimateUsageCost", COST_ESTIMATION
)
AUTO_RECHARGE_SETTINGS = (
    "{ customerId currencyId isEnabled thresholdType thresholdValue targetBalance "
    "maxSpendLimit currentMonthlySpend grantExpirationPeriod }"
)
GET_AUTO_RECHARGE_SETTINGS = input_operation(
    "query",
    "GetAutomaticRechargeConfiguration",
    "GetAutoRechargeSettingsInput",
    "getAutoRechargeSettings",
    AUTO_RECHARGE_SETTINGS,
)
SAVE_AUTO_RECHARGE_SETTINGS = input_operation(
    "mutation",
    "SaveAutomaticRechargeConfiguration",
    "SaveAutoRechargeSettingsInput",
    "saveAutoRechargeSettings",
    AUTO_RECHARGE_SETTINGS,
)
ON_CREDIT_BALANCE_UPDATED = (
    "subscription OnCreditBalanceUpdated {\n  creditBalanceUpdated { customerId resourceId "
    "currencyId currentBalance totalGranted totalConsumed validUntil "
    f"currency {SLIM_CURRENCY} }}\n}}"
)
