"""Immutable in-memory model of a product catalog (products, features, plans, add-ons, coupons)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

# The one environment the emulator serves (Stigg's `environmentId` in every payload).
ENVIRONMENT_ID = "00000000-0000-4000-8000-00000000e1e1"
# The one account (Stigg's `accountId` in pushed payloads).
ACCOUNT_ID = "local-account"
NAMESPACE = uuid.UUID("5f7c1c2e-8d1b-4a55-9a43-3c1b2f0e7a10")


def stable_uuid(kind: str, ref_id: str) -> str:
    """A deterministic UUID for a catalog object (stable across restarts)."""
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{ref_id}"))


@dataclass(frozen=True)
class Meter:
    """A raw-event meter: which events count and how they aggregate."""

    event_name: str
    aggregation: str  # COUNT | COUNT_UNIQUE | SUM
    field: str | None = None  # dimension for COUNT_UNIQUE / SUM
    filters: tuple[tuple[str, str], ...] = ()  # (dimension, required value)


@dataclass(frozen=True)
class CustomCurrency:
    """A custom credit currency (Stigg's `CustomCurrency`), e.g. "AI credits"."""

    ref_id: str
    display_name: str
    description: str | None = None
    symbol: str | None = None
    unit_singular: str | None = None
    unit_plural: str | None = None
    metadata: dict[str, Any] | None = None
    unit_price: Decimal = Decimal(0)  # what one credit costs when bought (auto-recharge)
    price_currency: str = "USD"
    uuid: str = ""


@dataclass(frozen=True)
class CreditRate:
    """How many credits of a currency one unit of a metered feature burns."""

    currency_ref: str
    amount: float


@dataclass(frozen=True)
class CreditEntitlementSpec:
    """A recurring credit grant of a plan or add-on: `amount` credits every `cadence`."""

    currency_ref: str
    amount: float
    cadence: str = "MONTH"  # CreditCadence: MONTH | YEAR
    soft_limit: bool = False


@dataclass(frozen=True)
class Feature:
    """A feature (BOOLEAN, NUMBER or ENUM) with optional metering (NUMBER only)."""

    ref_id: str
    display_name: str
    feature_type: str
    meter_type: str
    units: str | None = None
    units_plural: str | None = None
    description: str | None = None
    metadata: dict[str, Any] | None = None
    meter: Meter | None = None
    enum_values: tuple[str, ...] = ()  # ENUM only: every value the feature can take
    credit_rate: CreditRate | None = None  # a unit of usage burns credits
    uuid: str = ""


@dataclass(frozen=True)
class EntitlementSpec:
    """One feature entitlement of a package (plan or add-on)."""

    feature_ref: str
    usage_limit: float | None = None
    unlimited: bool = False
    soft_limit: bool = False
    reset_period: str | None = None
    monthly_according_to: str | None = None
    weekly_according_to: str | None = None
    display_name_override: str | None = None
    hidden_from_widgets: tuple[str, ...] = ()
    description: str | None = None
    enum_values: tuple[str, ...] = ()  # ENUM only: the values this package allows
    order: int = 0


@dataclass(frozen=True)
class PriceTier:
    """One tier of a tiered price: units up to `up_to` (None: the open last tier)."""

    up_to: Decimal | None
    unit_price: Decimal | None = None
    flat_price: Decimal | None = None


@dataclass(frozen=True)
class PriceSpec:
    """A price point: flat fee, per unit (in advance) or usage based (in arrears), per billing
    period and currency; per-unit and usage-based prices may be tiered or sold in blocks."""

    billing_model: str  # FLAT_FEE | PER_UNIT | USAGE_BASED
    billing_period: str  # MONTHLY | ANNUALLY
    amount: Decimal
    currency: str = "USD"
    feature_ref: str | None = None  # PER_UNIT only
    min_unit_quantity: int | None = None
    max_unit_quantity: int | None = None
    country_overrides: tuple[tuple[str, Decimal, str], ...] = ()  # (country, amount, currency)
    uuid: str = ""
    tiers_mode: str | None = None  # VOLUME | GRADUATED (with `tiers`)
    tiers: tuple[PriceTier, ...] = ()
    block_size: int | None = None

    @property
    def is_tiered(self) -> bool:
        """Priced by tiers rather than one amount."""
        return bool(self.tiers)

    def for_country(self, country: str | None) -> tuple[Decimal, str, str | None]:
        """Amount, currency and the matched country code for `country` (None = default)."""
        if country:
            for code, amount, currency in self.country_overrides:
                if code.upper() == country.upper():
                    return amount, currency, code
        return self.amount, self.currency, None


@dataclass(frozen=True)
class TrialSpec:
    """A default trial configuration."""

    duration: int
    units: str = "DAY"  # DAY | MONTH
    end_behavior: str = "CONVERT_TO_PAID"


@dataclass(frozen=True)
class Package:
    """A plan or an add-on at one version."""

    kind: str  # plan | addon
    ref_id: str
    product_ref: str
    display_name: str
    description: str | None
    pricing_type: str
    entitlements: tuple[EntitlementSpec, ...]
    prices: tuple[PriceSpec, ...]
    overage_prices: tuple[PriceSpec, ...] = ()  # usage above the entitlement, in arrears
    hidden_from_widgets: tuple[str, ...] = ()
    metadata: dict[str, Any] | None = None
    order: int = 0
    parent_ref: str | None = None
    default_trial: TrialSpec | None = None
    compatible_addons: tuple[str, ...] = ()
    max_quantity: int | None = None
    credit_entitlements: tuple[CreditEntitlementSpec, ...] = ()
    version: int = 1
    uuid: str = ""

    def billing_periods(self) -> list[str]:
        """Billing periods this package has prices for."""
        return sorted({price.billing_period for price in self.prices})


@dataclass(frozen=True)
class PromotionCode:
    """A customer-facing code that applies a coupon."""

    code: str
    active: bool = True
    max_redemptions: int | None = None
    expires_at: int | None = None  # epoch ms; from then on the code is not active
    first_purchase_only: bool = False  # only for customers who have never paid an invoice


@dataclass(frozen=True)
class Coupon:
    """A discount: percentage or fixed amounts."""

    ref_id: str
    name: str
    discount_type: str  # PERCENTAGE | FIXED
    percent_off: Decimal | None = None
    amounts_off: tuple[tuple[Decimal, str], ...] = ()
    duration_in_months: int | None = None
    description: str | None = None
    status: str = "ACTIVE"
    duration_type: str = "FOREVER"  # ONCE | REPEATING (durationInMonths) | FOREVER
    promotion_codes: tuple[PromotionCode, ...] = ()
    metadata: dict[str, Any] | None = None
    uuid: str = ""


@dataclass(frozen=True)
class Experiment:
    """A customer-journey A/B experiment on a product's initial plan."""

    ref_id: str
    name: str
    product_ref: str
    control_group_name: str
    variant_group_name: str
    control_plan: str
    variant_plan: str
    variant_percentage: int = 50


@dataclass(frozen=True)
class Product:
    """A product with its customer-journey settings."""

    ref_id: str
    display_name: str
    description: str | None = None
    multiple_subscriptions: bool = False
    downgrade_plan: str | None = None
    initial_plan: str | None = None  # customer journey: plan given on provisionCustomer
    metadata: dict[str, Any] | None = None
    uuid: str = ""


@dataclass(frozen=True)
class SeedSubscription:
    """A subscription created for a seeded customer on first start."""

    plan_ref: str
    resource_id: str | None = None
    billing_period: str | None = None
    addons: tuple[tuple[str, int], ...] = ()
    billable_features: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class SeedPromotion:
    """A promotional entitlement granted to a seeded customer."""

    feature_ref: str
    period: str = "LIFETIME"
    usage_limit: float | None = None
    unlimited: bool = False


@dataclass(frozen=True)
class SeedCustomer:
    """A customer created on first start (never overwritten afterwards)."""

    ref_id: str
    name: str | None = None
    email: str | None = None
    metadata: dict[str, Any] | None = None
    payment_method_id: str | None = None
    subscriptions: tuple[SeedSubscription, ...] = ()
    promotional_entitlements: tuple[SeedPromotion, ...] = ()


@dataclass(frozen=True)
class FeatureGroup:
    """A named set of features, granted and revoked together as promotional entitlements."""

    ref_id: str
    display_name: str
    feature_refs: tuple[str, ...]
    description: str | None = None
    uuid: str = ""


@dataclass(frozen=True)
class SdkSettings:
    """Answer of `sdkConfiguration`."""

    sentry_dsn: str | None = None
    is_widget_watermark_enabled: bool = False


@dataclass
class Catalog:
    """The whole catalog, indexed by ref id."""

    currencies: dict[str, CustomCurrency] = field(default_factory=dict)
    products: dict[str, Product] = field(default_factory=dict)
    features: dict[str, Feature] = field(default_factory=dict)
    feature_groups: dict[str, FeatureGroup] = field(default_factory=dict)
    plans: dict[str, Package] = field(default_factory=dict)
    addons: dict[str, Package] = field(default_factory=dict)
    coupons: dict[str, Coupon] = field(default_factory=dict)
    experiments: dict[str, Experiment] = field(default_factory=dict)
    customers: list[SeedCustomer] = field(default_factory=list)
    sdk: SdkSettings = field(default_factory=SdkSettings)
    # Older package versions kept for subscriptions that have not migrated: (ref_id, version).
    package_versions: dict[tuple[str, int], Package] = field(default_factory=dict)

    def package(self, ref_id: str, version: int | None = None) -> Package | None:
        """Latest plan/add-on `ref_id`, or a specific stored version of it."""
        latest = self.plans.get(ref_id) or self.addons.get(ref_id)
        if version is None or latest is None or latest.version == version:
            return latest
        return self.package_versions.get((ref_id, version), latest)

    def plans_of(self, product_ref: str) -> list[Package]:
        """Plans of a product in display order."""
        plans = [plan for plan in self.plans.values() if plan.product_ref == product_ref]
        return sorted(plans, key=lambda plan: (plan.order, plan.ref_id))

    def promotion_code(self, code: str) -> tuple[Coupon, PromotionCode] | None:
        """The coupon behind an (active or inactive) promotion code."""
        for coupon in self.coupons.values():
            for promo in coupon.promotion_codes:
                if promo.code.lower() == code.lower():
                    return coupon, promo
        return None

    def inherited_entitlements(self, plan: Package) -> list[EntitlementSpec]:
        """Entitlements of `plan` merged over its parent chain (the child wins per feature)."""
        chain: list[Package] = []
        current: Package | None = plan
        while current is not None and current not in chain:
            chain.append(current)
            current = self.plans.get(current.parent_ref) if current.parent_ref else None
        merged: dict[str, EntitlementSpec] = {}
        for package in reversed(chain):
            for spec in package.entitlements:
                merged[spec.feature_ref] = spec
        return list(merged.values())
