"""GraphQL documents of the server SDK's imports, subscription search, subscription transfers
and promotional entitlement groups (docs/protocol.md §2.2)."""

from __future__ import annotations

from stigg_client.core.graphql.fragments import input_operation
from stigg_client.core.graphql.server import (
    PROMOTIONAL_ENTITLEMENT,
    SLIM_CUSTOMER,
    SLIM_SUBSCRIPTION,
)

IMPORT_CUSTOMER = input_operation(
    "mutation", "ImportCustomer", "ImportCustomerInput", "importOneCustomer", SLIM_CUSTOMER
)

IMPORT_CUSTOMER_BULK = """mutation ImportCustomerBulk($input: ImportCustomerBulkInput!) {
  importCustomersBulk(input: $input)
}"""

IMPORT_SUBSCRIPTIONS_BULK = """mutation ImportSubscriptionsBulk(
  $input: ImportSubscriptionsBulkInput!
) {
  importSubscriptionsBulk(input: $input)
}"""

GET_CUSTOMER_STATISTICS = """query GetCustomerStatistics($input: GetCustomerByRefIdInput!) {
  getCustomerByRefId(input: $input) {
    statistics { activeSubscriptionsByPricingType { pricingType totalCount } }
  }
}"""

GET_SUBSCRIPTIONS = """query GetSubscriptions(
  $filter: SubscriptionQueryFilter, $paging: CursorPaging, $sorting: [SubscriptionQuerySort!]
) {
  subscriptions(filter: $filter, paging: $paging, sorting: $sorting) {
    edges {
      node {
        subscriptionId
        status
        pricingType
        startDate
        currentBillingPeriodEnd
        customer { customerId }
        payingCustomer { customerId }
        resource { resourceId }
        plan { planId: refId displayName }
        addons { quantity addon { addonId: refId } }
        trialConfiguration { trialEndBehavior }
        trialEndDate
      }
    }
    pageInfo { startCursor endCursor hasNextPage hasPreviousPage }
  }
}"""

TRANSFER_SUBSCRIPTION = input_operation(
    "mutation",
    "TransferSubscription",
    "TransferSubscriptionInput",
    "transferSubscription",
    SLIM_SUBSCRIPTION,
)

TRANSFER_SUBSCRIPTION_TO_RESOURCE = input_operation(
    "mutation",
    "TransferSubscriptionToResource",
    "TransferSubscriptionToResourceInput",
    "transferSubscriptionToResource",
    SLIM_SUBSCRIPTION,
)

DELEGATE_SUBSCRIPTION_TO_CUSTOMER = input_operation(
    "mutation",
    "DelegateSubscriptionToCustomer",
    "DelegateSubscriptionToCustomerInput",
    "delegateSubscriptionToCustomer",
    SLIM_SUBSCRIPTION,
)


def _group_operation(name: str) -> str:
    field = name[0].lower() + name[1:]
    return input_operation("mutation", name, f"{name}Input", field, PROMOTIONAL_ENTITLEMENT)


GRANT_PROMOTIONAL_ENTITLEMENTS_GROUP = _group_operation("GrantPromotionalEntitlementsGroup")
REVOKE_PROMOTIONAL_ENTITLEMENTS_GROUP = _group_operation("RevokePromotionalEntitlementsGroup")
UNLINK_PROMOTIONAL_ENTITLEMENTS_GROUP = _group_operation("UnlinkPromotionalEntitlementsGroup")
