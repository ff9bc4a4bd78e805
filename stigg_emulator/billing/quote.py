"""Invoice-style figures of a charge: subtotal, coupon discount, exclusive tax, total (Decimal).

Every amount stays exact until it is shown: each displayed figure is its exact value rounded
half-up to the currency's minor unit (proration lines are rounded once, as invoice lines).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from stigg_emulator.billing.money import percent_of, round_money
from stigg_emulator.catalog.model import Coupon
from stigg_emulator.clock import from_ms, iso, to_ms
from stigg_emulator.domain.periods import add_months

ZERO = Decimal(0)


def money_json(amount: Decimal, currency: str) -> dict[str, Any]:
    """`Money {amount currency}` rounded to the currency's minor unit."""
    return {
        "__typename": "Money",
        "amount": float(round_money(amount, currency)),
        "currency": currency,
    }


def coupon_end(coupon: Coupon, start_ms: int) -> int | None:
    """When a REPEATING coupon applied at `start_ms` stops discounting (None: never or once)."""
    if coupon.duration_type == "REPEATING" and coupon.duration_in_months:
        return to_ms(add_months(from_ms(start_ms), coupon.duration_in_months))
    return None


def coupon_applies(coupon: Coupon, start_ms: int, at_ms: int, *, first_invoice: bool) -> bool:
    """Does `coupon` (applied at `start_ms`) discount a charge made at `at_ms`?"""
    if coupon.duration_type == "ONCE":
        return first_invoice
    end = coupon_end(coupon, start_ms)
    return end is None or at_ms < end


def coupon_off(coupon: Coupon | None, amount: Decimal, currency: str) -> Decimal:
    """How much `coupon` takes off `amount` (exact; a fixed amount never exceeds it)."""
    if coupon is None or amount == 0:
        return ZERO
    if coupon.discount_type == "PERCENTAGE" and coupon.percent_off is not None:
        return percent_of(amount, coupon.percent_off)
    if amount < 0:
        return ZERO
    for value, code in coupon.amounts_off:
        if code.upper() == currency.upper():
            return min(value, amount)
    return ZERO


def discount_json(coupon: Coupon, start_ms: int) -> dict[str, Any]:
    """`SubscriptionPreviewDiscount` of a coupon applied at `start_ms`."""
    value = (
        coupon.percent_off
        if coupon.discount_type == "PERCENTAGE" and coupon.percent_off is not None
        else (coupon.amounts_off[0][0] if coupon.amounts_off else ZERO)
    )
    return {
        "__typename": "SubscriptionPreviewDiscount",
        "name": coupon.name,
        "type": coupon.discount_type,
        "value": float(value),
        "durationType": coupon.duration_type,
        "durationInMonths": float(coupon.duration_in_months)
        if coupon.duration_type == "REPEATING" and coupon.duration_in_months
        else None,
        "start": iso(start_ms),
        "end": iso(coupon_end(coupon, start_ms)),
    }


@dataclass(frozen=True)
class Figures:
    """One charge: subtotal, the coupon that discounts it and the exclusive tax rate."""

    currency: str
    sub_total: Decimal
    coupon: Coupon | None = None
    coupon_start_ms: int = 0
    tax_percentage: Decimal = ZERO

    @property
    def discount(self) -> Decimal:
        """Exact discount."""
        return coupon_off(self.coupon, self.sub_total, self.currency)

    @property
    def total_excluding_tax(self) -> Decimal:
        """Subtotal minus discount (exact)."""
        return self.sub_total - self.discount

    @property
    def tax(self) -> Decimal:
        """Exclusive tax on the discounted amount (exact)."""
        return percent_of(self.total_excluding_tax, self.tax_percentage)

    @property
    def total(self) -> Decimal:
        """Amount due (exact)."""
        return self.total_excluding_tax + self.tax

    @property
    def total_rounded(self) -> Decimal:
        """Amount due in the currency's minor unit."""
        return round_money(self.total, self.currency)

    def json(self) -> dict[str, Any]:
        """The `SubscriptionPricePreviewDTO` fields (also `SubscriptionPreview`'s)."""
        return {
            "subTotal": money_json(self.sub_total, self.currency),
            "discountAmount": money_json(self.discount, self.currency) if self.coupon else None,
            "discount": discount_json(self.coupon, self.coupon_start_ms) if self.coupon else None,
            "totalExcludingTax": money_json(self.total_excluding_tax, self.currency),
            "tax": money_json(self.tax, self.currency),
            "taxDetails": (
                {
                    "__typename": "SubscriptionPreviewTaxDetails",
                    "displayName": f"Tax ({self.tax_percentage.normalize():f}%)",
                    "percentage": float(self.tax_percentage),
                    "inclusive": False,
                }
                if self.tax_percentage
                else None
            ),
            "total": money_json(self.total, self.currency),
        }


def prorated(amount: Decimal, remaining_ms: int, period_ms: int, currency: str) -> Decimal:
    """`amount` for the exact fraction of the period that remains, rounded as an invoice line."""
    if period_ms <= 0:
        return ZERO
    fraction = Decimal(max(0, min(remaining_ms, period_ms))) / Decimal(period_ms)
    return round_money(amount * fraction, currency)
