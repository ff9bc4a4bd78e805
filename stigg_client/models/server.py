"""Result shapes of server-key operations (shared with the future `StiggServer`; seeds/000)."""

from __future__ import annotations

from pydantic import Field

from stigg_client.models.base import StiggModel, UtcDateTime
from stigg_client.models.common import ExperimentInfo, Metadata, ResourceRef
from stigg_client.models.enums import (
    PaymentCollectionValue,
    PricingTypeValue,
    ProvisionSubscriptionStatusValue,
    SubscriptionDecisionStrategyValue,
    SubscriptionStatusValue,
)
from stigg_client.models.paywall import PlanRef, PricePoint
from stigg_client.models.subscriptions import Invoice


class SlimCustomer(StiggModel):
    """A customer as management operations return it."""

    id: str
    name: str | None = None
    email: str | None = None
    created_at: UtcDateTime | None = None
    updated_at: UtcDateTime | None = None
    metadata: Metadata | None = None
    experiment_info: ExperimentInfo | None = None


class SlimSubscription(StiggModel):
    """A subscription as management operations return it (plan and addons by id)."""

    id: str | None = None
    plan_id: str | None = None
    status: SubscriptionStatusValue | None = None
    addons: list[dict[str, object]] = Field(default_factory=list)
    addon_ids: list[str] = Field(default_factory=list)
    customer_id: str | None = None
    resource: ResourceRef | None = None
    metadata: Metadata | None = None
    price: PricePoint | None = None
    pricing_type: PricingTypeValue | None = None
    payment_collection: PaymentCollectionValue | None = None
    latest_invoice: Invoice | None = None
    experiment_info: ExperimentInfo | None = None
    effective_end_date: UtcDateTime | None = None


class ProvisionCustomerResult(StiggModel):
    """`provision_customer`: the customer, how its subscription was decided, the subscription."""

    customer: SlimCustomer
    subscription_decision_strategy: SubscriptionDecisionStrategyValue | None = None
    subscription: SlimSubscription | None = None


class ProvisionSubscriptionResult(StiggModel):
    """`provision_subscription`: the subscription, or a checkout URL when payment is required."""

    status: ProvisionSubscriptionStatusValue
    checkout_url: str | None = None
    subscription: SlimSubscription | None = None


class SubscriptionIdResult(StiggModel):
    """Operations that answer with a subscription id only."""

    subscription_id: str


class ReportUsageAck(StiggModel):
    """Acknowledgement of a usage report."""

    measurement_id: str
    customer_id: str | None = None
    resource_id: str | None = None
    feature_id: str | None = None
    current_usage: float | None = None
    usage_period_start: UtcDateTime | None = None
    usage_period_end: UtcDateTime | None = None
    next_reset_date: UtcDateTime | None = None


class Product(StiggModel):
    """A product with its downgrade plan."""

    id: str
    display_name: str | None = None
    description: str | None = None
    metadata: Metadata | None = None
    downgrade_plan: PlanRef | None = None
