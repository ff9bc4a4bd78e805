"""Embedded checkout results: `get_checkout_state`, `preview_subscription`, `apply_subscription`.

Shapes of Stigg's JS client SDK 3.35.0 (`GetCheckoutStateResults`, `SubscriptionPreviewV2`,
`ApplySubscriptionResults`); see docs/design/checkout.md §1.
"""

from __future__ import annotations

from stigg_client.models.base import StiggModel, UtcDateTime
from stigg_client.models.common import DateRange, Money, ResourceRef
from stigg_client.models.customer import Customer
from stigg_client.models.enums import DiscountDurationTypeValue, DiscountTypeValue
from stigg_client.models.paywall import Plan
from stigg_client.models.subscriptions import Subscription


class CheckoutCredentials(StiggModel):
    """The billing provider's public account credentials for the payment form."""

    account_id: str | None = None
    public_key: str | None = None


class CheckoutBillingIntegration(StiggModel):
    """Which billing provider takes the payment, and its public credentials."""

    billing_identifier: str
    credentials: CheckoutCredentials


class CheckoutContent(StiggModel):
    """What the checkout collects besides the payment."""

    collect_phone_number: bool | None = None


class CheckoutConfiguration(StiggModel):
    """The checkout's look, as configured in Stigg's app."""

    content: CheckoutContent | None = None
    custom_css: str | None = None


class CheckoutState(StiggModel):
    """Everything a checkout needs to start: plan, customer, current subscription, billing."""

    setup_secret: str
    plan: Plan
    customer: Customer
    resource: ResourceRef | None = None
    active_subscription: Subscription | None = None
    billing_integration: CheckoutBillingIntegration
    configuration: CheckoutConfiguration | None = None


class SubscriptionPreviewTaxDetails(StiggModel):
    """The tax applied to an invoice preview."""

    display_name: str
    percentage: float
    inclusive: bool


class SubscriptionPreviewDiscount(StiggModel):
    """The discount applied to an invoice preview (a coupon or promotion code)."""

    name: str | None = None
    type: DiscountTypeValue
    value: float
    duration_type: DiscountDurationTypeValue
    duration_in_months: float | None = None


class SubscriptionPreviewProration(StiggModel):
    """Credit for the unused old plan and debit for the new one, when a subscription changes."""

    proration_date: UtcDateTime
    credit: Money
    debit: Money
    net_amount: Money
    has_prorations: bool | None = None


class SubscriptionPreviewCredits(StiggModel):
    """Account credits applied to the immediate invoice."""

    initial: Money
    used: Money
    remaining: Money


class SubscriptionPreviewInvoice(StiggModel):
    """One previewed invoice: subtotal, discount, tax and total."""

    total: Money
    sub_total: Money
    total_excluding_tax: Money
    tax: Money | None = None
    discount: Money | None = None
    tax_details: SubscriptionPreviewTaxDetails | None = None
    discount_details: SubscriptionPreviewDiscount | None = None


class ImmediateSubscriptionPreviewInvoice(SubscriptionPreviewInvoice):
    """What is charged now, with proration and credits where they apply."""

    proration: SubscriptionPreviewProration | None = None
    credits: SubscriptionPreviewCredits | None = None


class SubscriptionPreviewV2(StiggModel):
    """`preview_subscription`: the invoice charged now and the next recurring one."""

    immediate_invoice: ImmediateSubscriptionPreviewInvoice
    recurring_invoice: SubscriptionPreviewInvoice | None = None
    billing_period_range: DateRange
    is_plan_downgrade: bool | None = None
    has_scheduled_updates: bool | None = None


class ApplySubscriptionResult(StiggModel):
    """`apply_subscription`: the subscription created or changed (None while payment is pending)."""

    subscription: Subscription | None = None


class PaymentMethodResult(StiggModel):
    """A card stored through the emulator's payment-method API (docs/protocol.md §4.1)."""

    payment_method_id: str
    brand: str
    last4: str
    requires_action: bool = False
