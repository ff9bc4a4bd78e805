"""Money helpers and invoice figures without a server: minor units, rounding, coupons."""

from __future__ import annotations

from decimal import Decimal

from stigg_emulator.billing.money import format_money, minor_units, round_money
from stigg_emulator.billing.quote import Figures, coupon_applies, coupon_off, prorated
from stigg_emulator.catalog.model import Coupon
from stigg_emulator.clock import parse_iso, to_ms
from stigg_emulator.wire.billing_json import figures_json

HALF = Coupon(
    "c",
    "Half",
    "PERCENTAGE",
    percent_off=Decimal(50),
    duration_in_months=3,
    duration_type="REPEATING",
)
FIVE_EUR = Coupon("f", "Five", "FIXED", amounts_off=((Decimal(5), "EUR"),))
ONCE = Coupon("o", "Once", "PERCENTAGE", percent_off=Decimal(20), duration_type="ONCE")


def test_minor_units_and_half_up_rounding() -> None:
    assert (minor_units("USD"), minor_units("jpy"), minor_units("KWD")) == (2, 0, 3)
    assert round_money(Decimal("1.005"), "USD") == Decimal("1.01")
    assert round_money(Decimal("-0.677"), "USD") == Decimal("-0.68")
    assert round_money(Decimal("1234.5"), "JPY") == Decimal("1235")
    assert round_money(Decimal("1.2345"), "KWD") == Decimal("1.235")
    assert format_money(Decimal("1234.5"), "USD") == "$1,234.50"
    assert format_money(Decimal("-3"), "USD") == "-$3.00"
    assert format_money(Decimal("2400"), "DKK") == "2,400.00 DKK"
    assert format_money(Decimal("999.5"), "JPY") == "¥1,000"


def test_figures_round_each_shown_amount_from_its_exact_value() -> None:
    # 1,001 JPY at 10% tax: 100.1 -> 100 shown; total 1,101.1 -> 1,101.
    figures = Figures("JPY", Decimal(1001), None, 0, Decimal(10))
    shown = figures_json(figures)
    assert shown["tax"]["amount"] == 100 and shown["total"]["amount"] == 1101
    # 3.39 with 50% off: discount 1.695 -> 1.70, remaining 1.695 -> 1.70 (both from exact).
    half = figures_json(Figures("USD", Decimal("3.39"), HALF, 0))
    assert (half["discountAmount"]["amount"], half["total"]["amount"]) == (1.7, 1.7)


def test_coupon_amounts_and_durations() -> None:
    assert coupon_off(FIVE_EUR, Decimal(3), "EUR") == Decimal(3)  # never above the amount
    assert coupon_off(FIVE_EUR, Decimal(30), "USD") == Decimal(0)  # no amount in USD
    assert coupon_off(FIVE_EUR, Decimal(-30), "EUR") == Decimal(0)  # credits keep their value
    assert coupon_off(HALF, Decimal(-10), "USD") == Decimal(-5)  # a discounted price's refund
    start = to_ms(parse_iso("2030-01-31T00:00:00Z"))
    # 3 months from 31 January end on 30 April (the day is clamped to the month's length).
    assert coupon_applies(
        HALF, start, to_ms(parse_iso("2030-04-29T23:59:59Z")), first_invoice=False
    )
    assert not coupon_applies(
        HALF, start, to_ms(parse_iso("2030-04-30T00:00:00Z")), first_invoice=False
    )
    assert coupon_applies(ONCE, start, start, first_invoice=True)
    assert not coupon_applies(ONCE, start, start, first_invoice=False)


def test_proration_is_by_exact_time() -> None:
    # 30 x 1/3 of the period = 10.00 exactly; 100 x 1/3 = 33.333... -> 33.33.
    assert prorated(Decimal(30), 1, 3, "USD") == Decimal("10.00")
    assert prorated(Decimal(100), 1, 3, "USD") == Decimal("33.33")
    assert prorated(Decimal(100), 5, 3, "USD") == Decimal("100.00")  # never more than a period
    assert prorated(Decimal(100), -1, 3, "USD") == Decimal("0.00")
