"""GraphQL documents of the server-key SDK (protocol §2.2, Appendix B/C/D).

Read documents shared with the client-key SDK (customer, subscription, coupons, paywall,
estimates) are imported from `stigg_client.graphql.reads`; the ones below are server-only.
Aliases rename wire fields to the SDK's shapes where a rename is all the mapping needs.
"""

from __future__ import annotations

from stigg_client.graphql.entitlements import RESET_PERIOD_CONFIGURATION
from stigg_client.graphql.reads import EXPERIMENT_INFO, PRICE

FEATURE_ENTITLEMENT_FIELDS = (
    """
isGranted
accessDeniedReason
usageLimit
hasUnlimitedUsage
hasSoftLimit
currentUsage
entitlementUpdatedAt
usageUpdatedAt
usagePeriodAnchor
usagePeriodStart
usagePeriodEnd
validUntil
resetPeriod"""
    + RESET_PERIOD_CONFIGURATION
    + """
feature {
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
  createdAt
  updatedAt
  metadata: additionalMetaData
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
    + """
    subscription """
    + SLIM_SUBSCRIPTION
    + """
    entitlementsV2 """
    + ENTITLEMENT_UNION
    + """
  }
}"""
)

UPDATE_CUSTOMER = (
    """mutation UpdateCustomer($input: UpdateCustomerInput!) {
  updateCustomer: updateOneCustomer(input: $input) """
    + SLIM_CUSTOMER
    + """
}"""
)

ARCHIVE_CUSTOMER = """mutation ArchiveCustomer($input: ArchiveCustomerInput!) {
  archiveCustomer(input: $input) { customerId }
}"""

PROVISION_SUBSCRIPTION = (
    """mutation ProvisionSubscription($input: ProvisionSubscriptionInput!) {
  provisionSubscription: provisionSubscriptionV2(input: $input) {
    status
    checkoutUrl
    checkoutBillingId
    subscription """
    + SLIM_SUBSCRIPTION
    + """
    entitlementsV2 """
    + ENTITLEMENT_UNION
    + """
  }
}"""
)

UPDATE_SUBSCRIPTION = (
    """mutation UpdateSubscription($input: UpdateSubscriptionInput!) {
  updateSubscription: updateOneSubscription(input: $input) """
    + SLIM_SUBSCRIPTION
    + """
}"""
)

CANCEL_SUBSCRIPTION = (
    """mutation CancelSubscription($input: SubscriptionCancellationInput!) {
  cancelSubscription(input: $input) """
    + SLIM_SUBSCRIPTION
    + """
}"""
)

CANCEL_SUBSCRIPTION_UPDATES = """mutation CancelSubscriptionUpdates(
  $input: SubscriptionUpdateScheduleCancellationInput!
) {
  cancelSchedule(input: $input)
}"""

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

REPORT_USAGE = (
    """mutation ReportUsage($input: ReportUsageInput!) {
  reportUsage(input: $input) """
    + USAGE_MEASUREMENT
    + """
}"""
)

REPORT_USAGE_BULK = (
    """mutation ReportUsageBulk($input: ReportUsageBulkInput!) {
  reportUsageBulk(input: $input) """
    + USAGE_MEASUREMENT
    + """
}"""
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
  feature { refId featureType meterType displayName }
}"""

GRANT_PROMOTIONAL_ENTITLEMENTS = (
    """mutation GrantPromotionalEntitlements($input: GrantPromotionalEntitlementsInput!) {
  grantPromotionalEntitlements(input: $input) """
    + PROMOTIONAL_ENTITLEMENT
    + """
}"""
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

ON_ENTITLEMENTS_UPDATED = (
    """subscription OnEntitlementsUpdatedV2 {
  entitlementsUpdatedV2 {
    customerId
    resourceId
    accessDeniedReason
    entitlements """
    + ENTITLEMENT_UNION
    + """
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
