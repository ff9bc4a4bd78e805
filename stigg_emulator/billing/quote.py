"""Invoice-style figures of a charge: subtotal, coupon discount, exclusive tax, total (Decimal).

Every amount stays exact until it is shown: each displayed figure is its exact value rounded
half-up to the currency's minor unit (proration lines are rounded once, as invoice lines).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from stigg_emulator.billing.money import percent_of, round_money
from stigg_emulator.catalog.model import Catalog, Coupon
from stigg_emulator.clock import from_ms, to_ms
from stigg_emulator.domain.periods import add_months
from stigg_emulator.domain.pricing import Bill, PriceLine

ZERO = Decimal(0)


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


@dataclass(frozen=True)
class InvoiceItem:
    """One charged item of an invoice: a plan fee, per-unit charge, add-on or proration."""

    description: str
    amount: Decimal  # exact
    quantity: int | None = None
    proration: bool = False
    line_type: str = "Other"  # Stigg's InvoiceLineItemType
    unit_amount: Decimal | None = None


def _quantity(value: Decimal) -> int:
    return int(value.to_integral_value())


def _period_word(billing_period: str | None) -> str:
    return "year" if billing_period == "ANNUALLY" else "month"


_LINE_TYPES = {"addon": "AddonCharge", "usage": "PayAsYouGoCharge", "overage": "OverageCharge"}


def _line_text(catalog: Catalog, line: PriceLine, per: str) -> str:
    package = catalog.package(line.package_ref) if line.package_ref else None
    name = package.display_name if package is not None else line.package_ref
    unit = f"{line.unit_amount.normalize():f} {line.currency}"
    if line.kind == "addon":
        return f"Add-on {name} x {_quantity(line.quantity)} at {unit} / {per}"
    if line.kind == "plan":
        return f"{name} plan at {unit} / {per}"
    price = line.price
    feature = catalog.features.get(price.feature_ref or "")
    units = (feature.units_plural or feature.display_name) if feature else "units"
    what = {"usage": f"{units} used", "overage": f"{units} above the included"}.get(
        line.kind, units
    )
    if price.tiers:
        rate = f"{(price.tiers_mode or '').lower()} tiers"
    elif price.block_size and price.block_size > 1:
        rate = f"{unit} per {price.block_size}"
    else:
        rate = unit
    return f"{name}: {what} x {line.quantity.normalize():f} at {rate} / {per}"


def bill_items(catalog: Catalog, bill: Bill) -> tuple[InvoiceItem, ...]:
    """The items of a bill: plan fee, per-unit charges with quantity, add-ons, usage charges."""
    per = _period_word(bill.billing_period)
    return tuple(
        InvoiceItem(
            _line_text(catalog, line, per),
            line.amount,
            _quantity(line.quantity),
            line_type=_LINE_TYPES.get(
                line.kind, "TierCharge" if line.price.tiers else "BaseCharge"
            ),
            unit_amount=None if line.price.tiers or line.price.block_size else line.unit_amount,
        )
        for line in bill.lines
    )


def plan_name(catalog: Catalog, bill: Bill) -> str:
    """What a bill is for, in words (its plan and add-ons)."""
    names = []
    for line in bill.lines:
        package = catalog.package(line.package_ref)
        name = package.display_name if package is not None else line.package_ref
        if line.kind == "unit":
            name = f"{name} x {line.quantity.normalize():f}"
        elif line.kind == "addon":
            name = f"add-on {name} x {_quantity(line.quantity)}"
        names.append(name)
    return ", ".join(dict.fromkeys(names)) or "subscription"


def proration_items(
    catalog: Catalog, old: Bill | None, credit: Decimal, new: Bill, debit: Decimal
) -> tuple[InvoiceItem, ...]:
    """A prorated change: unused time of the old state credited, remaining time charged."""
    items = []
    if old is not None and credit:
        items.append(InvoiceItem(f"Unused time on {plan_name(catalog, old)}", credit, 1, True))
    if debit:
        items.append(InvoiceItem(f"Remaining time on {plan_name(catalog, new)}", debit, 1, True))
    return tuple(items)


@dataclass(frozen=True)
class InvoiceLineOut:
    """A line as recorded on an invoice (amount in the currency's minor unit)."""

    description: str
    amount: Decimal
    quantity: int | None
    proration: bool
    kind: str = "item"  # item | discount | tax


@dataclass(frozen=True)
class Figures:
    """One charge: subtotal, the coupon that discounts it and the exclusive tax rate.

    `items` say what the subtotal is made of (their exact amounts add up to it).
    """

    currency: str
    sub_total: Decimal
    coupon: Coupon | None = None
    coupon_start_ms: int = 0
    tax_percentage: Decimal = ZERO
    items: tuple[InvoiceItem, ...] = ()

    def invoice_lines(self) -> list[InvoiceLineOut]:
        """The invoice's lines: each item, then the discount (negative) and tax, each rounded
        to the minor unit once; the invoice's figures are sums of these lines."""
        items = self.items or (InvoiceItem("Subscription charge", self.sub_total),)
        lines = [
            InvoiceLineOut(
                item.description,
                round_money(item.amount, self.currency),
                item.quantity,
                item.proration,
            )
            for item in items
        ]
        if self.coupon is not None and self.discount:
            lines.append(
                InvoiceLineOut(
                    f"Discount: {self.coupon.name}",
                    -round_money(self.discount, self.currency),
                    None,
                    False,
                    "discount",
                )
            )
        if self.tax_percentage and self.tax:
            lines.append(
                InvoiceLineOut(
                    f"Tax ({self.tax_percentage.normalize():f}%)",
                    round_money(self.tax, self.currency),
                    None,
                    False,
                    "tax",
                )
            )
        return lines

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


def prorated(amount: Decimal, remaining_ms: int, period_ms: int, currency: str) -> Decimal:
    """`amount` for the exact fraction of the period that remains, rounded as an invoice line."""
    if period_ms <= 0:
        return ZERO
    fraction = Decimal(max(0, min(remaining_ms, period_ms))) / Decimal(period_ms)
    return round_money(amount * fraction, currency)
