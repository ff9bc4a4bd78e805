"""Server-side formatters for the first paint, matching what the browser's `Intl` prints.

The widgets format through `Intl` once hydrated; the server renders the same strings for the
locales the demo offers, so hydration does not change a single character.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_EVEN, Decimal

from widgets.formatting import Formatters

NBSP = "\u00a0"
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class Convention:
    """How one locale writes numbers, money and dates."""

    group: str
    decimal: str
    symbols: dict[str, str]
    symbol_after: bool
    date_style: str


CONVENTIONS = {
    "en-US": Convention(",", ".", {"USD": "$", "EUR": "€", "GBP": "£"}, False, "us"),
    "en-GB": Convention(",", ".", {"USD": "US$", "EUR": "€", "GBP": "£"}, False, "gb"),
    "de-DE": Convention(".", ",", {"USD": "$", "EUR": "€", "GBP": "£"}, True, "de"),
}
# The country a visitor picks on the pricing page → (locale, country code for localized prices).
COUNTRIES = {"US": "en-US", "DE": "de-DE", "GB": "en-GB"}


def _digits(value: Decimal, places: int, convention: Convention) -> str:
    quantized = abs(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)
    whole, _, frac = f"{quantized:f}".partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    text = convention.group.join(groups)
    return text + (convention.decimal + frac if frac else "")


def server_formatters(locale: str) -> Formatters:
    """Formatters for `locale` (one of CONVENTIONS; anything else formats like en-US)."""
    convention = CONVENTIONS.get(locale, CONVENTIONS["en-US"])

    def money(amount: Decimal, currency: str) -> str:
        value = Decimal(amount)
        places = 0 if value == value.to_integral_value() else 2
        digits = _digits(value, places, convention)
        symbol = convention.symbols.get(currency.upper(), currency.upper())
        sign = "-" if value < 0 else ""
        if convention.symbol_after:
            return f"{sign}{digits}{NBSP}{symbol}"
        return f"{sign}{symbol}{digits}"

    def number(value: float) -> str:
        exact = Decimal(str(value))
        places = 0 if exact == exact.to_integral_value() else 3
        text = _digits(exact, places, convention)
        if places:
            text = text.rstrip("0").rstrip(convention.decimal)
        return ("-" if value < 0 else "") + text

    def date(value: datetime) -> str:
        month = MONTHS[value.month - 1]
        if convention.date_style == "de":
            return f"{value.day:02d}.{value.month:02d}.{value.year}"
        if convention.date_style == "gb":
            return f"{value.day} {month} {value.year}"
        return f"{month} {value.day}, {value.year}"

    return Formatters(money=money, number=number, date=date)
