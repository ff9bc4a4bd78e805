"""Subscriptions (full and slim), invoices, addons and coupons."""

from __future__ import annotations

from pydantic import AliasChoices, Field

from stigg_client.models.base import Amount, StiggModel, UtcDateTime
from stigg_client.models.common import ExperimentInfo, Metadata, ResourceRef
from stigg_client.models.enums import (
    PaymentCollectionValue,
    PricingTypeValue,
    SubscriptionInvoiceStatusValue,
    SubscriptionStatusValue,
)
from stigg_client.models.paywall import Addon, Plan, PricePoint


class SubscriptionAddon(StiggModel):
    """An addon on a subscription, with its quantity."""

    quantity: float | None = None
    addon: Addon


class Invoice(StiggModel):
    """The latest invoice of a subscription and its payment state."""

    billing_id: str | None = None
    status: SubscriptionInvoiceStatusValue | None = None
    created_at: UtcDateTime | None = None
    updated_at: UtcDateTime | None = None
    requires_action: bool | None = None
    payment_url: str | None = None
    payment_secret: str | None = None
    error_message: str | None = None


class Subscription(StiggModel):
    """A customer's subscription with its plan, price and addons (`get_subscription`)."""

    id: str
    status: SubscriptionStatusValue | None = None
    current_billing_period_end: UtcDateTime | None = None
    plan: Plan | None = None
    price: PricePoint | None = None
    pricing_type: PricingTypeValue | None = None
    addons: list[SubscriptionAddon] = Field(default_factory=list)
    start_date: UtcDateTime | None = None
    end_date: UtcDateTime | None = None
    trial_end_date: UtcDateTime | None = None
    cancellation_date: UtcDateTime | None = None
    effective_end_date: UtcDateTime | None = None
    resource: ResourceRef | None = None
    metadata: Metadata | None = None
    experiment_info: ExperimentInfo | None = None
    payment_collection: PaymentCollectionValue | None = None
    latest_invoice: Invoice | None = None


class SlimCustomerRef(StiggModel):
    """A customer by id (slim subscription lists)."""

    customer_id: str


class SlimPlanRef(StiggModel):
    """A plan by id and name (slim subscription lists; `refId` is accepted for the id)."""

    plan_id: str = Field(
        validation_alias=AliasChoices("planId", "plan_id", "refId"), serialization_alias="planId"
    )
    display_name: str | None = None


class SlimAddonRef(StiggModel):
    """An addon by id (slim subscription lists)."""

    addon_id: str = Field(
        validation_alias=AliasChoices("addonId", "addon_id", "refId"), serialization_alias="addonId"
    )


class SlimSubscriptionAddon(StiggModel):
    """An addon and quantity on a slim subscription."""

    quantity: float | None = None
    addon: SlimAddonRef


class SlimResourceRef(StiggModel):
    """A resource by id (slim subscription lists)."""

    resource_id: str


class SlimSubscriptionV2(StiggModel):
    """One entry of `get_active_subscriptions_list` (Stigg's `SlimSubscriptionFragmentV2`)."""

    subscription_id: str
    status: SubscriptionStatusValue | None = None
    current_billing_period_end: UtcDateTime | None = None
    start_date: UtcDateTime | None = None
    pricing_type: PricingTypeValue | None = None
    customer: SlimCustomerRef | None = None
    plan: SlimPlanRef | None = None
    addons: list[SlimSubscriptionAddon] = Field(default_factory=list)
    resource: SlimResourceRef | None = None


class Coupon(StiggModel):
    """A coupon that can be applied to a customer or subscription."""

    id: str
    name: str | None = None
    description: str | None = None
    metadata: Metadata | None = None
    discount_value: Amount | None = None
    type: str | None = None
    percent_off: float | None = None
    duration_in_months: int | None = None
