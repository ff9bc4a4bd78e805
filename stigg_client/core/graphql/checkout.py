"""Checkout operations: `GetCheckoutState`, `PreviewSubscription`, `ApplySubscription`.

The selections follow what Stigg's JS client SDK 3.35.0 reads (docs/design/checkout.md §1).
"""

from __future__ import annotations

from stigg_client.core.graphql.fragments import MONEY, input_operation
from stigg_client.core.graphql.reads import CUSTOMER_FIELDS, PLAN, SUBSCRIPTION

CHECKOUT_CUSTOMER = "{" + CUSTOMER_FIELDS + "\n}"

CHECKOUT_STATE = (
    """{
  setupSecret
  configuration { customCss content { collectPhoneNumber } }
  customer """
    + CHECKOUT_CUSTOMER
    + """
  resource { resourceId }
  plan """
    + PLAN
    + """
  activeSubscription """
    + SUBSCRIPTION
    + """
  billingIntegration {
    billingIdentifier
    credentials { accountId publicKey }
  }
}"""
)

PREVIEW_INVOICE_FIELDS = (
    "total "
    + MONEY
    + " subTotal "
    + MONEY
    + " totalExcludingTax "
    + MONEY
    + " tax "
    + MONEY
    + " discount "
    + MONEY
    + """
    taxDetails { displayName percentage inclusive }
    discountDetails { name type value durationType durationInMonths }"""
)

SUBSCRIPTION_PREVIEW_V2 = (
    """{
  immediateInvoice {
    """
    + PREVIEW_INVOICE_FIELDS
    + """
    proration { prorationDate hasProrations credit """
    + MONEY
    + " debit "
    + MONEY
    + " netAmount "
    + MONEY
    + """ }
    credits { initial """
    + MONEY
    + " used "
    + MONEY
    + " remaining "
    + MONEY
    + """ }
  }
  recurringInvoice {
    """
    + PREVIEW_INVOICE_FIELDS
    + """
  }
  billingPeriodRange { start end }
  isPlanDowngrade
  hasScheduledUpdates
}"""
)

APPLY_SUBSCRIPTION_RESULT = (
    """{
  subscription """
    + SUBSCRIPTION
    + """
}"""
)

GET_CHECKOUT_STATE = input_operation(
    "query", "GetCheckoutState", "CheckoutStateInput", "checkoutState", CHECKOUT_STATE
)

PREVIEW_SUBSCRIPTION = input_operation(
    "mutation",
    "PreviewSubscription",
    "PreviewSubscriptionInput",
    "previewSubscription",
    SUBSCRIPTION_PREVIEW_V2,
)

APPLY_SUBSCRIPTION = input_operation(
    "mutation",
    "ApplySubscription",
    "ApplySubscriptionInput",
    "applySubscription",
    APPLY_SUBSCRIPTION_RESULT,
)
