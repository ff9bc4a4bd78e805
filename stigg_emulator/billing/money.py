"""Currency arithmetic: exact Decimal, rounded to the currency's minor unit at the end."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

# ISO-4217 minor units that are not 2 (every other currency has cents).
MINOR_UNITS = {
    "BIF": 0,
    "CLP": 0,
    "DJF": 0,
    "GNF": 0,
    "ISK": 0,
    "JPY": 0,
    "KMF": 0,
    "KRW": 0,
    "PYG": 0,
    "RWF": 0,
    "UGX": 0,
    "VND": 0,
    "VUV": 0,
    "XAF": 0,
    "XOF": 0,
    "XPF": 0,
    "BHD": 3,
    "IQD": 3,
    "JOD": 3,
    "KWD": 3,
    "LYD": 3,
    "OMR": 3,
    "TND": 3,
}
SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "DKK": "kr.", "ILS": "₪"}


def minor_units(currency: str) -> int:
    """Digits after the decimal point for `currency`."""
    return MINOR_UNITS.get(currency.upper(), 2)


def round_money(amount: Decimal, currency: str) -> Decimal:
    """`amount` rounded half-up to the minor unit of `currency`."""
    return amount.quantize(Decimal(1).scaleb(-minor_units(currency)), rounding=ROUND_HALF_UP)


def percent_of(amount: Decimal, percentage: Decimal) -> Decimal:
    """`percentage`% of `amount`, exact."""
    return amount * percentage / Decimal(100)


def format_money(amount: Decimal, currency: str) -> str:
    """Display text such as `$12.00` or `90.00 DKK`."""
    rounded = round_money(amount, currency)
    text = f"{abs(rounded):,.{minor_units(currency)}f}"
    sign = "-" if rounded < 0 else ""
    symbol = SYMBOLS.get(currency.upper())
    if symbol and currency.upper() in ("USD", "EUR", "GBP", "JPY", "ILS"):
        return f"{sign}{symbol}{text}"
    return f"{sign}{text} {currency.upper()}"
