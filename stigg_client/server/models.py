"""Server-SDK-only enums and result shapes: management results, events, invoice previews.

The shapes both SDKs return are in `stigg_client.models`.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from stigg_client.models.base import StiggModel, UtcDateTime
from stigg_client.models.common import ExperimentInfo, Metadata, Money, ResourceRef
from stigg_client.models.entitlements import MeteredEntitlement
from stigg_client.models.enums import (
    PaymentCollectionValue,
    PricingTypeValue,
    ProvisionSubscriptionStatusValue,
    SubscriptionDecisionStrategyValue,
    SubscriptionStatusValue,
)
from stigg_client.models.estimates import Discount, TaxDetails
from stigg_client.models.paywall import PlanRef, PricePoint
from stigg_client.models.subscriptions import Invoice


class UsageUpdateBehavior(StrEnum):
    """How `report_usage` applies `value`: add it (DELTA, the default) or replace (SET)."""

    DELTA = "DELTA"
    SET = "SET"


class SubscriptionScheduleStatus(StrEnum):
    """Which scheduled updates `cancel_subscription_scheduled_updates` cancels."""

    SCHEDULED = "Scheduled"
    PENDING_PAYMENT = "PendingPayment"
    CANCELED = "Canceled"
    DONE = "Done"
    FAILED = "Failed"


class SubscriptionMigrationTime(StrEnum):
    """When `migrate_subscription_to_latest` takes effect."""

    END_OF_BILLING_PERIOD = "END_OF_BILLING_PERIOD"
    IMMEDIATE = "IMMEDIATE"


class SubscriptionCancellationTime(StrEnum):
    """When `cancel_subscription` takes effect."""

    END_OF_BILLING_PERIOD = "END_OF_BILLING_PERIOD"
    IMMEDIATE = "IMMEDIATE"
    SPECIFIC_DATE = "SPECIFIC_DATE"


class SubscriptionCancellationAction(StrEnum):
    """What happens to entitlements when a subscription is cancelled."""

    DEFAULT = "DEFAULT"
    REVOKE_ENTITLEMENTS = "REVOKE_ENTITLEMENTS"


class PromotionalEntitlementPeriod(StrEnum):
    """How long a granted promotional entitlement lasts."""

    ONE_WEEK = "ONE_WEEK"
    ONE_MONTH = "ONE_MONTH"
    SIX_MONTH = "SIX_MONTH"
    ONE_YEAR = "ONE_YEAR"
    LIFETIME = "LIFETIME"
    CUSTOM = "CUSTOM"


class ReportEventAck(StiggModel):
    """Acknowledgement of `report_event`: how many events were accepted (0 sent when offline)."""

    accepted: int
    offline: bool = False


class ArchiveCustomerResult(StiggModel):
    """`archive_customer`: the archived customer's id."""

    customer_id: str


class PromotionalEntitlementFeature(StiggModel):
    """The feature of a promotional entitlement."""

    id: str
    feature_type: str | None = None
    meter_type: str | None = None
    display_name: str | None = None


class PromotionalEntitlement(StiggModel):
    """A promotional entitlement granted to a customer."""

    id: str | None = None
    status: str | None = None
    period: str | None = None
    start_date: UtcDateTime | None = None
    end_date: UtcDateTime | None = None
    usage_limit: float | None = None
    has_unlimited_usage: bool | None = None
    has_soft_limit: bool | None = None
    reset_period: str | None = None
    is_visible: bool | None = None
    description: str | None = None
    enum_values: list[str] | None = None
    feature_group_ids: list[str] | None = None
    feature: PromotionalEntitlementFeature | None = None


class RevokedPromotionalEntitlement(StiggModel):
    """`revoke_promotional_entitlements`: the id of the revoked grant."""

    id: str


class PackagePublishedEvent(StiggModel):
    """Payload of `package_published`: a plan or add-on version was published."""

    account_id: str | None = None
    environment_id: str | None = None
    package_type: str
    package_ref_id: str
    package_version: int
    migration_type: str | None = None


class UsageMeasurementUpdated(StiggModel):
    """The `usage` part of a `usage_updated` payload."""

    customer_id: str
    resource_id: str | None = None
    feature_id: str
    current_usage: float
    usage_period_start: UtcDateTime | None = None
    usage_period_end: UtcDateTime | None = None
    next_reset_date: UtcDateTime | None = None


class UsageUpdatedEvent(StiggModel):
    """Payload of `usage_updated`: the new usage and the entitlement as now cached (if known)."""

    usage: UsageMeasurementUpdated
    entitlement: MeteredEntitlement | None = None


class InvoiceLinePeriod(StiggModel):
    """The billing period an upcoming invoice line covers."""

    start: UtcDateTime
    end: UtcDateTime


class NextInvoiceLine(StiggModel):
    """One line of the next invoice: plan fee, per-unit charge (with quantity) or add-on."""

    type: str | None = None
    description: str
    cost_description: str | None = None
    amount: Money
    unit_price: Money | None = None
    quantity: float | None = None
    proration: bool = False
    period: InvoiceLinePeriod | None = None


class NextInvoicePreview(StiggModel):
    """`preview_next_invoice`: the invoice a subscription produces at its next renewal
    (Stigg's `SubscriptionInvoicePreview`), scheduled updates due by then included."""

    total: Money
    total_excluding_tax: Money | None = None
    sub_total: Money
    sub_total_excluding_tax: Money | None = None
    amount_due: Money
    minimum_spend_adjustment: Money | None = None
    tax: Money | None = None
    tax_details: TaxDetails | None = None
    discount: Money | None = None
    discount_details: Discount | None = None
    last_updated_at: UtcDateTime | None = None
    lines: list[NextInvoiceLine] = Field(default_factory=list)


class SlimCustomer(StiggModel):
    """A customer as management operations return it."""

    id: str
    name: str | None = None
    email: str | None = None
    billing_id: str | None = None
    created_at: UtcDateTime | None = None
    updated_at: UtcDateTime | None = None
    metadata: Metadata | None = None
    aws_marketplace_customer_id: str | None = None
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
