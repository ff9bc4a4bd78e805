"""Paywall data: plans with entitlements, price points and addons (the SDK's mapped shape)."""

from __future__ import annotations

from pydantic import Field

from stigg_client.models.base import Amount, StiggModel
from stigg_client.models.common import Metadata, Money
from stigg_client.models.entitlements import EntitlementFeature
from stigg_client.models.enums import (
    BillingModelValue,
    BillingPeriodValue,
    EntitlementResetPeriodValue,
    PricingTypeValue,
    TiersModeValue,
    TrialPeriodUnitsValue,
    WidgetTypeValue,
)


class PackageEntitlement(StiggModel):
    """What a plan or addon grants for one feature."""

    usage_limit: float | None = None
    feature: EntitlementFeature
    has_unlimited_usage: bool | None = None
    has_soft_limit: bool | None = None
    reset_period: EntitlementResetPeriodValue | None = None
    display_name_override: str | None = None
    hidden_from_widgets: list[WidgetTypeValue] | None = None
    enum_values: list[str] | None = None
    """The values an ENUM feature allows (None for other feature types)."""


class PriceFeature(StiggModel):
    """The feature a per-unit price is charged by, with its unit names (Stigg's `Price.feature`)."""

    feature_id: str
    units: str | None = None
    units_plural: str | None = None
    unit_quantity: float | None = None
    display_name: str | None = None


class PriceTier(StiggModel):
    """One tier of a tiered price (Stigg's `PriceTier`): units up to `up_to` (None: the open
    last tier) at `unit_price` each, plus `flat_price` once."""

    up_to: float | None = None
    unit_price: Money | None = None
    flat_price: Money | None = None


class PricePoint(StiggModel):
    """One price of a plan or addon (per billing period, optionally per feature unit); a tiered
    price has `tiers` and `tiers_mode` instead of an `amount`."""

    pricing_model: BillingModelValue | None = None
    billing_period: BillingPeriodValue | None = None
    amount: Amount | None = None
    currency: str | None = None
    billing_country_code: str | None = None
    feature: PriceFeature | None = None
    min_unit_quantity: float | None = None
    max_unit_quantity: float | None = None
    block_size: float | None = None
    tiers_mode: TiersModeValue | None = None
    tiers: list[PriceTier] | None = None
    is_tiered_price: bool = False

    @property
    def feature_id(self) -> str | None:
        """Id of the feature a per-unit price is charged by (`None` for a flat price)."""
        return self.feature.feature_id if self.feature else None


class TrialConfig(StiggModel):
    """A plan's default trial."""

    duration: float | None = None
    units: TrialPeriodUnitsValue | None = None


class ProductRef(StiggModel):
    """The product a plan belongs to."""

    id: str
    display_name: str | None = None
    description: str | None = None
    metadata: Metadata | None = None


class PlanRef(StiggModel):
    """A plan by id and name."""

    id: str
    display_name: str | None = None


class Addon(StiggModel):
    """An addon a plan can be extended with."""

    id: str
    display_name: str | None = None
    description: str | None = None
    entitlements: list[PackageEntitlement] = Field(default_factory=list)
    price_points: list[PricePoint] = Field(default_factory=list)
    pricing_type: PricingTypeValue | None = None
    max_quantity: float | None = None
    metadata: Metadata | None = None


class PlanCreditGrant(StiggModel):
    """Credits of a custom currency a plan grants every `cadence` (`MONTH` or `YEAR`): Stigg's
    `PackageCreditEntitlement`."""

    currency_id: str
    amount: float
    cadence: str
    display_name: str | None = None
    unit_singular: str | None = None
    unit_plural: str | None = None
    has_soft_limit: bool = False


class Plan(StiggModel):
    """A plan as shown on a paywall."""

    id: str
    order: int | None = None
    display_name: str | None = None
    description: str | None = None
    entitlements: list[PackageEntitlement] = Field(default_factory=list)
    inherited_entitlements: list[PackageEntitlement] = Field(default_factory=list)
    base_plan: PlanRef | None = None
    price_points: list[PricePoint] = Field(default_factory=list)
    pricing_type: PricingTypeValue | None = None
    default_trial_config: TrialConfig | None = None
    compatible_addons: list[Addon] = Field(default_factory=list)
    credit_grants: list[PlanCreditGrant] = Field(default_factory=list)
    product: ProductRef | None = None
    hidden_from_widgets: list[WidgetTypeValue] | None = None
    metadata: Metadata | None = None


class PaywallCurrency(StiggModel):
    """The currency prices are shown in."""

    code: str
    symbol: str


class Paywall(StiggModel):
    """Everything a pricing page needs."""

    plans: list[Plan] = Field(default_factory=list)
    currency: PaywallCurrency | None = None
    customer: dict[str, object] | None = None
    active_subscriptions: list[dict[str, object]] | None = None
    resource: dict[str, object] | None = None
