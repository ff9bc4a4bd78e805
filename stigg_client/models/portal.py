"""Customer portal data (Stigg's `CustomerPortal` GraphQL type, unmapped)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from stigg_client.models.base import StiggModel, UtcDateTime
from stigg_client.models.common import DateRange, Money
from stigg_client.models.enums import (
    AccessDeniedReasonValue,
    BillingModelValue,
    BillingPeriodValue,
    EntitlementResetPeriodValue,
    FeatureTypeValue,
    MeterTypeValue,
    MonthlyAccordingToValue,
    PricingTypeValue,
    SubscriptionStatusValue,
    WeeklyAccordingToValue,
    YearlyAccordingToValue,
)
from stigg_client.models.subscriptions import (
    NullableList,
    SubscriptionInvoicePreview,
    SubscriptionScheduledUpdate,
)


class ResetPeriodConfiguration(StiggModel):
    """When a monthly, weekly or yearly usage period resets."""

    monthly_according_to: MonthlyAccordingToValue | None = None
    weekly_according_to: WeeklyAccordingToValue | None = None
    yearly_according_to: YearlyAccordingToValue | None = None


class WireFeature(StiggModel):
    """A feature as GraphQL returns it (`EntitlementFeature`)."""

    id: str | None = None
    ref_id: str
    feature_type: FeatureTypeValue | None = None
    meter_type: MeterTypeValue | None = None
    feature_units: str | None = None
    feature_units_plural: str | None = None
    display_name: str | None = None
    description: str | None = None


class WireEntitlement(StiggModel):
    """An entitlement as GraphQL returns it (`Entitlement`)."""

    is_granted: bool | None = None
    access_denied_reason: AccessDeniedReasonValue | None = None
    usage_limit: float | None = None
    current_usage: float | None = None
    has_unlimited_usage: bool | None = None
    has_soft_limit: bool | None = None
    usage_period_anchor: UtcDateTime | None = None
    usage_period_start: UtcDateTime | None = None
    usage_period_end: UtcDateTime | None = None
    reset_period: EntitlementResetPeriodValue | None = None
    reset_period_configuration: ResetPeriodConfiguration | None = None
    feature: WireFeature | None = None


class PortalPricing(StiggModel):
    """How a portal subscription is priced; `unit_quantity` is the bought quantity of a per-unit
    price (e.g. seats), None for flat prices."""

    unit_quantity: int | None = None
    billing_period: BillingPeriodValue | None = None
    billing_model: BillingModelValue | None = None
    pricing_type: PricingTypeValue | None = None
    usage_based_estimated_bill: float | None = None
    price: Money | None = None
    feature: dict[str, Any] | None = None


class PortalSubscription(StiggModel):
    """A subscription as the customer portal shows it."""

    subscription_id: str
    plan_id: str | None = None
    plan_name: str | None = None
    pricing: PortalPricing | None = None
    status: SubscriptionStatusValue | None = None
    trial_remaining_days: int | None = None
    billing_period_range: DateRange | None = None
    total_price: dict[str, Any] | None = None
    addons: list[dict[str, Any]] = Field(default_factory=list)
    scheduled_updates: NullableList[SubscriptionScheduledUpdate] = Field(default_factory=list)
    preview_next_invoice: SubscriptionInvoicePreview | None = None

    @property
    def unit_quantity(self) -> int | None:
        """The bought quantity of the subscription's per-unit price (e.g. seats), if any."""
        return self.pricing.unit_quantity if self.pricing else None


class PortalBillingInformation(StiggModel):
    """The customer's billing details for the portal."""

    email: str | None = None
    name: str | None = None
    default_payment_method_last4_digits: str | None = None
    default_payment_method_id: str | None = None
    default_payment_expiration_month: int | None = None
    default_payment_expiration_year: int | None = None


class CustomerPortal(StiggModel):
    """Everything a customer portal needs."""

    subscriptions: list[PortalSubscription] = Field(default_factory=list)
    entitlements: list[WireEntitlement] = Field(default_factory=list)
    promotional_entitlements: list[dict[str, Any]] = Field(default_factory=list)
    billing_information: PortalBillingInformation | None = None
    show_watermark: bool | None = None
    billing_portal_url: str | None = None
    can_upgrade_subscription: bool | None = None
    resource: dict[str, Any] | None = None
    configuration: dict[str, Any] | None = None
