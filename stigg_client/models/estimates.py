"""Cost estimates (`estimate_subscription`, `estimate_subscription_update`)."""

from __future__ import annotations

from stigg_client.models.base import StiggModel, UtcDateTime
from stigg_client.models.common import DateRange, Money
from stigg_client.models.enums import DiscountDurationTypeValue, DiscountTypeValue


class TaxDetails(StiggModel):
    """The tax applied to an estimate."""

    display_name: str | None = None
    inclusive: bool | None = None
    percentage: float | None = None


class Discount(StiggModel):
    """The discount applied to an estimate."""

    type: DiscountTypeValue | None = None
    value: float | None = None
    duration_type: DiscountDurationTypeValue | None = None
    duration_in_months: int | None = None


class Proration(StiggModel):
    """Prorated credit and debit when a subscription changes mid-period."""

    proration_date: UtcDateTime | None = None
    credit: Money | None = None
    debit: Money | None = None
    net_amount: Money | None = None


class SubscriptionPricePreview(StiggModel):
    """The subscription's non-prorated prices."""

    total: Money | None = None
    total_excluding_tax: Money | None = None
    sub_total: Money | None = None
    tax: Money | None = None


class SubscriptionPreview(StiggModel):
    """An estimate: totals, tax, discount, billing period and proration."""

    total: Money | None = None
    total_excluding_tax: Money | None = None
    sub_total: Money | None = None
    tax: Money | None = None
    tax_details: TaxDetails | None = None
    discount: Discount | None = None
    discount_amount: Money | None = None
    billing_period_range: DateRange | None = None
    proration: Proration | None = None
    subscription: SubscriptionPricePreview | None = None
    is_plan_downgrade: bool | None = None
    has_scheduled_updates: bool | None = None
