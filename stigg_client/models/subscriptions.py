"""Subscriptions (full and slim), invoices, addons and coupons."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from pydantic import AliasChoices, BeforeValidator, Field

from stigg_client.models.base import Amount, StiggModel, UtcDateTime
from stigg_client.models.common import ExperimentInfo, Metadata, Money, ResourceRef
from stigg_client.models.enums import (
    PaymentCollectionValue,
    PricingTypeValue,
    SubscriptionInvoiceStatusValue,
    SubscriptionStatusValue,
)
from stigg_client.models.paywall import Addon, Plan, PricePoint

T = TypeVar("T")


def _none_as_empty(value: Any) -> Any:
    return [] if value is None else value


NullableList = Annotated[list[T], BeforeValidator(_none_as_empty)]
"""A list field that GraphQL may send as `null` (read as empty)."""


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
    billing_reason: str | None = None
    currency: str | None = None
    total: Amount | None = None
    amount_due: Amount | None = None
    pdf_url: str | None = None


class ScheduleVariables(StiggModel):
    """What a scheduled update changes (the members of Stigg's `ScheduleVariables` union).

    `kind` is the member's GraphQL type name; only the fields of that member are set.
    """

    kind: str | None = Field(default=None, alias="__typename")
    plan_ref_id: str | None = None
    change_type: str | None = None
    downgrade_plan_ref_id: str | None = None
    billing_period: str | None = None
    feature_id: str | None = None
    new_unit_amount: float | None = None
    addon_ref_id: str | None = None
    new_quantity: float | None = None


class ScheduledPackage(StiggModel):
    """The plan or add-on a scheduled update switches to."""

    ref_id: str
    display_name: str | None = None


class SubscriptionScheduledUpdate(StiggModel):
    """A change to a subscription that takes effect later (e.g. fewer seats at period end)."""

    subscription_schedule_type: str
    schedule_status: str | None = None
    scheduled_execution_time: UtcDateTime
    created_at: UtcDateTime | None = None
    target_package: ScheduledPackage | None = None
    schedule_variables: ScheduleVariables | None = None

    @property
    def target_plan_id(self) -> str | None:
        """The plan the update moves to, for plan changes and downgrades."""
        if self.target_package is not None:
            return self.target_package.ref_id
        variables = self.schedule_variables
        if variables is None:
            return None
        return variables.plan_ref_id or variables.downgrade_plan_ref_id


class SubscriptionPrice(StiggModel):
    """One price of a subscription; `usage_limit` is the bought quantity of a per-unit price."""

    usage_limit: float | None = None
    price: PricePoint | None = None


class InvoicePreviewLine(StiggModel):
    """One line of an upcoming invoice."""

    description: str | None = None
    amount: Money | None = None
    quantity: int | None = None


class SubscriptionInvoicePreview(StiggModel):
    """The invoice a subscription will produce next (Stigg's `SubscriptionInvoicePreview`)."""

    total: Money | None = None
    sub_total: Money | None = None
    amount_due: Money | None = None
    tax: Money | None = None
    discount: Money | None = None
    last_updated_at: UtcDateTime | None = None
    lines: list[InvoicePreviewLine] = Field(default_factory=list)


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
    prices: NullableList[SubscriptionPrice] = Field(default_factory=list)
    scheduled_updates: NullableList[SubscriptionScheduledUpdate] = Field(default_factory=list)

    @property
    def unit_quantities(self) -> dict[str, float]:
        """Bought quantity per feature of the subscription's per-unit prices."""
        return {
            price.price.feature_id: price.usage_limit
            for price in self.prices
            if price.price is not None and price.price.feature_id and price.usage_limit is not None
        }


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
