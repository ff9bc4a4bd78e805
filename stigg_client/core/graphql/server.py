"""GraphQL documents of the server-key SDK (docs/protocol.md §2.2, Appendix B/C/D).

Read documents shared with the client-key SDK (customer, subscription, coupons, paywall,
estimates) live in `stigg_client.core.graphql.reads` and shared selections in
`stigg_client.core.graphql.fragments`; the documents below are server-only.
Aliases rename wire fields to the SDK's shapes where a rename is all the mapping needs.
"""

from __future__ import annotations

from stigg_client.core.graphql.fragments import (
    ENTITLEMENT_ACCESS_FIELDS,
    ENTITLEMENT_LIMIT_FIELDS,
    ENTITLEMENT_PERIOD_FIELDS,
    ENTITLEMENT_RESET_FIELDS,
    EXPERIMENT_INFO,
    FEATURE,
    MONEY,
    PRICE,
    input_operation,
)

FEATURE_ENTITLEMENT_FIELDS = (
    ENTITLEMENT_ACCESS_FIELDS
    + ENTITLEMENT_LIMIT_FIELDS
    + """
currentUsage"""
    + ENTITLEMENT_PERIOD_FIELDS
    + """
validUntil"""
    + ENTITLEMENT_RESET_FIELDS
    + """
feature """
    + FEATURE
)

ENTITLEMENT_UNION = (
    """{
  __typename
  ... on FeatureEntitlement {"""
    + FEATURE_ENTITLEMENT_FIELDS
    + """
  }
}"""
)

SLIM_CUSTOMER = (
    """{
  id: customerId
  name
  email
  billingId
  createdAt
  updatedAt
  metadata: additionalMetaData
  awsMarketplaceCustomerId
  experimentInfo """
    + EXPERIMENT_INFO
    + """
}"""
)

SLIM_SUBSCRIPTION = (
    """{
  id: subscriptionId
  status
  pricingType
  paymentCollection
  effectiveEndDate
  metadata: additionalMetaData
  plan { refId }
  customer { customerId }
  resource { resourceId }
  addons { quantity addon { refId } }
  prices { price """
    + PRICE
    + """ }
  latestInvoice { billingId status paymentUrl paymentSecret errorMessage requiresAction }
  experimentInfo """
    + EXPERIMENT_INFO
    + """
}"""
)

# What provisioning a customer or a subscription returns after its own fields.
PROVISIONED = (
    """
    subscription """
    + SLIM_SUBSCRIPTION
    + """
    entitlementsV2 """
    + ENTITLEMENT_UNION
)

GET_ENTITLEMENTS_STATE = (
    """query GetEntitlementsState($query: FetchEntitlementsQuery!) {
  entitlementsState(query: $query) {
    accessDeniedReason
    entitlementsV2 """
    + ENTITLEMENT_UNION
    + """
  }
}"""
)

PROVISION_CUSTOMER = (
    """mutation ProvisionCustomer($input: ProvisionCustomerInput!) {
  provisionCustomer(input: $input) {
    subscriptionDecisionStrategy
    customer """
    + SLIM_CUSTOMER
    + PROVISIONED
    + """
  }
}"""
)

UPDATE_CUSTOMER = input_operation(
    "mutation",
    "UpdateCustomer",
    "UpdateCustomerInput",
    "updateCustomer: updateOneCustomer",
    SLIM_CUSTOMER,
)

ARCHIVE_CUSTOMER = input_operation(
    "mutation", "ArchiveCustomer", "ArchiveCustomerInput", "archiveCustomer", "{ customerId }"
)

UNARCHIVE_CUSTOMER = input_operation(
    "mutation", "UnarchiveCustomer", "UnarchiveCustomerInput", "unarchiveCustomer", SLIM_CUSTOMER
)

DETACH_CUSTOMER_PAYMENT_METHOD = input_operation(
    "mutation",
    "DetachCustomerPaymentMethod",
    "DetachCustomerPaymentMethodInput",
    "detachCustomerPaymentMethod",
    SLIM_CUSTOMER,
)

PROVISION_SUBSCRIPTION = (
    """mutation ProvisionSubscription($input: ProvisionSubscriptionInput!) {
  provisionSubscription: provisionSubscriptionV2(input: $input) {
    status
    checkoutUrl
    checkoutBillingId"""
    + PROVISIONED
    + """
  }
}"""
)

UPDATE_SUBSCRIPTION = input_operation(
    "mutation",
    "UpdateSubscription",
    "UpdateSubscriptionInput",
    "updateSubscription: updateOneSubscription",
    SLIM_SUBSCRIPTION,
)

CANCEL_SUBSCRIPTION = input_operation(
    "mutation",
    "CancelSubscription",
    "SubscriptionCancellationInput",
    "cancelSubscription",
    SLIM_SUBSCRIPTION,
)

CANCEL_SUBSCRIPTION_UPDATES = """mutation CancelSubscriptionUpdates(
  $input: SubscriptionUpdateScheduleCancellationInput!
) {
  cancelSchedule(input: $input)
}"""

PREVIEW_NEXT_INVOICE = (
    """mutation PreviewNextInvoice($input: PreviewNextInvoiceInput!) {
  previewNextInvoice(input: $input) {
    amountDue """
    + MONEY
    + """
    minimumSpendAdjustment """
    + MONEY
    + """
    total """
    + MONEY
    + """
    totalExcludingTax """
    + MONEY
    + """
    subTotal """
    + MONEY
    + """
    subTotalExcludingTax """
    + MONEY
    + """
    tax """
    + MONEY
    + """
    taxDetails { displayName percentage inclusive }
    discount """
    + MONEY
    + """
    discountDetails { type value durationType durationInMonths }
    lastUpdatedAt
    lines {
      type description costDescription quantity proration
      amount """
    + MONEY
    + """
      unitPrice """
    + MONEY
    + """
      period { start end }
    }
  }
}"""
)

MIGRATE_SUBSCRIPTION_TO_LATEST = """mutation MigrateSubscriptionToLatest(
  $input: SubscriptionMigrationInput!
) {
  migrateSubscriptionToLatest(input: $input) { subscriptionId }
}"""

USAGE_MEASUREMENT = """{
  id
  customerId
  resourceId
  featureId
  currentUsage
  timestamp
  usagePeriodStart
  usagePeriodEnd
  nextResetDate
}"""

REPORT_USAGE = input_operation(
    "mutation", "ReportUsage", "ReportUsageInput", "reportUsage", USAGE_MEASUREMENT
)

REPORT_USAGE_BULK = input_operation(
    "mutation", "ReportUsageBulk", "ReportUsageBulkInput", "reportUsageBulk", USAGE_MEASUREMENT
)

REPORT_EVENT = """mutation ReportEvent($input: UsageEventsReportInput!) {
  reportEvent(events: $input)
}"""

PROMOTIONAL_ENTITLEMENT = """{
  id
  status
  period
  startDate
  endDate
  usageLimit
  hasUnlimitedUsage
  hasSoftLimit
  resetPeriod
  isVisible
  description
  enumValues
  featureGroupIds
  feature { refId featureType meterType displayName }
}"""

GRANT_PROMOTIONAL_ENTITLEMENTS = input_operation(
    "mutation",
    "GrantPromotionalEntitlements",
    "GrantPromotionalEntitlementsInput",
    "grantPromotionalEntitlements",
    PROMOTIONAL_ENTITLEMENT,
)

REVOKE_PROMOTIONAL_ENTITLEMENT = """mutation RevokePromotionalEntitlement(
  $input: RevokePromotionalEntitlementInput!
) {
  revokePromotionalEntitlement(input: $input) { id }
}"""

GET_PRODUCTS = """query GetProducts {
  products(paging: {first: 50}) {
    edges {
      node {
        id: refId
        displayName
        description
        metadata: additionalMetaData
        downgradePlan { id: refId displayName }
      }
    }
  }
}"""

# The pushed entitlements also carry what the `entitlements_updated` payload shows (credit rate,
# unit transformation); the cache keeps the fields it knows.
ON_ENTITLEMENTS_UPDATED = (
    """subscription OnEntitlementsUpdatedV2 {
  entitlementsUpdatedV2 {
    customerId
    resourceId
    accessDeniedReason
    entitlements {
      __typename
      ... on FeatureEntitlement {"""
    + FEATURE_ENTITLEMENT_FIELDS
    + """
        feature { unitTransformation { divide round } }
        creditRate { amount currencyId }
      }
    }
  }
}"""
)

ON_USAGE_UPDATED = """subscription OnUsageUpdatedV2 {
  usageUpdatedV2 {
    customerId
    resourceId
    entitlementReference { id type }
    usage { currentUsage usageUpdatedAt usagePeriodStart usagePeriodEnd }
  }
}"""

ON_PACKAGE_PUBLISHED = """subscription OnPackagePublished {
  packagePublished {
    accountId
    environmentId
    packageType
    packageRefId
    packageVersion
    migrationType
  }
}"""
