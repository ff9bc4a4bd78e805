"""Money, number and date formatting: pluggable so the browser can hand in `Intl`-based ones."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

MoneyFormatter = Callable[[Decimal, str], str]
"""(amount, ISO currency code) → display text."""
NumberFormatter = Callable[[float], str]
DateFormatter = Callable[[datetime], str]

_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "DKK": "kr.", "INR": "₹"}


def group_digits(text: str, separator: str = ",") -> str:
    """'1234567' → '1,234,567'."""
    out: list[str] = []
    for index, char in enumerate(reversed(text)):
        if index and index % 3 == 0:
            out.append(separator)
        out.append(char)
    return "".join(reversed(out))


def plain_number(value: float) -> str:
    """A number with thousands separators and no needless decimals (CPython fallback)."""
    rounded = round(float(value), 2)
    whole, _, frac = f"{abs(rounded):.2f}".partition(".")
    frac = frac.rstrip("0")
    sign = "-" if rounded < 0 else ""
    return sign + group_digits(whole) + ("." + frac if frac else "")


def plain_money(amount: Decimal, currency: str) -> str:
    """'$1,200' / '$9.50' / 'CHF 10' without locale data (CPython fallback)."""
    value = Decimal(amount)
    quantized = value.quantize(Decimal("0.01"))
    whole, _, frac = f"{abs(quantized):.2f}".partition(".")
    text = group_digits(whole) + ("" if frac == "00" else "." + frac)
    sign = "-" if value < 0 else ""
    symbol = _SYMBOLS.get(currency.upper())
    return f"{sign}{symbol}{text}" if symbol else f"{sign}{currency.upper()} {text}"


def plain_exact_money(amount: Decimal, currency: str) -> str:
    """Like `plain_money` but always with cents ('$24.00'): invoice lines and totals."""
    whole = plain_money(amount, currency)
    value = Decimal(amount).quantize(Decimal("0.01"))
    return whole if value != value.to_integral_value() else whole + ".00"


def plain_date(value: datetime) -> str:
    """ISO date (CPython fallback)."""
    return value.date().isoformat()


@dataclass(frozen=True)
class Formatters:
    """The formatters one render uses."""

    money: MoneyFormatter = plain_money
    exact_money: MoneyFormatter = plain_exact_money
    number: NumberFormatter = plain_number
    date: DateFormatter = plain_date
