"""Read operations: paywall, customer, subscriptions, portal, coupons, estimates.

Aliases rename Stigg's fields to the SDK's shapes where a rename is all the mapping needs
(`id: refId`, `metadata: additionalMetaData`); the rest is done in `stigg_client.core.mapping`.
"""

from __future__ import annotations

from stigg_client.core.graphql.entitlements import ENTITLEMENT_FIELDS
from stigg_client.core.graphql.fragments import (
    EXPERIMENT_INFO,
    FEATURE,
    MONEY,
    PRICE,
    input_operation,
)

PACKAGE_ENTITLEMENT = (
    """{
  usageLimit
  hasUnlimitedUsage
  hasSoftLimit
  resetPeriod
  displayNameOverride
  hiddenFromWidgets
  enumValues
  feature """
    + FEATURE
    + """
}"""
)

ADDON = (
    """{
  refId
  displayName
  description
  additionalMetaData
  pricingType
  maxQuantity
  entitlements """
    + PACKAGE_ENTITLEMENT
    + """
  prices """
    + PRICE
    + """
}"""
)

PLAN = (
    """{
  refId
  displayName
  description
  additionalMetaData
  pricingType
  hiddenFromWidgets
  basePlan { refId displayName }
  product { refId displayName description additionalMetaData }
  defaultTrialConfig { duration units }
  entitlements """
    + PACKAGE_ENTITLEMENT
    + """
  inheritedEntitlements """
    + PACKAGE_ENTITLEMENT
    + """
  prices """
    + PRICE
    + """
  compatibleAddons """
    + ADDON
    + """
  packageEntitlements {
    __typename
    ... on PackageCreditEntitlement {
      amount cadence hasSoftLimit customCurrencyId
      customCurrency { currencyId displayName units { singular plural } }
    }
  }
}"""
)

SCHEDULED_UPDATE = """{
  subscriptionScheduleType
  scheduleStatus
  scheduledExecutionTime
  createdAt
  targetPackage { refId displayName }
  scheduleVariables {
    __typename
    ... on PlanChangeVariables { planRefId changeType billingPeriod }
    ... on DowngradeChangeVariables { downgradePlanRefId billingPeriod }
    ... on BillingPeriodChangeVariables { billingPeriod }
    ... on UnitAmountChangeVariables { featureId newUnitAmount }
    ... on AddonChangeVariables { addonRefId newQuantity }
  }
}"""

INVOICE_PREVIEW = (
    """{
  total """
    + MONEY
    + """
  subTotal """
    + MONEY
    + """
  amountDue """
    + MONEY
    + """
  tax """
    + MONEY
    + """
  discount """
    + MONEY
    + """
  lastUpdatedAt
  lines { description quantity amount """
    + MONEY
    + """ }
}"""
)

SUBSCRIPTION = (
    """{
  subscriptionId
  status
  currentBillingPeriodEnd
  startDate
  endDate
  trialEndDate
  cancellationDate
  effectiveEndDate
  pricingType
  paymentCollection
  additionalMetaData
  resource { resourceId }
  experimentInfo """
    + EXPERIMENT_INFO
    + """
  latestInvoice {
    billingId status createdAt updatedAt requiresAction paymentUrl paymentSecret errorMessage
    billingReason currency total amountDue pdfUrl
  }
  prices { usageLimit price """
    + PRICE
    + """ }
  scheduledUpdates """
    + SCHEDULED_UPDATE
    + """
  addons { quantity addon """
    + ADDON
    + """ }
  plan """
    + PLAN
    + """
}"""
)

SLIM_SUBSCRIPTION_V2 = """{
  subscriptionId
  status
  currentBillingPeriodEnd
  startDate
  pricingType
  customer { customerId }
  plan { planId: refId displayName }
  addons { quantity addon { addonId: refId } }
  resource { resourceId }
}"""

GET_PAYWALL = (
    """query GetPaywall($input: GetPaywallInput!) {
  paywall(input: $input) {
    currency { code symbol }
    plans """
    + PLAN
    + """
  }
}"""
)

CUSTOMER_FIELDS = """
    customerId
    name
    email
    createdAt
    updatedAt
    hasPaymentMethod
    additionalMetaData"""
"""A customer's own fields (no subscriptions), for `GetCustomerById` and the checkout state."""

GET_CUSTOMER = (
    """query GetCustomerById($input: GetCustomerByRefIdInput!) {
  getCustomerByRefId(input: $input) {"""
    + CUSTOMER_FIELDS
    + """
    experimentInfo """
    + EXPERIMENT_INFO
    + """
    subscriptions """
    + SUBSCRIPTION
    + """
  }
}"""
)

GET_ACTIVE_SUBSCRIPTIONS = input_operation(
    "query",
    "GetActiveSubscriptions",
    "GetActiveSubscriptionsInput",
    "getActiveSubscriptions",
    SUBSCRIPTION,
)

GET_ACTIVE_SUBSCRIPTIONS_LIST = input_operation(
    "query",
    "GetActiveSubscriptionsList",
    "GetActiveSubscriptionsInput",
    "getActiveSubscriptions",
    SLIM_SUBSCRIPTION_V2,
)

GET_SUBSCRIPTION = input_operation(
    "query", "GetSubscription", "GetSubscriptionInput", "getSubscription", SUBSCRIPTION
)

GET_COUPONS = """query GetCoupons {
  coupons(filter: {status: {eq: ACTIVE}}, paging: {first: 50}) {
    edges {
      node {
        id: refId
        name
        description
        metadata: additionalMetaData
        discountValue
        type
        percentOff
        durationInMonths
      }
    }
  }
}"""

GET_CUSTOMER_PORTAL = (
    """query GetCustomerPortalByRefId($input: CustomerPortalInput!) {
  customerPortal(input: $input) {
    subscriptions {
      subscriptionId
      planId
      planName
      status
      trialRemainingDays
      billingPeriodRange { start end }
      pricing {
        unitQuantity
        billingPeriod
        billingModel
        pricingType
        usageBasedEstimatedBill
        price """
    + MONEY
    + """
        feature { refId displayName featureUnits featureUnitsPlural }
      }
      totalPrice { subTotal """
    + MONEY
    + " total "
    + MONEY
    + " addonsTotal "
    + MONEY
    + """ }
      addons { addonId displayName description quantity }
      scheduledUpdates """
    + SCHEDULED_UPDATE
    + """
      previewNextInvoice """
    + INVOICE_PREVIEW
    + """
    }
    entitlements {"""
    + ENTITLEMENT_FIELDS
    + """
    }
    promotionalEntitlements {
      displayName description period startDate endDate usageLimit hasUnlimitedUsage hasSoftLimit
    }
    billingInformation {
      email
      name
      defaultPaymentMethodLast4Digits
      defaultPaymentMethodId
      defaultPaymentExpirationMonth
      defaultPaymentExpirationYear
    }
    showWatermark
    billingPortalUrl
    canUpgradeSubscription
  }
}"""
)

PREVIEW_TOTALS = (
    "total " + MONEY + " totalExcludingTax " + MONEY + " subTotal " + MONEY + " tax " + MONEY
)

SUBSCRIPTION_PREVIEW = (
    """{
  """
    + PREVIEW_TOTALS
    + """
  discountAmount """
    + MONEY
    + """
  taxDetails { displayName inclusive percentage }
  discount { type value durationType durationInMonths }
  billingPeriodRange { start end }
  proration { prorationDate credit """
    + MONEY
    + " debit "
    + MONEY
    + " netAmount "
    + MONEY
    + """ }
  subscription { """
    + PREVIEW_TOTALS
    + """ }
  isPlanDowngrade
  hasScheduledUpdates
}"""
)

ESTIMATE_SUBSCRIPTION = input_operation(
    "mutation",
    "EstimateSubscription",
    "EstimateSubscriptionInput",
    "estimateSubscription",
    SUBSCRIPTION_PREVIEW,
)

ESTIMATE_SUBSCRIPTION_UPDATE = input_operation(
    "mutation",
    "EstimateSubscriptionUpdate",
    "EstimateSubscriptionUpdateInput",
    "estimateSubscriptionUpdate",
    SUBSCRIPTION_PREVIEW,
)
