"""Money arithmetic for subscriptions: price lines per period, discounts, proration (Decimal)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from stigg_emulator.catalog.model import Catalog, Coupon, Package, PriceSpec
from stigg_emulator.domain.errors import StiggError
from stigg_emulator.domain.tiers import price_total

CENT = Decimal("0.01")


def cents(value: Decimal) -> Decimal:
    """Round to cents, half up."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class PriceLine:
    """One charged line: a plan flat fee, a per-unit charge, an add-on, or (in arrears) a
    usage-based charge or an overage."""

    kind: str  # plan | unit | addon | usage | overage
    package_ref: str
    price: PriceSpec
    quantity: Decimal
    unit_amount: Decimal
    currency: str
    country: str | None

    @property
    def amount(self) -> Decimal:
        """The quantity priced by the line's price (tiers and blocks applied)."""
        return price_total(self.price, self.quantity, self.unit_amount)


@dataclass
class Bill:
    """Price lines of one billing period plus the discount that applies."""

    currency: str
    billing_period: str | None
    lines: list[PriceLine] = field(default_factory=list)
    coupon: Coupon | None = None

    @property
    def subtotal(self) -> Decimal:
        """Sum of all lines."""
        return sum((line.amount for line in self.lines), Decimal(0))

    @property
    def addons_total(self) -> Decimal:
        """Sum of add-on lines."""
        return sum((line.amount for line in self.lines if line.kind == "addon"), Decimal(0))

    @property
    def discount(self) -> Decimal:
        """Discount amount of the coupon (never above the subtotal)."""
        return discount_amount(self.coupon, self.subtotal, self.currency)

    @property
    def total(self) -> Decimal:
        """Subtotal minus discount."""
        return self.subtotal - self.discount


def discount_amount(coupon: Coupon | None, subtotal: Decimal, currency: str) -> Decimal:
    """How much `coupon` takes off `subtotal`."""
    if coupon is None or subtotal <= 0:
        return Decimal(0)
    if coupon.discount_type == "PERCENTAGE" and coupon.percent_off is not None:
        # Rounded to cents, yet never above a (sub-cent) subtotal: a total never goes negative.
        return min(cents(subtotal * coupon.percent_off / Decimal(100)), subtotal)
    for amount, code in coupon.amounts_off:
        if code == currency:
            return min(amount, subtotal)
    return Decimal(0)


def _pick(prices: tuple[PriceSpec, ...], period: str | None, billing_model: str) -> list[PriceSpec]:
    return [
        price
        for price in prices
        if price.billing_model == billing_model
        and (period is None or price.billing_period == period)
    ]


def default_billing_period(plan: Package, requested: str | None) -> str | None:
    """The billing period a subscription uses: the requested one, else MONTHLY or the only one."""
    periods = plan.billing_periods()
    if not periods:
        return None
    if requested:
        if requested not in periods:
            raise StiggError(
                "BillingPeriodMissingError",
                f"Plan {plan.ref_id} has no price for billing period {requested}",
            )
        return requested
    return "MONTHLY" if "MONTHLY" in periods else periods[0]


def build_bill(
    catalog: Catalog,
    plan: Package,
    billing_period: str | None,
    country: str | None,
    billable_features: dict[str, float],
    unit_quantity: float | None,
    addons: list[dict[str, Any]],
    coupon: Coupon | None = None,
) -> Bill:
    """Every price line of a plan + add-ons for one billing period and billing country."""
    currency = "USD"
    lines: list[PriceLine] = []
    if plan.pricing_type == "PAID" and billing_period:
        for price in _pick(plan.prices, billing_period, "FLAT_FEE"):
            amount, currency, matched = price.for_country(country)
            lines.append(
                PriceLine("plan", plan.ref_id, price, Decimal(1), amount, currency, matched)
            )
        for price in _pick(plan.prices, billing_period, "PER_UNIT"):
            amount, currency, matched = price.for_country(country)
            quantity = billable_features.get(price.feature_ref or "", unit_quantity or 0)
            lines.append(
                PriceLine(
                    "unit", plan.ref_id, price, Decimal(str(quantity)), amount, currency, matched
                )
            )
    for entry in addons:
        addon = catalog.addons.get(entry["addonId"])
        if addon is None or addon.pricing_type != "PAID":
            continue
        period = billing_period or "MONTHLY"
        for price in _pick(addon.prices, period, "FLAT_FEE"):
            amount, addon_currency, matched = price.for_country(country)
            lines.append(
                PriceLine(
                    "addon",
                    addon.ref_id,
                    price,
                    Decimal(int(entry.get("quantity") or 1)),
                    amount,
                    addon_currency,
                    matched,
                )
            )
    if lines:
        currency = lines[0].currency
    return Bill(currency=currency, billing_period=billing_period, lines=lines, coupon=coupon)


def prorate(amount: Decimal, remaining_ms: int, period_ms: int) -> Decimal:
    """`amount` scaled by the exact fraction of the period that remains."""
    if period_ms <= 0:
        return Decimal(0)
    fraction = Decimal(max(0, min(remaining_ms, period_ms))) / Decimal(period_ms)
    return cents(amount * fraction)


def usage_lines(
    plan: Package, billing_period: str | None, usage: dict[str, Decimal]
) -> list[PriceLine]:
    """The in-arrears lines of one billing period of `plan` given each feature's `usage` in it:
    usage-based prices on all of it, overage prices on what exceeds the included quantity."""
    if plan.pricing_type != "PAID" or not billing_period:
        return []
    included = {spec.feature_ref: spec.usage_limit for spec in plan.entitlements}
    lines: list[PriceLine] = []
    for kind, prices in (("usage", plan.prices), ("overage", plan.overage_prices)):
        for price in _pick(prices, billing_period, "USAGE_BASED"):
            feature_ref = price.feature_ref or ""
            used = usage.get(feature_ref, Decimal(0))
            if kind == "overage":
                used = max(Decimal(0), used - Decimal(str(included.get(feature_ref) or 0)))
            lines.append(
                PriceLine(kind, plan.ref_id, price, used, price.amount, price.currency, None)
            )
    return lines
